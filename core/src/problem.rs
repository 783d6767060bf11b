//! RFC 9457 problem details, read from every error body the Twin service produces.
//!
//! twin-api.md section 1.3 lists them: `application/problem+json`; a `text/plain` string (422,
//! from the server's JSON extractor); an empty body with an `Allow` header (405); the legacy
//! `{"error": {"code", "message"}}` and `{"code": <int>, "message", "details"}` shapes; and HTML
//! or anything else from proxies. [`Problem::from_response`] turns each of them into a
//! [`Problem`] and never fails.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// The default problem type (RFC 9457 section 4.2.1).
pub const ABOUT_BLANK: &str = "about:blank";

/// Longest `detail`, in characters (a longer one is cut, with an ellipsis).
const MAX_TEXT_DETAIL_CHARS: usize = 500;
/// Longest `title`, in characters.
const MAX_TITLE_CHARS: usize = 200;
/// Longest `type` and `instance`, in characters.
const MAX_URI_CHARS: usize = 300;

/// Bodies longer than this are not parsed as JSON nor scanned for text beyond this point.
const MAX_SCANNED_BODY_BYTES: usize = 256 * 1024;

/// Problem details of a failed request (RFC 9457), always available on [`crate::Error::Api`].
///
/// Built by [`Problem::from_response`] from whatever the service sent. Deserializing a `Problem`
/// directly from JSON is tolerant in the same way (a numeric-string `status`, a missing `title`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Problem {
    /// A URI reference naming the problem type; `about:blank` when the body did not say.
    #[serde(rename = "type")]
    pub type_: String,
    /// A short summary; the HTTP reason phrase (`Forbidden`) when the body did not say.
    pub title: String,
    /// The HTTP status the problem was reported with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The explanation specific to this occurrence, e.g. `you do not have access to this agent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A URI reference identifying this occurrence, if the service sent one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Every other member of the body (for the legacy shapes: `code`, `details`; for a 405: `allow`).
    #[serde(flatten)]
    pub extensions: Map<String, Value>,
}

impl Problem {
    /// A problem with only a status: `about:blank`, the reason phrase as title, no detail.
    pub fn from_status(status: u16) -> Problem {
        Problem {
            type_: ABOUT_BLANK.to_owned(),
            title: reason_phrase(status).to_owned(),
            status: Some(status),
            detail: None,
            instance: None,
            extensions: Map::new(),
        }
    }

    /// Builds the problem for an error response. Never fails: whatever the body is, the result
    /// has a title (the reason phrase when the body has none) and, when anything useful was
    /// sent, a detail.
    ///
    /// * problem+json, or any JSON object with `title`/`detail`/`type`: read as RFC 9457, other
    ///   members kept in `extensions`;
    /// * `{"error": {"code", "message"}}` and `{"code", "message", "details"}`: `detail` is the
    ///   message, `code` (and `details`) kept as extensions; `{"message"}` and `{"error": "..."}`
    ///   likewise;
    /// * a text body (`text/plain` 422) or a JSON string: `detail` is the text;
    /// * an empty body: no detail, except that an `Allow` header gives
    ///   `allowed methods: DELETE` (and an `allow` extension);
    /// * HTML: the visible text with tags removed; anything else: the trimmed text.
    ///
    /// Server text is made safe to show: control characters (terminal escapes, CR/LF, NUL)
    /// removed, the title capped at 200 characters and the detail at 500 (an ellipsis marks
    /// the cut).
    pub fn from_response(
        status: u16,
        content_type: Option<&str>,
        allow: Option<&str>,
        body: &[u8],
    ) -> Problem {
        let scanned = &body[..body.len().min(MAX_SCANNED_BODY_BYTES)];
        let text = String::from_utf8_lossy(scanned);
        let trimmed = text.trim();
        let mime = content_type
            .and_then(|ct| ct.split(';').next())
            .map(|m| m.trim().to_ascii_lowercase())
            .unwrap_or_default();

        let mut problem = if trimmed.is_empty() {
            Problem::from_status(status)
        } else if let Some(json) = parse_json(trimmed, body.len() <= MAX_SCANNED_BODY_BYTES) {
            from_json(status, json, trimmed)
        } else {
            let mut p = Problem::from_status(status);
            let is_html = mime == "text/html"
                || mime == "application/xhtml+xml"
                || (mime.is_empty() || mime == "application/octet-stream")
                    && trimmed.starts_with('<');
            let plain = if is_html {
                html_to_text(trimmed)
            } else {
                trimmed.to_owned()
            };
            p.detail = cap_text(plain.trim());
            p
        };

        if let Some(allow) = allow.map(str::trim).filter(|a| !a.is_empty()) {
            if problem.detail.is_none() {
                problem.detail = Some(format!("allowed methods: {allow}"));
            }
            problem
                .extensions
                .entry("allow")
                .or_insert_with(|| Value::String(allow.to_owned()));
        }
        problem.cleaned()
    }

    /// Server text made safe to show (see [`crate::scrub::clean_text`]): no control
    /// characters, `title` at most 200 characters, `detail` 500, `type` and `instance` 300.
    fn cleaned(mut self) -> Problem {
        use crate::scrub::clean_text;
        self.title = clean_text(&self.title, MAX_TITLE_CHARS);
        self.detail = self
            .detail
            .map(|d| clean_text(&d, MAX_TEXT_DETAIL_CHARS))
            .filter(|d| !d.is_empty());
        self.type_ = clean_text(&self.type_, MAX_URI_CHARS);
        self.instance = self.instance.map(|i| clean_text(&i, MAX_URI_CHARS));
        self
    }

    /// The same problem with every secret of the call replaced in each of its strings
    /// (extensions included), whatever escapes the body used to spell it.
    pub(crate) fn scrubbed(mut self, secrets: &crate::scrub::Secrets) -> Problem {
        fn scrub(v: &mut Value, secrets: &crate::scrub::Secrets) {
            match v {
                Value::String(s) => {
                    if let std::borrow::Cow::Owned(clean) = secrets.text(s) {
                        *s = clean;
                    }
                }
                Value::Array(items) => items.iter_mut().for_each(|i| scrub(i, secrets)),
                Value::Object(map) => map.values_mut().for_each(|i| scrub(i, secrets)),
                _ => {}
            }
        }
        let text = |s: &str| secrets.text(s).into_owned();
        self.title = text(&self.title);
        self.type_ = text(&self.type_);
        self.detail = self.detail.as_deref().map(text);
        self.instance = self.instance.as_deref().map(text);
        self.extensions.values_mut().for_each(|v| scrub(v, secrets));
        self
    }

    /// Reads a problem from an already parsed JSON object, tolerating the legacy shapes (see
    /// [`Problem::from_response`]). `status` fills in what the body does not say.
    pub fn from_json(status: u16, body: Value) -> Problem {
        let text = body.to_string();
        from_json(status, body, &text)
    }
}

impl<'de> Deserialize<'de> for Problem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let Value::Object(map) = v else {
            return Err(serde::de::Error::custom(
                "problem details must be a json object",
            ));
        };
        Ok(rfc9457(None, map))
    }
}

/// Parses the body as JSON when it looks like JSON (an object, an array or a string).
fn parse_json(trimmed: &str, complete: bool) -> Option<Value> {
    if !complete
        || !(trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('"'))
    {
        return None;
    }
    serde_json::from_str(trimmed).ok()
}

fn status_from_value(v: &Value) -> Option<u16> {
    crate::de::u64_from_value(v).and_then(|n| u16::try_from(n).ok())
}

fn non_empty_string(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A member that is not a string but still says something (an array of validation errors, say):
/// rendered as compact JSON.
fn string_or_json(v: Option<&Value>) -> Option<String> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => (!s.trim().is_empty()).then(|| s.clone()),
        Some(other) => cap_text(&other.to_string()),
    }
}

fn from_json(status: u16, json: Value, text: &str) -> Problem {
    match json {
        Value::Object(map) => from_object(status, map, text),
        Value::String(s) => {
            let mut p = Problem::from_status(status);
            p.detail = cap_text(s.trim());
            p
        }
        _ => {
            let mut p = Problem::from_status(status);
            p.detail = cap_text(text);
            p
        }
    }
}

fn from_object(status: u16, mut map: Map<String, Value>, text: &str) -> Problem {
    if map.contains_key("title")
        || map.contains_key("detail")
        || map.get("type").is_some_and(Value::is_string)
    {
        return rfc9457(Some(status), map);
    }
    // Legacy shape of the middle docs: {"error": {"code": "NOT_FOUND", "message": "..."}};
    // also {"error": "some text"}.
    match map.remove("error") {
        Some(Value::Object(mut err)) => {
            let mut p = Problem::from_status(status);
            p.detail =
                string_or_json(err.get("message")).or_else(|| string_or_json(err.get("detail")));
            err.remove("message");
            for (k, v) in err.into_iter().chain(map) {
                p.extensions.entry(k).or_insert(v);
            }
            return p;
        }
        Some(Value::String(s)) => {
            let mut p = Problem::from_status(status);
            p.detail = cap_text(&s);
            p.extensions = map;
            return p;
        }
        Some(other) => {
            map.insert("error".to_owned(), other);
        }
        None => {}
    }
    // Legacy shape of the oldest docs: {"code": 3, "message": "...", "details": []}; also {"message"}.
    if map.contains_key("message") {
        let mut p = Problem::from_status(status);
        p.detail = string_or_json(map.get("message"));
        map.remove("message");
        p.extensions = map;
        return p;
    }
    // Some other JSON object: keep its members and show the text.
    let mut p = Problem::from_status(status);
    p.detail = cap_text(text);
    p.extensions = map;
    p
}

/// Reads the RFC 9457 members; `status` is the HTTP status, when known, filling in what the
/// body does not say.
fn rfc9457(status: Option<u16>, mut map: Map<String, Value>) -> Problem {
    let type_ = match map.remove("type") {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        _ => ABOUT_BLANK.to_owned(),
    };
    let status = map
        .remove("status")
        .as_ref()
        .and_then(status_from_value)
        .or(status);
    let title = match map.remove("title") {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        _ => status.map(reason_phrase).unwrap_or_default().to_owned(),
    };
    let detail = string_or_json(map.get("detail"));
    map.remove("detail");
    let instance = non_empty_string(map.get("instance"));
    map.remove("instance");
    Problem {
        type_,
        title,
        status,
        detail,
        instance,
        extensions: map,
    }
}

/// Caps a text at [`MAX_TEXT_DETAIL_CHARS`] characters, marking a cut with `…`; `None` if empty.
fn cap_text(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.char_indices().nth(MAX_TEXT_DETAIL_CHARS) {
        None => Some(s.to_owned()),
        Some((cut, _)) => Some(format!("{}…", s[..cut].trim_end())),
    }
}

/// The visible text of an HTML page: tags, comments, scripts and styles removed, a few entities
/// decoded, whitespace collapsed. Crude on purpose; it only has to make an error readable.
fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(4096));
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i = lower[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            out.push(' ');
        } else if rest.starts_with('<') {
            let lrest = &lower[i..];
            let skip_to = ["script", "style"].iter().find_map(|tag| {
                let open = format!("<{tag}");
                let after = lrest.as_bytes().get(open.len()).copied();
                (lrest.starts_with(&open)
                    && matches!(after, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/')))
                .then(|| {
                    let close = format!("</{tag}");
                    lrest.find(&close).map_or(html.len(), |e| {
                        let from = i + e;
                        lower[from..].find('>').map_or(html.len(), |g| from + g + 1)
                    })
                })
            });
            i = match skip_to {
                Some(end) => end,
                None => lower[i..].find('>').map_or(html.len(), |e| i + e + 1),
            };
            out.push(' ');
        } else {
            let next = rest.find('<').map_or(html.len(), |e| i + e);
            out.push_str(&html[i..next]);
            i = next;
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The standard reason phrase of an HTTP status (`404` → `Not Found`). Unknown codes get a
/// generic phrase for their class (`Client Error`, `Server Error`, ...).
pub fn reason_phrase(status: u16) -> &'static str {
    known_reason_phrase(status).unwrap_or(match status {
        100..=199 => "Informational",
        200..=299 => "Success",
        300..=399 => "Redirection",
        400..=499 => "Client Error",
        500..=599 => "Server Error",
        _ => "Unknown Status",
    })
}

fn known_reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn problem_json_as_sent_by_the_service() {
        let body = br#"{"detail":"run_mode must be explicitly set to Builder, Run, or SubAgent","status":400,"title":"Bad Request","type":"about:blank"}"#;
        let p = Problem::from_response(400, Some("application/problem+json"), None, body);
        assert_eq!(p.type_, "about:blank");
        assert_eq!(p.title, "Bad Request");
        assert_eq!(p.status, Some(400));
        assert_eq!(
            p.detail.as_deref(),
            Some("run_mode must be explicitly set to Builder, Run, or SubAgent")
        );
        assert!(p.extensions.is_empty());
    }

    #[test]
    fn problem_json_keeps_extensions_and_fills_gaps() {
        let body =
            br#"{"detail":"slow down","balance":30,"instance":"/v1/x","type":"https://e/x"}"#;
        let p = Problem::from_response(429, Some("application/json"), None, body);
        assert_eq!(p.title, "Too Many Requests");
        assert_eq!(p.status, Some(429));
        assert_eq!(p.type_, "https://e/x");
        assert_eq!(p.instance.as_deref(), Some("/v1/x"));
        assert_eq!(p.extensions.get("balance"), Some(&json!(30)));
    }

    #[test]
    fn legacy_error_object() {
        let body = br#"{"error":{"code":"NOT_FOUND","message":"agent not found"}}"#;
        let p = Problem::from_response(404, Some("application/json"), None, body);
        assert_eq!(p.title, "Not Found");
        assert_eq!(p.detail.as_deref(), Some("agent not found"));
        assert_eq!(p.extensions.get("code"), Some(&json!("NOT_FOUND")));
        assert_eq!(p.type_, ABOUT_BLANK);
    }

    #[test]
    fn legacy_code_message_details() {
        let body = br#"{"code":3,"message":"invalid goal","details":[]}"#;
        let p = Problem::from_response(400, Some("application/json"), None, body);
        assert_eq!(p.title, "Bad Request");
        assert_eq!(p.detail.as_deref(), Some("invalid goal"));
        assert_eq!(p.extensions.get("code"), Some(&json!(3)));
        assert_eq!(p.extensions.get("details"), Some(&json!([])));
    }

    #[test]
    fn text_plain_422() {
        let text = "Failed to deserialize the JSON body into the target type: icon_config: invalid type: map, expected a string at line 1 column 15";
        let p = Problem::from_response(
            422,
            Some("text/plain; charset=utf-8"),
            None,
            text.as_bytes(),
        );
        assert_eq!(p.title, "Unprocessable Content");
        assert_eq!(p.detail.as_deref(), Some(text));
        assert_eq!(p.status, Some(422));
        // The capture shows the same text JSON-quoted; read that form too.
        let quoted = serde_json::to_string(text).unwrap();
        let q = Problem::from_response(422, Some("text/plain"), None, quoted.as_bytes());
        assert_eq!(q.detail.as_deref(), Some(text));
    }

    #[test]
    fn empty_405_with_allow() {
        let p = Problem::from_response(405, None, Some("DELETE"), b"");
        assert_eq!(p.title, "Method Not Allowed");
        assert_eq!(p.detail.as_deref(), Some("allowed methods: DELETE"));
        assert_eq!(p.extensions.get("allow"), Some(&json!("DELETE")));
        let bare = Problem::from_response(500, None, None, b"  \n");
        assert_eq!(bare.detail, None);
        assert_eq!(bare.title, "Internal Server Error");
    }

    #[test]
    fn html_is_reduced_to_text() {
        let body = b"<html><head><title>502 Bad Gateway</title><style>p{x:1}</style></head>\
            <body><!-- c --><h1>Bad&nbsp;Gateway</h1><script>var a=1<2;</script><p>nginx</p></body></html>";
        let p = Problem::from_response(502, Some("text/html"), None, body);
        assert_eq!(p.title, "Bad Gateway");
        assert_eq!(
            p.detail.as_deref(),
            Some("502 Bad Gateway Bad Gateway nginx")
        );
    }

    #[test]
    fn long_text_is_capped() {
        let body = "x".repeat(2000);
        let p = Problem::from_response(500, Some("text/plain"), None, body.as_bytes());
        let d = p.detail.unwrap();
        assert_eq!(d.chars().count(), MAX_TEXT_DETAIL_CHARS + 1);
        assert!(d.ends_with('…'));
    }

    #[test]
    fn unknown_json_and_invalid_utf8() {
        let p = Problem::from_response(404, Some("application/json"), None, br#"{"oops":1}"#);
        assert_eq!(p.detail.as_deref(), Some(r#"{"oops":1}"#));
        assert_eq!(p.extensions.get("oops"), Some(&json!(1)));
        let p = Problem::from_response(400, None, None, &[0xff, 0xfe, b'h', b'i']);
        assert_eq!(p.detail.as_deref(), Some("\u{fffd}\u{fffd}hi"));
        let p = Problem::from_response(400, Some("application/json"), None, b"{broken");
        assert_eq!(p.detail.as_deref(), Some("{broken"));
        let p = Problem::from_response(
            404,
            Some("application/json"),
            None,
            br#"{"detail":"Not Found"}"#,
        );
        assert_eq!(
            (p.title.as_str(), p.detail.as_deref()),
            ("Not Found", Some("Not Found"))
        );
    }

    #[test]
    fn odd_members_do_not_break_parsing() {
        let body = br#"{"title":7,"status":"403","detail":[{"loc":"x"}],"type":null}"#;
        let p = Problem::from_response(403, Some("application/problem+json"), None, body);
        assert_eq!(p.title, "Forbidden");
        assert_eq!(p.status, Some(403));
        assert_eq!(p.type_, ABOUT_BLANK);
        assert_eq!(p.detail.as_deref(), Some(r#"[{"loc":"x"}]"#));
        let p = Problem::from_response(400, None, None, br#"{"status":70000}"#);
        assert_eq!(p.status, Some(400));
    }

    #[test]
    fn deserialize_and_serialize_round_trip() {
        let p: Problem =
            serde_json::from_value(json!({"title":"Forbidden","status":"403","x":1})).unwrap();
        assert_eq!(p.status, Some(403));
        assert_eq!(p.type_, ABOUT_BLANK);
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(
            v,
            json!({"type":"about:blank","title":"Forbidden","status":403,"x":1})
        );
        assert!(serde_json::from_value::<Problem>(json!([1])).is_err());
    }

    #[test]
    fn reason_phrases() {
        assert_eq!(reason_phrase(404), "Not Found");
        assert_eq!(reason_phrase(422), "Unprocessable Content");
        assert_eq!(reason_phrase(499), "Client Error");
        assert_eq!(reason_phrase(599), "Server Error");
        assert_eq!(reason_phrase(0), "Unknown Status");
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        // A small deterministic generator: bytes biased toward JSON and HTML punctuation.
        let alphabet = b"{}[]\":,<>!-/ \n\tabcdeftrunl0123456789&;\xff\xc3\xa9";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in 0..400usize {
            let body: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            for ct in [
                None,
                Some("text/html"),
                Some("application/json"),
                Some("text/plain"),
            ] {
                let p = Problem::from_response(400 + (len % 200) as u16, ct, Some("GET"), &body);
                assert!(!p.title.is_empty());
            }
        }
    }
}
