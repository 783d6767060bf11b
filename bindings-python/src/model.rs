//! The model macro: a frozen pyclass wrapping a core model, with attribute getters, a short
//! `__repr__`, `__eq__`/`__hash__`, `to_record()`, `to_dict()`/`to_json()`, `from_dict()`/`from_json()`,
//! pickling and `_repr_html_`, plus `From<core model>` (rpds-py / tokenizers style).

use pyo3::prelude::*;
use serde_json::Value;

/// What a core model gives the wrapper: its JSON as received, how to decode it back, and
/// (rarely) a piece of state the JSON does not hold, so that pickling round-trips exactly.
pub trait CoreModel: Sized + Clone + PartialEq + Send + Sync + 'static {
    /// The JSON as received.
    fn raw_json(&self) -> Value;
    /// Decodes from JSON as the API sends it.
    fn decode(value: Value) -> twin_core::Result<Self>;
    /// The JSON as received, as plain Python data (`to_dict()`).
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        crate::convert::to_py(py, &self.raw_json())
    }
    /// State not in the JSON (e.g. a webhook's `agent_id` filled in from the request path).
    fn extra(&self) -> Option<String> {
        None
    }
    /// Restores what [`CoreModel::extra`] returned.
    fn apply_extra(&mut self, _extra: String) {}
}

/// Implements [`CoreModel`] for core types that implement `twin_core::Model`.
macro_rules! core_model {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::model::CoreModel for $t {
            fn raw_json(&self) -> serde_json::Value {
                twin_core::Model::raw(self).clone()
            }
            fn decode(value: serde_json::Value) -> twin_core::Result<Self> {
                <$t as twin_core::Model>::from_value(value)
            }
        }
    )*};
}
pub(crate) use core_model;

/// A copy of a JSON object without one member.
pub fn without(value: &Value, member: &str) -> Value {
    let mut copy = value.clone();
    if let Value::Object(map) = &mut copy {
        map.remove(member);
    }
    copy
}

/// `Name(a='x', b=2)` from already-computed Python reprs.
pub fn repr_of(name: &str, fields: &[(&str, Bound<'_, PyAny>)]) -> PyResult<String> {
    let mut out = String::from(name);
    out.push('(');
    for (i, (field, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(field);
        out.push('=');
        out.push_str(&value.repr()?.to_cow()?);
    }
    out.push(')');
    Ok(out)
}

/// Calls `twin._html.<function>(arg)`; the HTML lives in Python, imported only when a
/// notebook asks for it.
pub fn html<'py>(py: Python<'py>, function: &str, arg: Bound<'py, PyAny>) -> PyResult<String> {
    py.import("twin._html")?
        .call_method1(function, (arg,))?
        .extract::<String>()
}

/// A Python list (a `twin.ModelList`, which renders as a table in notebooks) of models.
pub fn model_list<'py, T>(py: Python<'py>, items: Vec<T>) -> PyResult<Bound<'py, PyAny>>
where
    T: IntoPyObject<'py>,
    PyErr: From<T::Error>,
{
    let list = pyo3::types::PyList::new(py, items)?;
    py.import("twin._html")?
        .getattr("ModelList")?
        .call1((list,))
}

/// A model that can carry the request id of the answer it came in (`request_id`).
pub trait Identified {
    /// This model, carrying `id`.
    fn with_request_id(self, id: Option<String>) -> Self;
}

/// Defines a model wrapper. The resource modules do not call it directly: each model's
/// `<model>_model!` in `generated/<file>.rs` (written by codegen/python.py from
/// codegen/models.toml) calls it with the core type and the `fields { }` filled in. Syntax:
///
/// ```text
/// model! {
///     /// docs
///     Agent(twin_core::Agent) as "Agent";
///     repr: [agent_id, name];
///     fields {
///         agent_id: String = |m| m.agent_id.clone();
///     }
///     state { client: Option<ClientRef> }      // optional extra fields, Default-initialised
///     methods { fn refresh(&self) ... }        // optional extra #[pymethods]
/// }
/// ```
macro_rules! model {
    (
        $(#[$meta:meta])*
        $name:ident($core:ty) as $pyname:literal;
        repr: [$($repr:ident),* $(,)?];
        fields { $($(#[$fmeta:meta])* $field:ident: $ty:ty = |$m:ident| $get:expr;)* }
        $(state { $($sfield:ident: $sty:ty),* $(,)? })?
        $(methods { $($methods:tt)* })?
    ) => {
        $(#[$meta])*
        #[pyclass(frozen, module = "twin", name = $pyname)]
        pub struct $name {
            pub(crate) inner: $core,
            /// The request id of the answer this came in, when the service sent one.
            pub(crate) request_id: Option<String>,
            $($(pub(crate) $sfield: $sty,)*)?
        }

        impl From<$core> for $name {
            fn from(inner: $core) -> Self {
                $name { inner, request_id: None, $($($sfield: Default::default(),)*)? }
            }
        }

        impl $crate::model::Identified for $name {
            fn with_request_id(mut self, id: Option<String>) -> Self {
                self.request_id = id;
                self
            }
        }

        #[pymethods]
        impl $name {
            $(
                $(#[$fmeta])*
                #[getter]
                fn $field(&self) -> $ty {
                    let $m = &self.inner;
                    $get
                }
            )*

            /// The request id (`x-request-id`) the service sent with the answer this came in:
            /// set on what `me()`, `get`, `create`, `start`, `update`, `cancel` and
            /// `run.refresh()` return, when the service sent one; `None` otherwise (lists,
            /// waits, `instructions.get`, `schedules.get`, `from_dict`).
            #[getter]
            fn request_id(&self) -> Option<&str> {
                self.request_id.as_deref()
            }

            /// The field names, in order (for tables and tools).
            #[classattr]
            fn _fields() -> Vec<&'static str> {
                vec![$(stringify!($field)),*]
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                use pyo3::IntoPyObjectExt;
                $crate::model::repr_of($pyname, &[
                    $((stringify!($repr), self.$repr().into_bound_py_any(py)?)),*
                ])
            }

            fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> Py<PyAny> {
                use pyo3::IntoPyObjectExt;
                match other.cast::<$name>() {
                    Ok(o) => (self.inner == o.get().inner)
                        .into_py_any(py)
                        .unwrap_or_else(|_| py.NotImplemented()),
                    Err(_) => py.NotImplemented(),
                }
            }

            fn __hash__(&self) -> u64 {
                $crate::convert::hash(&$crate::model::CoreModel::raw_json(&self.inner))
            }

            /// The JSON object as received (unknown fields included), as plain Python data.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                $crate::model::CoreModel::to_py(&self.inner, py)
            }

            /// The attributes by name (every field in `_fields` but `raw`), with their typed
            /// values (`datetime`s, ints, bools): what tables and `to_pandas()` show. Unlike
            /// `to_dict()`, which is the JSON as received (wire names, times as strings).
            /// Secrets (`api_key`, `signing_secret`) are included, as in `to_dict()`; only
            /// tables and `to_pandas()` leave them out unless named.
            fn to_record<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
                let record = pyo3::types::PyDict::new(slf.py());
                for field in [$(stringify!($field)),*] {
                    if field != "raw" {
                        record.set_item(field, slf.getattr(field)?)?;
                    }
                }
                Ok(record)
            }

            /// The JSON object as received, as a string.
            fn to_json(&self) -> String {
                $crate::model::CoreModel::raw_json(&self.inner).to_string()
            }

            /// Decodes from a dict shaped as the API sends it (e.g. a stored `to_dict()`).
            #[classmethod]
            fn from_dict(_cls: &Bound<'_, pyo3::types::PyType>, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
                let value = $crate::convert::from_py(data)?;
                <$core as $crate::model::CoreModel>::decode(value)
                    .map(Self::from)
                    .map_err(|e| $crate::errors::to_py(py, e, $crate::errors::Ctx::Data))
            }

            /// Decodes from a JSON string shaped as the API sends it.
            #[classmethod]
            fn from_json(_cls: &Bound<'_, pyo3::types::PyType>, py: Python<'_>, data: &str) -> PyResult<Self> {
                let value = $crate::convert::parse(data)?;
                <$core as $crate::model::CoreModel>::decode(value)
                    .map(Self::from)
                    .map_err(|e| $crate::errors::to_py(py, e, $crate::errors::Ctx::Data))
            }

            #[classmethod]
            #[pyo3(signature = (data, extra=None))]
            fn _restore(_cls: &Bound<'_, pyo3::types::PyType>, py: Python<'_>, data: &str, extra: Option<String>) -> PyResult<Self> {
                let value = $crate::convert::parse(data)?;
                let mut inner = <$core as $crate::model::CoreModel>::decode(value)
                    .map_err(|e| $crate::errors::to_py(py, e, $crate::errors::Ctx::Data))?;
                if let Some(extra) = extra {
                    $crate::model::CoreModel::apply_extra(&mut inner, extra);
                }
                Ok(Self::from(inner))
            }

            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String, Option<String>))> {
                let me = slf.get();
                let restore = slf.get_type().getattr("_restore")?;
                Ok((restore, (
                    $crate::model::CoreModel::raw_json(&me.inner).to_string(),
                    $crate::model::CoreModel::extra(&me.inner),
                )))
            }

            fn _repr_html_(slf: &Bound<'_, Self>) -> PyResult<String> {
                $crate::model::html(slf.py(), "record", slf.clone().into_any())
            }

            $($($methods)*)?
        }
    };
}
pub(crate) use model;
