//! `client.schedules`: get, set, delete, pause, resume, list. Pairs with
//! `core/src/resources/schedules.rs`.

use pyo3::prelude::*;

use crate::client::resource;
use crate::generated::schedules::schedule_model;
use crate::model::{core_model, model_list};

core_model!(twin_core::Schedule);

schedule_model! {
    /// An agent's cron schedule (7 fields, UTC, day-of-week 1 = Sunday).
    class Schedule;
    repr: [agent_id, cron, paused];
}

resource! {
    /// Cron schedules of agents: `client.schedules`.
    SchedulesResource as "SchedulesResource"
}

#[pymethods]
impl SchedulesResource {
    /// The agent's schedule, or `None`.
    fn get(&self, py: Python<'_>, agent_id: &str) -> PyResult<Option<Schedule>> {
        self.client
            .call(py, |c| c.schedules().get(agent_id))
            .map(|s| s.map(Schedule::from))
    }

    /// Sets the schedule; an invalid expression raises `InvalidCronError` before any request.
    fn set(&self, py: Python<'_>, agent_id: &str, cron: &str) -> PyResult<()> {
        self.client.call(py, |c| c.schedules().set(agent_id, cron))
    }

    /// Removes the schedule.
    fn delete(&self, py: Python<'_>, agent_id: &str) -> PyResult<()> {
        self.client.call(py, |c| c.schedules().delete(agent_id))
    }

    /// Pauses the schedule.
    fn pause(&self, py: Python<'_>, agent_id: &str) -> PyResult<()> {
        self.client.call(py, |c| c.schedules().pause(agent_id))
    }

    /// Resumes the schedule.
    fn resume(&self, py: Python<'_>, agent_id: &str) -> PyResult<()> {
        self.client.call(py, |c| c.schedules().resume(agent_id))
    }

    /// Every schedule of the account.
    fn list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let list = self.client.call(py, |c| c.schedules().list())?;
        model_list(py, list.into_iter().map(Schedule::from).collect())
    }

    fn __repr__(&self) -> &'static str {
        "<twin schedules>"
    }
}
