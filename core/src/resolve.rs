//! Name resolution for the transport. ureq resolves the host before every request, even one
//! that reuses a pooled connection, and when the request has a deadline (ours always do) it
//! runs each lookup on a new thread so that it can time out. For an IP address there is
//! nothing to look up: [`Resolver`] answers at once, saving a thread spawn per call (the
//! emulator, proxies and private deployments are reached by address). Host names still go
//! through ureq's resolver.

use std::net::{IpAddr, SocketAddr};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver as Resolve};
use ureq::unversioned::transport::NextTimeout;

#[derive(Debug, Default)]
pub(crate) struct Resolver(DefaultResolver);

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
    let port = uri.port_u16().or(match uri.scheme_str() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    })?;
    Some(SocketAddr::new(ip, port))
}

impl Resolve for Resolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        match literal(uri) {
            Some(addr) => {
                let mut addrs = self.empty();
                addrs.push(addr);
                Ok(addrs)
            }
            None => self.0.resolve(uri, config, timeout),
        }
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
}
