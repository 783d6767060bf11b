//! Schedules fire: a due, unpaused schedule starts a run in `run` mode; `next_run` is computed
//! from the 7-field cron in UTC (day-of-week 1 = Sunday), as the live service does.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::app::{ApiError, AppState};
use crate::store::{RunMode, Store};

/// After this many failed scheduled runs in a row, a schedule pauses itself.
pub const AUTO_PAUSE_AFTER: u64 = 5;
const TICK: Duration = Duration::from_millis(100);

/// Parses a 7-field cron expression (`sec min hour day-of-month month day-of-week year`).
pub fn parse(expr: &str) -> Result<cron::Schedule, ApiError> {
    let fields = expr.split_whitespace().count();
    if fields != 7 {
        return Err(ApiError::bad_request(format!(
            "invalid cron expression {expr:?}: expected 7 fields (sec min hour day month weekday year), got {fields}"
        )));
    }
    cron::Schedule::from_str(expr)
        .map_err(|e| ApiError::bad_request(format!("invalid cron expression {expr:?}: {e}")))
}

/// The first fire time strictly after `after`, in Unix seconds.
pub fn next_run(schedule: &cron::Schedule, after: DateTime<Utc>) -> Option<i64> {
    schedule.after(&after).next().map(|t| t.timestamp())
}

/// Fires due schedules until the runtime stops.
pub async fn run(app: AppState) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        let now = Utc::now();
        let mut store = app.store();
        let due: Vec<String> = store
            .schedules
            .values()
            .filter(|s| {
                !s.paused && !s.auto_paused && s.next_run.is_some_and(|t| t <= now.timestamp())
            })
            .map(|s| s.agent_id.clone())
            .collect();
        for agent_id in due {
            let message = "Scheduled run";
            // The agent exists: schedules are removed with their agent.
            let _ = crate::sim::start(&app, &mut store, &agent_id, RunMode::Run, message, true);
            if let Some(s) = store.schedules.get_mut(&agent_id) {
                s.next_run = next_run(&s.parsed, now);
            }
        }
    }
}

/// Counts failed scheduled runs; enough in a row pause the schedule (`auto_paused`).
pub fn record_outcome(store: &mut Store, agent_id: &str, failed: bool) {
    if let Some(s) = store.schedules.get_mut(agent_id) {
        if failed {
            s.consecutive_failures += 1;
            s.auto_paused |= s.consecutive_failures >= AUTO_PAUSE_AFTER;
        } else {
            s.consecutive_failures = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_fields_required() {
        assert!(parse("0 0 9 * * Mon-Fri *").is_ok());
        assert!(parse("0 0 9 * * Mon-Fri").is_err());
        assert!(parse("0 0 9 * *").is_err());
        assert!(parse("0 0 25 * * * *").is_err());
    }

    #[test]
    fn weekday_five_is_thursday_and_times_are_utc() {
        // twin-api.md 2.7: "0 15 17 * * 5 *" had next_run 1786036500 (Thu 2026-08-06 17:15Z).
        let s = parse("0 15 17 * * 5 *").unwrap();
        let after = DateTime::parse_from_rfc3339("2026-08-01T00:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(next_run(&s, after), Some(1_786_036_500));
        // "0 0 * * * * *" set at 14:44Z fires at 15:00:00Z.
        let hourly = parse("0 0 * * * * *").unwrap();
        let t = DateTime::parse_from_rfc3339("2026-04-22T14:44:36Z")
            .unwrap()
            .to_utc();
        assert_eq!(next_run(&hourly, t), Some(1_776_870_000));
    }
}
