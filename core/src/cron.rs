//! Twin's 7-field cron schedules: validation and next fire times.
//!
//! A schedule is `sec min hour day-of-month month day-of-week year`, evaluated in UTC
//! (twin-api.md 2.7). Day-of-week counts **1 = Sunday … 7 = Saturday** (not Unix's 0–6), so
//! `"0 15 17 * * 5 *"` fires on Thursdays at 17:15:00; names (`MON`–`SUN`, `JAN`–`DEC`) avoid the
//! confusion. Each field takes `*`, numbers, ranges `a-b`, lists `a,b` and steps `*/n` or `a/n`;
//! day-of-month and day-of-week also take `?`. When both day fields are restricted, a day must
//! match both. Unix 5-field and 6-field (no year) expressions are refused with a hint.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! let after = Utc.with_ymd_and_hms(2026, 8, 1, 0, 0, 0).unwrap();
//! let next = twin_core::cron::next_times("0 15 17 * * 5 *", after, 1)?;
//! assert_eq!(next, [Utc.with_ymd_and_hms(2026, 8, 6, 17, 15, 0).unwrap()]); // a Thursday
//! # Ok::<(), twin_core::Error>(())
//! ```

use std::str::FromStr;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use crate::error::{Error, Result};

/// The number of fields in a Twin cron expression.
pub const FIELD_COUNT: usize = 7;

/// The most fire times [`next_times`] computes in one call.
pub const MAX_TIMES: usize = 10_000;

/// Name and accepted values of each field, for error messages.
const FIELDS: [(&str, &str); FIELD_COUNT] = [
    ("second", "0-59"),
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day-of-month", "1-31 or ?"),
    ("month", "1-12 or JAN-DEC"),
    ("day-of-week", "1-7 or SUN-SAT, 1 = Sunday, or ?"),
    ("year", "1970-2100"),
];

const FORMAT_HINT: &str = "expected 7 fields: second minute hour day-of-month month day-of-week year, e.g. \"0 0 9 * * * *\"";

/// Checks that `expr` is a valid Twin schedule, with a message that names the faulty field.
///
/// # Errors
///
/// [`Error::InvalidCron`] naming what is wrong with the expression.
pub fn validate(expr: &str) -> Result<()> {
    parse(expr).map(drop)
}

/// The next `n` fire times of `expr` strictly after `after`, in UTC and in order. Fewer are
/// returned when the schedule runs out (a past year, a date that never exists); `n` may be at
/// most [`MAX_TIMES`].
///
/// # Errors
///
/// [`Error::InvalidCron`] when the expression is not a valid 7-field Twin schedule.
pub fn next_times(expr: &str, after: DateTime<Utc>, n: usize) -> Result<Vec<DateTime<Utc>>> {
    if n > MAX_TIMES {
        return Err(Error::InvalidArgument(format!(
            "at most {MAX_TIMES} fire times can be computed at once, {n} were asked for"
        )));
    }
    let schedule = parse(expr)?;
    // The crate knows the years 1970-2100 and panics on instants near chrono's limits: start
    // inside its range, and stop past it.
    let first = Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).single();
    let end = Utc.with_ymd_and_hms(2101, 1, 1, 0, 0, 0).single();
    let (Some(first), Some(end)) = (first, end) else {
        return Ok(Vec::new());
    };
    if after >= end {
        return Ok(Vec::new());
    }
    let start = if after < first {
        first - TimeDelta::seconds(1)
    } else {
        after
    };
    Ok(schedule
        .after(&start)
        .filter(|t| *t > after)
        .take(n)
        .collect())
}

/// The next fire time of `expr` strictly after `after`, if there is one.
///
/// # Errors
///
/// [`Error::InvalidCron`] when the expression is not a valid 7-field Twin schedule.
pub fn next_time(expr: &str, after: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    next_times(expr, after, 1).map(|times| times.into_iter().next())
}

fn parse(expr: &str) -> Result<::cron::Schedule> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    match fields.len() {
        FIELD_COUNT => {}
        0 => {
            return Err(Error::InvalidCron(format!(
                "empty expression; {FORMAT_HINT}"
            )));
        }
        5 => {
            return Err(Error::InvalidCron(format!(
                "found 5 fields (unix cron); {FORMAT_HINT}: add seconds in front and a year at the end, e.g. \"0 {} *\"",
                fields.join(" ")
            )));
        }
        6 => {
            return Err(Error::InvalidCron(format!(
                "found 6 fields; {FORMAT_HINT}: add a year field at the end, e.g. \"{} *\"",
                fields.join(" ")
            )));
        }
        n => {
            return Err(Error::InvalidCron(format!(
                "found {n} fields; {FORMAT_HINT}"
            )));
        }
    }
    // A field must not begin or end with a separator, or the parser could join it to its
    // neighbour ("1, 2") and read a different number of fields than we counted.
    for (i, field) in fields.iter().enumerate() {
        let dangling = |c: char| matches!(c, ',' | '-' | '/');
        if field.starts_with(dangling) || field.ends_with(dangling) {
            return Err(field_error(i, field));
        }
    }
    let normalized = fields.join(" ");
    match ::cron::Schedule::from_str(&normalized) {
        Ok(schedule) => Ok(schedule),
        Err(_) => Err(first_bad_field(&fields)),
    }
}

/// Finds which field the crate refuses by parsing each one alone among wildcards.
fn first_bad_field(fields: &[&str]) -> Error {
    for (i, field) in fields.iter().enumerate() {
        let probe: Vec<&str> = (0..FIELD_COUNT)
            .map(|j| if j == i { *field } else { "*" })
            .collect();
        if ::cron::Schedule::from_str(&probe.join(" ")).is_err() {
            return field_error(i, field);
        }
    }
    Error::InvalidCron(format!("not a valid schedule; {FORMAT_HINT}"))
}

fn field_error(index: usize, field: &str) -> Error {
    let (name, accepted) = FIELDS[index.min(FIELD_COUNT - 1)];
    Error::InvalidCron(format!(
        "invalid {name} field {field:?} (field {} of 7): expected {accepted}, with *, a-b, a,b or */n",
        index + 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Weekday};

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    fn message(expr: &str) -> String {
        match validate(expr) {
            Err(Error::InvalidCron(m)) => m,
            other => panic!("{expr}: expected InvalidCron, got {other:?}"),
        }
    }

    #[test]
    fn day_of_week_one_is_sunday() {
        // twin-api.md 2.7: the live service gave next_run 1786036500 for this schedule.
        let next = next_times("0 15 17 * * 5 *", at(2026, 8, 1, 0, 0, 0), 1).unwrap();
        assert_eq!(next, [at(2026, 8, 6, 17, 15, 0)]);
        assert_eq!(next[0].timestamp(), 1_786_036_500);
        assert_eq!(next[0].weekday(), Weekday::Thu);
        let sunday = next_time("0 0 0 * * 1 *", at(2026, 8, 1, 0, 0, 0))
            .unwrap()
            .unwrap();
        assert_eq!(sunday.weekday(), Weekday::Sun);
        let named = next_time("0 15 17 * * THU *", at(2026, 8, 1, 0, 0, 0)).unwrap();
        assert_eq!(named, Some(at(2026, 8, 6, 17, 15, 0)));
    }

    #[test]
    fn live_observations() {
        // "0 0 12 * * * *" -> next_run 1776945600 (LIVE #4); hourly set at 14:44Z -> 15:00Z.
        let t = next_time("0 0 12 * * * *", at(2026, 4, 22, 14, 43, 0))
            .unwrap()
            .unwrap();
        assert_eq!(t.timestamp(), 1_776_945_600);
        let t = next_time("0 0 * * * * *", at(2026, 4, 22, 14, 44, 0)).unwrap();
        assert_eq!(t, Some(at(2026, 4, 22, 15, 0, 0)));
    }

    #[test]
    fn strictly_after() {
        let exact = at(2026, 1, 1, 9, 0, 0);
        assert_eq!(
            next_time("0 0 9 * * * *", exact).unwrap(),
            Some(at(2026, 1, 2, 9, 0, 0))
        );
        let just_after = exact + chrono::TimeDelta::milliseconds(500);
        assert_eq!(
            next_time("0 0 9 * * * *", just_after).unwrap(),
            Some(at(2026, 1, 2, 9, 0, 0))
        );
        let every = next_times("* * * * * * *", just_after, 3).unwrap();
        assert_eq!(
            every,
            [
                at(2026, 1, 1, 9, 0, 1),
                at(2026, 1, 1, 9, 0, 2),
                at(2026, 1, 1, 9, 0, 3)
            ]
        );
    }

    #[test]
    fn schedules_that_run_out() {
        assert!(
            next_times("0 0 0 1 1 * 2020", at(2026, 1, 1, 0, 0, 0), 5)
                .unwrap()
                .is_empty()
        );
        assert!(
            next_times("0 0 0 31 2 * *", at(2026, 1, 1, 0, 0, 0), 2)
                .unwrap()
                .is_empty()
        );
        assert!(
            next_times("0 0 9 * * * *", at(2026, 1, 1, 0, 0, 0), 0)
                .unwrap()
                .is_empty()
        );
        assert!(
            next_times("0 0 9 * * * *", DateTime::<Utc>::MAX_UTC, 2)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            next_time("0 0 0 1 1 * *", DateTime::<Utc>::MIN_UTC).unwrap(),
            Some(at(1970, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            next_time("59 59 23 31 12 * *", at(2100, 12, 31, 23, 59, 58)).unwrap(),
            Some(at(2100, 12, 31, 23, 59, 59))
        );
        assert_eq!(
            next_time("* * * * * * *", at(2100, 12, 31, 23, 59, 59)).unwrap(),
            None
        );
    }

    #[test]
    fn refuses_other_field_counts_with_a_hint() {
        let m = message("0 9 * * *");
        assert!(
            m.contains("unix cron") && m.contains("\"0 0 9 * * * *\""),
            "{m}"
        );
        let m = message("0 0 9 * * *");
        assert!(
            m.contains("found 6 fields") && m.contains("\"0 0 9 * * * *\""),
            "{m}"
        );
        assert!(message("").contains("empty expression"));
        assert!(message("   ").contains("empty expression"));
        assert!(message("0 0 9 * * * * *").contains("found 8 fields"));
        assert!(message("@daily").contains("found 1 fields"));
    }

    #[test]
    fn names_the_bad_field() {
        let m = message("0 0 9 * * 8 *");
        assert!(m.contains("day-of-week") && m.contains("1 = Sunday"), "{m}");
        assert!(message("60 0 9 * * * *").contains("invalid second field \"60\""));
        assert!(message("0 0 24 * * * *").contains("hour"));
        assert!(message("0 0 9 0 * * *").contains("day-of-month"));
        assert!(message("0 0 9 * 13 * *").contains("month"));
        assert!(message("0 0 9 * * * 1969").contains("year"));
        assert!(message("0 */0 9 * * * *").contains("minute"));
        assert!(message("0 0 9 * * 1, *").contains("day-of-week"));
        assert!(message("0 0 9 * * ,1 *").contains("day-of-week"));
        assert!(message("0 0 9 * * FUNDAY *").contains("day-of-week"));
        assert!(message("0 0 ? * * * *").contains("hour"));
    }

    #[test]
    fn accepts_the_documented_forms() {
        for ok in [
            "0 0 9 * * * *",
            " 0  0 9 * * * * ",
            "0 0 9 ? * MON-FRI *",
            "0 */15 8-18 * JAN,JUL * 2026-2030",
            "0 30 6 1 * ? *",
            "59 59 23 31 12 7 2100",
        ] {
            assert!(validate(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn caps_the_number_of_times() {
        assert!(matches!(
            next_times("* * * * * * *", at(2026, 1, 1, 0, 0, 0), usize::MAX),
            Err(Error::InvalidArgument(_))
        ));
        assert_eq!(
            next_times("* * * * * * *", at(2026, 1, 1, 0, 0, 0), MAX_TIMES)
                .unwrap()
                .len(),
            MAX_TIMES
        );
    }
}
