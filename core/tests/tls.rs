//! HTTPS certificates are verified by default: a local server with a self-signed certificate
//! is refused, and accepted only once that certificate is trusted explicitly through
//! `ClientBuilder::add_root_certificate_pem`.

mod tls_server;

use tls_server::https_server;
use twin_core::{Client, Error};

#[test]
fn self_signed_certificates_are_refused_unless_trusted_explicitly() {
    let (_rt, port, pem) = https_server();
    let url = format!("https://localhost:{port}");

    let default = Client::builder()
        .api_key("k")
        .base_url(&url)
        .max_retries(0)
        .build()
        .unwrap();
    let e = default.me().unwrap_err();
    assert!(matches!(e, Error::Connection { .. }), "{e:?}");

    let trusting = Client::builder()
        .api_key("k")
        .base_url(&url)
        .add_root_certificate_pem(pem)
        .build()
        .unwrap();
    assert_eq!(trusting.me().unwrap().user_id, "user_tls");

    let bad = Client::builder()
        .api_key("k")
        .base_url(&url)
        .add_root_certificate_pem("not a pem")
        .build();
    assert!(matches!(bad, Err(Error::InvalidArgument(_))), "{bad:?}");
}
