//! Conversions between JSON (`serde_json::Value`) and Python objects, and of durations.

use std::time::Duration;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Deepest nesting converted; deeper data is refused rather than overflowing the stack.
const MAX_DEPTH: usize = 256;

/// A JSON value handed to Python as plain `dict`/`list`/`str`/`int`/`float`/`bool`/`None`.
pub struct Json(pub Value);

impl<'py> IntoPyObject<'py> for Json {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.0)
    }
}

/// Converts a JSON value to Python objects.
pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    ToPy {
        py,
        keys: KeyCache::default(),
    }
    .convert(value)
}

/// One conversion: object keys seen before are reused (as `json.loads` does, see
/// [`KeyCache`]), so a key that repeats through a document is mostly one `str`.
struct ToPy<'a, 'py> {
    py: Python<'py>,
    keys: KeyCache<'a, 'py>,
}

impl<'a, 'py> ToPy<'a, 'py> {
    fn convert(&mut self, value: &'a Value) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match value {
            Value::Null => py.None().into_bound(py),
            Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    i.into_pyobject(py)?.into_any()
                } else if let Some(u) = n.as_u64() {
                    u.into_pyobject(py)?.into_any()
                } else {
                    PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
                }
            }
            Value::String(s) => PyString::new(py, s).into_any(),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.convert(item)?);
                }
                PyList::new(py, out)?.into_any()
            }
            Value::Object(map) => {
                let dict = PyDict::new(py);
                for (k, v) in map {
                    let v = self.convert(v)?;
                    dict.set_item(self.keys.get(py, k), v)?;
                }
                dict.into_any()
            }
        })
    }
}

/// Parses JSON text straight into Python objects, with no `Value` tree in between: the same
/// objects [`to_py`] makes of the parsed `Value` (numbers read by the same parser), but keys
/// in the text's order and repeated keys shared, as `json.loads` does.
pub fn from_text<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let mut cx = TextCx {
        py,
        keys: KeyCache::default(),
        err: None,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = FromText(&mut cx)
        .deserialize(&mut de)
        .and_then(|obj| de.end().map(|()| obj));
    match (parsed, cx.err) {
        (_, Some(err)) => Err(err),
        (Ok(obj), None) => Ok(obj),
        (Err(e), None) => Err(PyValueError::new_err(format!("invalid json: {e}"))),
    }
}

struct TextCx<'de, 'py> {
    py: Python<'py>,
    keys: KeyCache<'de, 'py>,
    /// A Python error met while building (it ends the parse).
    err: Option<PyErr>,
}

impl<'py> TextCx<'_, 'py> {
    fn fail<E: de::Error>(&mut self, err: PyErr) -> E {
        self.err = Some(err);
        E::custom("python error")
    }
}

/// One value, as a Python object.
struct FromText<'c, 'de, 'py>(&'c mut TextCx<'de, 'py>);

/// One object key, as a Python `str` (shared when the text repeats it).
struct KeyText<'c, 'de, 'py>(&'c mut TextCx<'de, 'py>);

impl<'de, 'py> DeserializeSeed<'de> for FromText<'_, 'de, 'py> {
    type Value = Bound<'py, PyAny>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for FromText<'_, 'de, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.0.py.None().into_bound(self.0.py))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.0.py, v).to_owned().into_any())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into_pyobject(self.0.py)
            .map_err(|e| match e {})?
            .into_any())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into_pyobject(self.0.py)
            .map_err(|e| match e {})?
            .into_any())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.0.py, v).into_any())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.0.py, v).into_any())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(FromText(&mut *self.0))? {
            items.push(item);
        }
        PyList::new(self.0.py, items)
            .map(Bound::into_any)
            .map_err(|e| self.0.fail(e))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.0.py);
        while let Some(key) = map.next_key_seed(KeyText(&mut *self.0))? {
            let value = map.next_value_seed(FromText(&mut *self.0))?;
            if let Err(e) = dict.set_item(key, value) {
                return Err(self.0.fail(e));
            }
        }
        Ok(dict.into_any())
    }
}

impl<'de, 'py> DeserializeSeed<'de> for KeyText<'_, 'de, 'py> {
    type Value = Bound<'py, PyString>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'py> Visitor<'de> for KeyText<'_, 'de, 'py> {
    type Value = Bound<'py, PyString>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(self.0.keys.get(self.0.py, v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // A key with escapes, unescaped into a scratch buffer: not kept.
        Ok(PyString::new(self.0.py, v))
    }
}

/// The object keys made lately in one conversion, in a small table indexed by a cheap hash
/// of the key (its length and its first and last 8 bytes): a key met again is usually the
/// same `str` (less memory, its hash computed once), and a key that lands on a taken slot
/// replaces the one there, so no input makes a lookup cost more than one comparison.
struct KeyCache<'k, 'py> {
    slots: [Option<(&'k str, Bound<'py, PyString>)>; KEY_SLOTS],
}

/// A power of two.
const KEY_SLOTS: usize = 64;
const _: () = assert!(KEY_SLOTS.is_power_of_two());

impl Default for KeyCache<'_, '_> {
    fn default() -> Self {
        KeyCache {
            slots: [const { None }; KEY_SLOTS],
        }
    }
}

impl<'k, 'py> KeyCache<'k, 'py> {
    fn get(&mut self, py: Python<'py>, key: &'k str) -> Bound<'py, PyString> {
        let b = key.as_bytes();
        let word = |bytes: &[u8]| {
            let mut buf = [0u8; 8];
            buf[..bytes.len()].copy_from_slice(bytes);
            u64::from_le_bytes(buf)
        };
        let head = word(&b[..b.len().min(8)]);
        let tail = word(&b[b.len().saturating_sub(8)..]);
        let mixed =
            (head ^ tail.rotate_left(29) ^ b.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // The top bits, 0..KEY_SLOTS.
        let slot = &mut self.slots[(mixed >> (64 - KEY_SLOTS.trailing_zeros())) as usize];
        match slot {
            Some((k, s)) if *k == key => s.clone(),
            _ => {
                let s = PyString::new(py, key);
                *slot = Some((key, s.clone()));
                s
            }
        }
    }
}

/// Converts plain Python data (dict with str keys, list, tuple, str, int, float, bool, None)
/// to JSON; anything else is a `TypeError`.
pub fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    from_py_at(obj, 0)
}

fn from_py_at(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err("data is nested too deeply"));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(PyValueError::new_err("integer out of the 64-bit range"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err("NaN and infinity are not JSON"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err("dict keys must be str"))?;
            map.insert(key.to_cow()?.into_owned(), from_py_at(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for item in obj.try_iter()? {
            items.push(from_py_at(&item?, depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{} is not JSON data",
        obj.get_type().name()?
    )))
}

/// Parses a JSON document, as a `ValueError` when it is not JSON.
pub fn parse(text: &str) -> PyResult<Value> {
    serde_json::from_str(text).map_err(|e| PyValueError::new_err(format!("invalid json: {e}")))
}

/// Seconds (a float) as a `Duration`; `name` is used in the error.
pub fn seconds(name: &str, secs: f64) -> PyResult<Duration> {
    if !secs.is_finite() || secs <= 0.0 {
        return Err(PyValueError::new_err(format!(
            "{name} must be a positive number of seconds, got {secs}"
        )));
    }
    Duration::try_from_secs_f64(secs)
        .map_err(|_| PyValueError::new_err(format!("{name} is too large: {secs}")))
}

/// What `None` (no limit) becomes where the core wants a `Duration`: a century, far past any
/// call, and small enough to add to an `Instant`.
pub const NO_LIMIT: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// A time limit in seconds: `None` (or infinity) is no limit ([`NO_LIMIT`]).
pub fn limit(name: &str, secs: Option<f64>) -> PyResult<Duration> {
    match secs {
        None => Ok(NO_LIMIT),
        Some(s) if s == f64::INFINITY => Ok(NO_LIMIT),
        Some(s) => seconds(name, s).map(|d| d.min(NO_LIMIT)),
    }
}

/// A time limit as Python sees it: seconds, or `None` for [`NO_LIMIT`].
pub fn limit_secs(d: Duration) -> Option<f64> {
    (d < NO_LIMIT).then_some(d.as_secs_f64())
}

/// A hash of a JSON value, stable for equal values.
pub fn hash(value: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.to_string().hash(&mut h);
    h.finish()
}
