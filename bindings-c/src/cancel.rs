//! Cancelling a wait or a follow from another thread (core's `cancel.rs`).

use twin_core::CancelToken;

use crate::error::twin_status;
use crate::ffi;

/// A flag another thread sets to stop a twin_runs_wait() or a twin_events_follow() whose options
/// hold it (twin_wait_options_set_cancel_token(), twin_follow_options_set_cancel_token()),
/// which then fail with TWIN_ERR_CANCELLED. May be cancelled
/// from any thread; functions that take it keep their own reference, so it may be freed while
/// they run.
#[derive(Debug, Default)]
pub struct twin_cancel_token {
    pub(crate) token: CancelToken,
}

/// A token not cancelled yet, freed with twin_cancel_token_free(). NULL only if the library
/// panicked.
#[unsafe(no_mangle)]
pub extern "C" fn twin_cancel_token_new() -> *mut twin_cancel_token {
    ffi::call_or(std::ptr::null_mut(), || {
        Ok(ffi::new_handle(twin_cancel_token::default()))
    })
}

/// Asks every wait and follow holding this token to stop. Safe to call from any thread, and
/// more than once.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_cancel_token_cancel(token: *const twin_cancel_token) -> twin_status {
    ffi::call(|| {
        let token = ffi::arg(token, "token")?;
        token.token.cancel();
        Ok(())
    })
}

/// Whether twin_cancel_token_cancel() was called; false for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_cancel_token_is_cancelled(token: *const twin_cancel_token) -> bool {
    ffi::call_or(false, || Ok(ffi::arg(token, "token")?.token.is_cancelled()))
}

/// Frees a token. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_cancel_token_free(token: *mut twin_cancel_token) {
    ffi::call_or((), || {
        ffi::free(token);
        Ok(())
    })
}
