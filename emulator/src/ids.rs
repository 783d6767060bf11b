//! Identifiers and timestamps in the live service's formats (twin-api.md 1.4).

use chrono::{DateTime, SecondsFormat, Utc};
use rand::{Rng, RngCore};

/// A UUIDv7 string (48-bit Unix milliseconds, version 7, variant 10, random rest).
pub fn uuid_v7(rng: &mut impl RngCore, now: DateTime<Utc>) -> String {
    let ms = now.timestamp_millis().max(0) as u64;
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    rng.fill_bytes(&mut b[6..]);
    b[6] = 0x70 | (b[6] & 0x0f);
    b[8] = 0x80 | (b[8] & 0x3f);
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `user_` followed by a ULID (26 Crockford base32 characters).
pub fn user_id(rng: &mut impl RngCore, now: DateTime<Utc>) -> String {
    let ms = now.timestamp_millis().max(0) as u128;
    let value = (ms << 80) | (rng.random::<u128>() & ((1u128 << 80) - 1));
    let ulid: String = (0..26)
        .rev()
        .map(|i| CROCKFORD[((value >> (i * 5)) & 0x1f) as usize] as char)
        .collect();
    format!("user_{ulid}")
}

/// 32 lowercase hex characters, as API-key ids are.
pub fn key_id(rng: &mut impl RngCore) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    hex::encode(b)
}

const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Random URL-safe characters, for key secrets and webhook signing secrets.
pub fn secret(rng: &mut impl RngCore, len: usize) -> String {
    (0..len)
        .map(|_| SECRET_ALPHABET[rng.random_range(0..SECRET_ALPHABET.len())] as char)
        .collect()
}

/// A full API key in the inferred live shape `twin_<key_id>_<secret>`.
pub fn api_key(key_id: &str, secret: &str) -> String {
    format!("twin_{key_id}_{secret}")
}

/// RFC 3339 with nanoseconds and a `+00:00` offset, as most live timestamps are.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, false)
}

/// RFC 3339 in whole seconds with `Z`, as the documented webhook payload shows.
pub fn rfc3339_seconds_z(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn uuid_v7_has_version_variant_and_time_prefix() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let now = DateTime::parse_from_rfc3339("2026-04-22T14:43:24Z")
            .unwrap()
            .to_utc();
        let id = uuid_v7(&mut rng, now);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "7");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        // 2026-04-22T14:43:24Z = 1776869004000 ms = 0x19db5a5....
        assert!(id.starts_with("019db5a5"), "{id}");
    }

    #[test]
    fn user_id_is_a_ulid() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let id = user_id(&mut rng, Utc::now());
        assert!(id.starts_with("user_01"), "{id}");
        assert_eq!(id.len(), 5 + 26);
        assert!(id[5..].bytes().all(|c| CROCKFORD.contains(&c)));
    }

    #[test]
    fn timestamps_use_live_formats() {
        let t = DateTime::parse_from_rfc3339("2026-04-22T14:43:24.984599422Z")
            .unwrap()
            .to_utc();
        assert_eq!(rfc3339(t), "2026-04-22T14:43:24.984599422+00:00");
        assert_eq!(rfc3339_seconds_z(t), "2026-04-22T14:43:24Z");
    }
}
