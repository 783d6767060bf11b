//! The client and its options (core's `client.rs` and `transport.rs`'s timeouts).

use std::time::Duration;

use twin_core::Client;

use crate::error::{Failure, twin_status};
use crate::ffi;
#[path = "generated/client.rs"]
mod generated;
pub use generated::*;

/// What twin_client_options holds (the handle and its setters are generated:
/// `generated/client.rs`).
#[derive(Clone, Debug, Default)]
pub(crate) struct ClientSettings {
    pub(crate) api_key: Option<String>,
    pub(crate) base_url: Option<String>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) root_certificates: Vec<Vec<u8>>,
    pub(crate) system_roots: Option<bool>,
    pub(crate) on_attempt: Option<crate::hooks::AttemptHook>,
}

/// A client of the Twin API. Thread-safe: one client may serve several threads at once.
#[derive(Debug)]
pub struct twin_client {
    pub(crate) client: Client,
}

/// The body of an endpoint that hands nothing out: `body` with the core client, inside
/// [`ffi::call`] (the client pointer checked first).
pub(crate) fn call(
    client: *const twin_client,
    body: impl FnOnce(&Client) -> Result<(), Failure>,
) -> twin_status {
    ffi::call(|| body(&ffi::arg(client, "client")?.client))
}

/// The body of an endpoint that hands out a new handle (or, when `body` gives an `Option`,
/// NULL for none): `out` and the client are checked before `body` runs, and `out` is written
/// only when it succeeds.
pub(crate) fn call_out<T, R: Into<Option<T>>>(
    client: *const twin_client,
    out: *mut *mut T,
    out_name: &'static str,
    body: impl FnOnce(&Client) -> Result<R, Failure>,
) -> twin_status {
    ffi::call(|| {
        let out = ffi::out(out, out_name)?;
        let client = &ffi::arg(client, "client")?.client;
        out.give_opt(body(client)?.into());
        Ok(())
    })
}

/// Makes a client. `options` may be NULL: everything then comes from the environment and the
/// defaults. Fails with TWIN_ERR_INVALID_ARGUMENT when there is no API key, the base URL is not
/// an http(s) URL, or a timeout is 0. Free the client with twin_client_free().
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_new(
    options: *const twin_client_options,
    client_out: *mut *mut twin_client,
) -> twin_status {
    ffi::call(|| {
        let o = twin_client_options::value_or_default(options);
        let client_out = ffi::out(client_out, "client_out")?;
        crate::logging::from_env();
        let mut builder = Client::builder().user_agent_suffix("c");
        if let Some(key) = &o.api_key {
            builder = builder.api_key(key.as_str());
        }
        if let Some(url) = &o.base_url {
            builder = builder.base_url(url.as_str());
        }
        if let Some(d) = o.connect_timeout {
            builder = builder.connect_timeout(d);
        }
        if let Some(d) = o.timeout {
            builder = builder.timeout(d);
        }
        if let Some(d) = o.total_timeout {
            builder = builder.total_timeout(d);
        }
        if let Some(n) = o.max_retries {
            builder = builder.max_retries(n);
        }
        for pem in o.root_certificates {
            builder = builder.add_root_certificate_pem(pem);
        }
        if let Some(trust) = o.system_roots {
            builder = builder.system_roots(trust);
        }
        if let Some(hook) = o.on_attempt {
            builder = hook.install(builder);
        }
        client_out.give(twin_client {
            client: builder.build()?,
        });
        Ok(())
    })
}

/// Frees a client. NULL does nothing. Calls still running on other threads must have returned.
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_free(client: *mut twin_client) {
    ffi::call_or((), || {
        ffi::free(client);
        Ok(())
    })
}
