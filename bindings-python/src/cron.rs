//! Twin's 7-field cron: `twin.cron.validate` and `twin.cron.next_times`. Pairs with
//! `core/src/cron.rs`.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;

use crate::errors::{self, Ctx};

/// Raises `InvalidCronError` (naming the faulty field) unless `expr` is a valid schedule.
#[pyfunction]
pub fn cron_validate(py: Python<'_>, expr: &str) -> PyResult<()> {
    twin_core::cron::validate(expr).map_err(|e| errors::to_py(py, e, Ctx::Call))
}

/// The next `count` fire times strictly after `after` (default: now), in UTC.
#[pyfunction]
#[pyo3(signature = (expr, *, count=5, after=None))]
pub fn cron_next_times(
    py: Python<'_>,
    expr: &str,
    count: usize,
    after: Option<DateTime<Utc>>,
) -> PyResult<Vec<DateTime<Utc>>> {
    let after = after.unwrap_or_else(Utc::now);
    twin_core::cron::next_times(expr, after, count).map_err(|e| errors::to_py(py, e, Ctx::Call))
}
