//! Name resolution for the transport. ureq resolves the host before every request, even one
//! that reuses a pooled connection, and when the request has a deadline (ours always do) it
//! runs each lookup on a new thread so that it can time out: a thread per call. [`Resolver`]
//! avoids that: an IP literal needs no lookup at all, and a host name's addresses are kept
//! for [`TTL`] after a lookup, so a client calling the same host (`build.twin.so`,
//! `localhost`) looks it up, on ureq's timed thread, at most once per [`TTL`].

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver as Resolve};
use ureq::unversioned::transport::NextTimeout;

/// How long a host name's addresses are reused before it is looked up again (a moved service
/// is followed within this time; failed lookups are never kept).
pub(crate) const TTL: Duration = Duration::from_secs(15);

#[derive(Debug, Default)]
pub(crate) struct Resolver {
    lookup: DefaultResolver,
    /// `host:port` -> when it was looked up, and its addresses.
    cache: Mutex<Cache>,
}

/// The scheme's default port, when the URI does not give one.
fn port(uri: &Uri) -> Option<u16> {
    uri.port_u16().or(match uri.scheme_str() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    })
}

/// The address of a URI whose host is an IP literal (`127.0.0.1`, `[::1]`), with its port or
/// the scheme's default.
fn literal(uri: &Uri) -> Option<SocketAddr> {
    let host = uri.host()?;
    let ip: IpAddr = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
        .parse()
        .ok()?;
    Some(SocketAddr::new(ip, port(uri)?))
}

/// Addresses of a host name, and when they were looked up.
type Cache = HashMap<String, (Instant, Vec<SocketAddr>)>;

impl Resolver {
    /// The cache, locked. A poisoned lock only means another thread panicked mid-insert: the
    /// map is still whole.
    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn addrs(&self, found: &[SocketAddr]) -> ResolvedSocketAddrs {
        let mut addrs = self.empty();
        for addr in found {
            addrs.push(*addr);
        }
        addrs
    }
}

impl Resolve for Resolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        if let Some(addr) = literal(uri) {
            return Ok(self.addrs(&[addr]));
        }
        let key = format!(
            "{}:{}",
            uri.host().unwrap_or_default(),
            port(uri).unwrap_or(0)
        );
        let hit = self
            .cache()
            .get(&key)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, found)| found.clone());
        if let Some(found) = hit {
            return Ok(self.addrs(&found));
        }
        // Looked up without the lock held: a slow lookup never holds up another host's.
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        let mut cache = self.cache();
        cache.retain(|_, (at, _)| at.elapsed() < TTL);
        cache.insert(key, (Instant::now(), addrs.iter().copied().collect()));
        Ok(addrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_literals_need_no_lookup() {
        let at = |u: &str| literal(&u.parse::<Uri>().unwrap());
        assert_eq!(
            at("http://127.0.0.1:8080/v1/me"),
            Some("127.0.0.1:8080".parse().unwrap())
        );
        assert_eq!(
            at("http://10.1.2.3/x"),
            Some("10.1.2.3:80".parse().unwrap())
        );
        assert_eq!(at("https://[::1]/x"), Some("[::1]:443".parse().unwrap()));
        assert_eq!(at("https://[::1]:9/x"), Some("[::1]:9".parse().unwrap()));
        assert_eq!(at("https://build.twin.so/v1/me"), None);
        assert_eq!(at("http://localhost:8080/"), None);
    }

    #[test]
    fn host_names_are_looked_up_once_per_ttl() {
        let resolver = Resolver::default();
        let config = Config::default();
        let uri: Uri = "http://localhost:9/v1/me".parse().unwrap();
        let timeout = || NextTimeout {
            after: ureq::unversioned::transport::time::Duration::Exact(Duration::from_secs(5)),
            reason: ureq::Timeout::Resolve,
            ..Default::default()
        };
        let first = resolver.resolve(&uri, &config, timeout()).unwrap();
        assert!(!first.is_empty());
        let cached = resolver.cache.lock().unwrap().get("localhost:9").cloned();
        let (at, found) = cached.expect("kept after the lookup");
        assert_eq!(found, first.iter().copied().collect::<Vec<_>>());
        // The second answer comes from the cache: its entry is not renewed.
        let second = resolver.resolve(&uri, &config, timeout()).unwrap();
        assert_eq!(second.len(), first.len());
        assert_eq!(resolver.cache.lock().unwrap()["localhost:9"].0, at);
    }
}
