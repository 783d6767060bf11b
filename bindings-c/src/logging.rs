//! The library's log: one line per HTTP attempt (method, path, status, attempt, elapsed time;
//! never a body, never a key), to stderr when `TWIN_LOG` is set, or to a function of the
//! program's. The Python package sends the same lines to its `logging` logger "twin".

use std::ffi::{CString, c_char, c_void};
use std::sync::{Once, OnceLock, RwLock};

use log::{LevelFilter, Log, Metadata, Record};

use twin_core::Error;

use crate::error::{Failure, twin_status};
use crate::ffi;

/// How much the library logs, from nothing to everything.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum twin_log_level {
    TWIN_LOG_OFF = 0,
    TWIN_LOG_ERROR = 1,
    TWIN_LOG_WARN = 2,
    TWIN_LOG_INFO = 3,
    /// One line per HTTP attempt.
    TWIN_LOG_DEBUG = 4,
    TWIN_LOG_TRACE = 5,
}

/// Receives a log line: its level, the line (NUL-terminated UTF-8, valid only during the call)
/// and the `user_data` given to twin_log_set_handler(). It is called on the thread whose call
/// logged, possibly several threads at once; it must not call twin_log_set_handler().
pub type twin_log_fn =
    Option<extern "C" fn(level: twin_log_level, message: *const c_char, user_data: *mut c_void)>;

/// Only the SDK's own records are passed on, not those of the HTTP stack beneath it.
const TARGET_PREFIX: &str = "twin_core";

/// Where lines go: a program's function (with its `user_data`, kept as an address), or stderr.
#[derive(Clone, Copy)]
struct Sink {
    handler: twin_log_fn,
    user_data: usize,
}

const STDERR: Sink = Sink {
    handler: None,
    user_data: 0,
};

static SINK: RwLock<Sink> = RwLock::new(STDERR);

struct Logger;

static LOGGER: Logger = Logger;

/// Whether this library's logger is the process's `log` logger (a Rust program linking the
/// static library may have installed its own).
fn installed() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| log::set_logger(&LOGGER).is_ok())
}

/// The C levels, at the index of `log`'s number for each (`LevelFilter::Off` is 0).
const LEVELS: [twin_log_level; 6] = [
    twin_log_level::TWIN_LOG_OFF,
    twin_log_level::TWIN_LOG_ERROR,
    twin_log_level::TWIN_LOG_WARN,
    twin_log_level::TWIN_LOG_INFO,
    twin_log_level::TWIN_LOG_DEBUG,
    twin_log_level::TWIN_LOG_TRACE,
];

/// The `log` filter of a twin_log_level's value; `None` for a value that is not one.
fn filter_of(value: i32) -> Option<LevelFilter> {
    LevelFilter::iter().nth(usize::try_from(value).ok()?)
}

fn configure(sink: Sink, level: LevelFilter) -> Result<(), Failure> {
    if !installed() {
        return Err(Failure::Core(Error::InvalidArgument(
            "another logger of Rust's `log` crate is installed in this process".into(),
        )));
    }
    *SINK.write().unwrap_or_else(|e| e.into_inner()) = sink;
    log::set_max_level(level);
    Ok(())
}

/// Applies `TWIN_LOG` (`error`, `warn`, `info`, `debug`, `trace`; anything else: off) once,
/// when the first client is made, unless the program chose with twin_log_set_handler().
pub(crate) fn from_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let level = match std::env::var("TWIN_LOG").unwrap_or_default().trim() {
            "error" => LevelFilter::Error,
            "warn" | "warning" => LevelFilter::Warn,
            "info" => LevelFilter::Info,
            "debug" => LevelFilter::Debug,
            "trace" => LevelFilter::Trace,
            _ => return,
        };
        let _ = configure(STDERR, level);
    });
}

/// Sends the library's log lines of `max_level` (a twin_log_level) and more severe to
/// `handler`; TWIN_LOG_OFF turns the log off. `handler` may be NULL: lines then go to stderr.
/// `user_data` may be NULL; it is passed to `handler` as is. It applies to the whole process
/// and overrides the `TWIN_LOG` environment variable (which otherwise sends lines to stderr
/// once a client is made). At TWIN_LOG_DEBUG there is one line per HTTP attempt, e.g.
/// `GET /v1/me -> 200 (attempt 1, 3 ms)`; no line contains the API key, a signing secret or a
/// body. Fails with TWIN_ERR_INVALID_ARGUMENT for an unknown level, or when a Rust program
/// linking the library has installed a logger of Rust's `log` crate itself. A call already
/// logging on another thread may still reach the previous handler just after this returns:
/// keep its `user_data` alive until no client call is under way.
#[must_use]
#[unsafe(no_mangle)]
pub extern "C" fn twin_log_set_handler(
    handler: twin_log_fn,
    max_level: i32,
    user_data: *mut c_void,
) -> twin_status {
    ffi::call(|| {
        let level = filter_of(max_level).ok_or_else(|| {
            Failure::Core(Error::InvalidArgument(format!(
                "max_level {max_level} is not a twin_log_level"
            )))
        })?;
        from_env(); // spent now, so a later first client does not override this choice
        configure(
            Sink {
                handler,
                user_data: user_data as usize,
            },
            level,
        )
    })
}

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with(TARGET_PREFIX) && metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        // A handler is called outside the lock, so that it may take its time.
        let sink = *SINK.read().unwrap_or_else(|e| e.into_inner());
        let Some(handler) = sink.handler else {
            eprintln!("[twin {}] {}", record.level(), record.args());
            return;
        };
        let line = record.args().to_string().replace('\0', " ");
        let Ok(line) = CString::new(line) else {
            return;
        };
        let level = LEVELS[record.level() as usize];
        handler(level, line.as_ptr(), sink.user_data as *mut c_void);
    }

    fn flush(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_levels_follow_the_log_numbering() {
        for (number, level) in LEVELS.into_iter().enumerate() {
            assert_eq!(level as usize, number);
            assert_eq!(filter_of(level as i32).map(|f| f as usize), Some(number));
        }
        for level in log::Level::iter() {
            assert_eq!(LEVELS[level as usize] as usize, level as usize);
        }
        assert_eq!(filter_of(-1), None);
        assert_eq!(filter_of(6), None);
    }
}
