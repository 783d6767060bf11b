//! Keeping secrets and hostile text out of what the SDK shows: the API key and the secrets a
//! call sent are removed from replies in whatever JSON encoding they arrive (`\u0074win_...`,
//! `\/`, an escape in the middle), and server text is stripped of control characters and
//! capped before it reaches a message.
//!
//! Two strengths (see [`Secrets`]):
//! * **errors** (problems, excerpts, messages): every secret is replaced, whatever its length;
//! * **data** (a 2xx body decoded into models): only secrets of at least
//!   [`MIN_DATA_SECRET_CHARS`] characters, so that data which merely contains a short key's
//!   characters (`"test-user"` with the key `test`) is never rewritten.

use std::borrow::Cow;
use std::sync::Arc;

use memchr::memmem;

/// What a secret is replaced by.
pub(crate) const REDACTED: &str = "<redacted>";

/// Shortest secret removed from data. Real Twin keys are about 60 characters of which 32 are
/// random: a match that long is the key, never a coincidence.
pub(crate) const MIN_DATA_SECRET_CHARS: usize = 16;

/// What a reply must not show: the API key. (Signing secrets only ever arrive as
/// `signing_secret` members, which excerpts hide by name.)
#[derive(Clone, Default)]
pub(crate) struct Secrets(Option<Arc<str>>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(<redacted>)")
    }
}

impl Secrets {
    pub(crate) fn new(key: Arc<str>) -> Secrets {
        Secrets(Some(key).filter(|k| !k.is_empty()))
    }

    /// Decoded text with the key replaced (for errors: any length).
    pub(crate) fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.0.as_deref() {
            Some(key) if text.contains(key) => Cow::Owned(text.replace(key, REDACTED)),
            _ => Cow::Borrowed(text),
        }
    }

    /// A JSON body (possibly malformed or cut off) without the key, if it is long enough to
    /// be told from data, in any encoding: raw occurrences, and string literals whose decoded
    /// text holds it (rewritten with it replaced). Everything else is left byte for byte.
    pub(crate) fn data(&self, body: Vec<u8>) -> Vec<u8> {
        match self.0.as_deref() {
            Some(key) if key.chars().count() >= MIN_DATA_SECRET_CHARS => scrub_json(body, key),
            _ => body,
        }
    }

    /// A JSON body without the key, whatever its length (for error excerpts), in any
    /// encoding.
    pub(crate) fn errors(&self, body: Vec<u8>) -> Vec<u8> {
        match self.0.as_deref() {
            Some(key) => scrub_json(body, key),
            None => body,
        }
    }
}

fn scrub_json(body: Vec<u8>, secret: &str) -> Vec<u8> {
    let body = replace_raw(body, secret.as_bytes());
    // An escape can spell any character: only literals with one need decoding. `\u` spells
    // letters and digits; `\/`, `\"` and `\\` only their own characters.
    let has_escape = if secret.contains(['/', '"', '\\']) {
        memchr::memchr(b'\\', &body).is_some()
    } else {
        memmem::find(&body, b"\\u").is_some()
    };
    if !has_escape {
        return body;
    }
    // An escape never makes text longer: a literal shorter than the secret holds none.
    rewrite_literals(body, |inner| {
        if inner.len() < secret.len() {
            return None;
        }
        let decoded = decode_literal(inner);
        decoded
            .contains(secret)
            .then(|| decoded.replace(secret, REDACTED))
    })
}

/// `body` with the inside of each string literal that has an escape replaced by the text
/// `rewrite` gives for it (written back in serde_json's minimal encoding); literals it gives
/// `None` for, and every other byte, are left as they are.
fn rewrite_literals(body: Vec<u8>, mut rewrite: impl FnMut(&[u8]) -> Option<String>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut last = 0;
    for (start, end) in literals(&body) {
        let inner = &body[start..end];
        if memchr::memchr(b'\\', inner).is_none() {
            continue;
        }
        let Some(text) = rewrite(inner) else {
            continue;
        };
        let encoded = serde_json::to_string(&text).unwrap_or_default();
        out.extend_from_slice(&body[last..start]);
        out.extend_from_slice(&encoded.as_bytes()[1..encoded.len() - 1]);
        last = end;
    }
    if last == 0 {
        return body;
    }
    out.extend_from_slice(&body[last..]);
    out
}

/// `bytes` with every occurrence of `needle` replaced by [`REDACTED`].
fn replace_raw(bytes: Vec<u8>, needle: &[u8]) -> Vec<u8> {
    if needle.is_empty() || bytes.len() < needle.len() {
        return bytes;
    }
    // A vectorised search, its searcher built once per key and thread (not per reply): a page
    // of several MB is scanned in a fraction of a millisecond.
    thread_local! {
        static FINDER: std::cell::RefCell<Option<memmem::Finder<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    let first = FINDER.with_borrow_mut(|cached| {
        let finder = match cached {
            Some(f) if f.needle() == needle => f,
            _ => cached.insert(memmem::Finder::new(needle).into_owned()),
        };
        finder.find(&bytes)
    });
    let Some(first) = first else {
        return bytes; // the usual case: no copy
    };
    let finder = memmem::Finder::new(needle);
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = &bytes[..];
    let mut next = Some(first);
    while let Some(at) = next {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(REDACTED.as_bytes());
        rest = &rest[at + needle.len()..];
        next = finder.find(rest);
    }
    out.extend_from_slice(rest);
    out
}

/// The byte ranges of the insides of the JSON string literals in `body` (between the quotes;
/// one cut off by the end of the body runs to the end), found one at a time.
fn literals(body: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let open = memchr::memchr(b'"', body.get(at..)?)?;
        let start = at + open + 1;
        let mut i = start;
        let end = loop {
            if i >= body.len() {
                break body.len();
            }
            match memchr::memchr2(b'"', b'\\', &body[i..]) {
                None => break body.len(),
                Some(j) if body[i + j] == b'\\' => i += j + 2,
                Some(j) => break i + j,
            }
        };
        at = end + 1;
        Some((start, end.min(body.len())))
    })
}

/// The text a JSON string literal's inside stands for; escapes that are not valid are kept as
/// written, bytes that are not UTF-8 become U+FFFD.
fn decode_literal(inner: &[u8]) -> String {
    let text = String::from_utf8_lossy(inner);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some('/') => out.push('/'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let unit = u32::from_str_radix(&hex, 16).ok();
                match unit {
                    Some(hi @ 0xD800..=0xDBFF) => {
                        let mut look = chars.clone();
                        let lo = (look.next() == Some('\\') && look.next() == Some('u'))
                            .then(|| look.by_ref().take(4).collect::<String>())
                            .and_then(|h| u32::from_str_radix(&h, 16).ok())
                            .filter(|lo| (0xDC00..=0xDFFF).contains(lo));
                        match lo {
                            Some(lo) => {
                                chars = look;
                                let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            }
                            None => out.push('\u{fffd}'),
                        }
                    }
                    Some(code) => out.push(char::from_u32(code).unwrap_or('\u{fffd}')),
                    None => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Every string literal that has an escape, rewritten in serde_json's minimal form (`\u0074`
/// becomes `t`), so that names and secrets can be matched as plain text. For excerpts only.
pub(crate) fn canonical_literals(body: Vec<u8>) -> Vec<u8> {
    rewrite_literals(body, |inner| Some(decode_literal(inner)))
}

/// Server text made safe to show: control characters (terminal escapes, CR, LF, NUL, ...)
/// and invisible ones become spaces (never removed outright, so no secret split by one is
/// joined again), runs of white space fold, and the result is cut to `max_chars` with an
/// ellipsis.
pub(crate) fn clean_text(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut count = 0;
    let mut space = true; // no space at the start
    for c in text.chars() {
        let c = if c.is_whitespace() || c.is_control() || is_invisible(c) {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if space {
                continue;
            }
            space = true;
        } else {
            space = false;
        }
        if count == max_chars {
            out.truncate(out.trim_end().len());
            out.push('…');
            return out;
        }
        out.push(c);
        count += 1;
    }
    out.truncate(out.trim_end().len());
    out
}

/// Characters that change how text is shown without being seen: bidirectional overrides
/// and isolates, zero-width joiners.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "twin_0123456789abcdef0123456789abcdef_topsecretvalue42xyz";

    fn secrets(key: &str) -> Secrets {
        Secrets::new(key.into())
    }

    fn escaped_all(s: &str) -> String {
        s.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
    }

    #[test]
    fn raw_and_escaped_keys_are_removed_from_data() {
        let s = secrets(KEY);
        let forms = [
            KEY.to_string(),
            format!("\\u0074{}", &KEY[1..]),
            escaped_all(KEY),
            format!("{}\\u005f{}", &KEY[..4], &KEY[5..]),
        ];
        for form in forms {
            let body = format!(r#"{{"detail":"bad key {form}!","n":1}}"#);
            let out = String::from_utf8(s.data(body.into_bytes())).unwrap();
            assert!(!out.contains("topsecret"), "{out}");
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["detail"], "bad key <redacted>!");
            assert_eq!(v["n"], 1);
        }
        // A body cut off in the middle of a string still loses the key.
        let cut = format!(r#"{{"detail":"{}"#, escaped_all(KEY));
        assert!(
            !String::from_utf8(s.data(cut.into_bytes()))
                .unwrap()
                .contains("\\u0074\\u006f\\u0070")
        );
    }

    #[test]
    fn data_is_untouched_unless_it_holds_a_long_secret() {
        let short = secrets("test");
        let body = br#"{"user_id":"test-user","x":"\u0074est"}"#.to_vec();
        assert_eq!(short.data(body.clone()), body);
        // ...but errors lose even a short key.
        assert_eq!(
            String::from_utf8(short.errors(body)).unwrap(),
            r#"{"user_id":"<redacted>-user","x":"<redacted>"}"#
        );
        let s = secrets(KEY);
        let plain = br#"{"a":"caf\u00e9 \n","b":"\ud83d\ude00"}"#.to_vec();
        assert_eq!(s.data(plain.clone()), plain, "no secret: byte for byte");
    }

    #[test]
    fn literals_decode_like_serde() {
        for text in [
            r#"a\"b\\c\/d\n\t"#,
            r#"\u00e9\ud83d\ude00"#,
            r#"x"#,
            r#"\ud800x"#,
        ] {
            let decoded = decode_literal(text.as_bytes());
            if let Ok(expected) = serde_json::from_str::<String>(&format!("\"{text}\"")) {
                assert_eq!(decoded, expected, "{text}");
            }
        }
        assert_eq!(decode_literal(br"\uZZ"), r"\uZZ");
        assert_eq!(
            String::from_utf8(canonical_literals(
                br#"{"signing\u005fsecret":"w"}"#.to_vec()
            ))
            .unwrap(),
            r#"{"signing_secret":"w"}"#
        );
    }

    #[test]
    fn text_is_cleaned_and_capped() {
        assert_eq!(
            clean_text("\u{1b}[31mred\r\nline\0 two\u{202e}", 100),
            "[31mred line two"
        );
        assert_eq!(clean_text(&"é".repeat(10), 4), "éééé…");
        assert_eq!(clean_text("  a  b  ", 10), "a b");
        assert_eq!(
            clean_text("twin_k\u{200b}3y", 100),
            "twin_k 3y",
            "never joined"
        );
        assert_eq!(clean_text("abcd", 4), "abcd");
    }

    #[test]
    fn secrets_in_text() {
        let s = secrets("k3y");
        assert_eq!(s.text("k3y and k3y"), "<redacted> and <redacted>");
        assert!(matches!(s.text("nothing"), Cow::Borrowed(_)));
        assert!(!format!("{s:?}").contains("k3y"));
        assert!(matches!(
            Secrets::default().text("k3y"),
            Cow::Borrowed("k3y")
        ));
    }
}
