//! Twin's 7-field cron schedules: validation and next fire times (core's `cron.rs`).

use std::ffi::c_char;

use crate::error::twin_status;
use crate::ffi;

/// The value twin_cron_next_times() writes after the last fire time of a schedule that runs out
/// (a past year, a date that never exists): never a real fire time.
pub const TWIN_CRON_NO_TIME: i64 = i64::MIN;

/// Checks that `expr` is a valid Twin schedule: `sec min hour day-of-month month day-of-week
/// year`, UTC, day-of-week 1 = Sunday (or `SUN`-`SAT`). Fails with TWIN_ERR_INVALID_CRON and a
/// message naming the faulty field.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_cron_validate(expr: *const c_char) -> twin_status {
    ffi::call(|| {
        let expr = ffi::str_arg(expr, "expr")?;
        twin_core::cron::validate(expr)?;
        Ok(())
    })
}

/// Writes the next `count` fire times of `expr` strictly after `after_unix` (Unix seconds) into
/// `times_out` (room for `count` values), in order, as Unix seconds. When the schedule runs out
/// first, the remaining entries are TWIN_CRON_NO_TIME. `count` may be at most 10000.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_cron_next_times(
    expr: *const c_char,
    after_unix: i64,
    count: usize,
    times_out: *mut i64,
) -> twin_status {
    ffi::call(|| {
        let expr = ffi::str_arg(expr, "expr")?;
        let times_out = ffi::out_slice(times_out, count, "times_out")?;
        let after = crate::from_unix(after_unix, "after_unix")?;
        let times = twin_core::cron::next_times(expr, after, count)?;
        for (i, slot) in times_out.iter_mut().enumerate() {
            *slot = times.get(i).map_or(TWIN_CRON_NO_TIME, |t| t.timestamp());
        }
        Ok(())
    })
}
