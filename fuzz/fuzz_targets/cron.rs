//! Any string is a valid cron expression or an InvalidCron error; fire times always increase.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(expr) = std::str::from_utf8(data) else { return };
    let after = chrono_free_now();
    if twin_core::cron::validate(expr).is_ok() {
        let times = twin_core::cron::next_times(expr, after, 4).expect("valid expression");
        assert!(times.windows(2).all(|w| w[0] < w[1]));
    }
});

/// A fixed instant, so runs are reproducible.
fn chrono_free_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_796_000_000, 0).expect("in range")
}
