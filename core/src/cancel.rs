//! Cancelling a wait or a follow from another thread, and the sliced sleep they use.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Longest uninterrupted sleep: how quickly a cancellation is noticed.
const SLICE: Duration = Duration::from_millis(25);

/// A flag another thread sets to stop a [`runs().wait`](crate::Runs::wait) or an
/// [`events().follow`](crate::Events::follow), which then end with [`Error::Cancelled`].
/// Clones share the flag.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not cancelled yet.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Asks every wait and follow holding this token to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// `Err(Cancelled)` if the token is set.
pub(crate) fn check(token: Option<&CancelToken>) -> Result<()> {
    if token.is_some_and(CancelToken::is_cancelled) {
        Err(Error::Cancelled)
    } else {
        Ok(())
    }
}

/// Sleeps `pause`, but no later than `deadline`, waking every few milliseconds to see whether
/// the token was cancelled.
pub(crate) fn sleep(
    pause: Duration,
    deadline: Option<Instant>,
    token: Option<&CancelToken>,
) -> Result<()> {
    let mut until = Instant::now() + pause;
    if let Some(d) = deadline {
        until = until.min(d);
    }
    loop {
        check(token)?;
        let now = Instant::now();
        if now >= until {
            return Ok(());
        }
        std::thread::sleep((until - now).min(SLICE));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_from_another_thread_stops_a_sleep_promptly() {
        let token = CancelToken::new();
        let other = token.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            other.cancel();
        });
        let started = Instant::now();
        let r = sleep(Duration::from_secs(10), None, Some(&token));
        assert!(matches!(r, Err(Error::Cancelled)));
        assert!(started.elapsed() < Duration::from_secs(2));
        t.join().unwrap();
    }

    #[test]
    fn deadline_caps_the_sleep() {
        let started = Instant::now();
        sleep(
            Duration::from_secs(10),
            Some(Instant::now() + Duration::from_millis(30)),
            None,
        )
        .unwrap();
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
