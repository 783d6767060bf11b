//! HTTPS certificates are verified by default: a local server with a self-signed certificate
//! is refused, and accepted only once that certificate is trusted explicitly through
//! `ClientBuilder::add_root_certificate_pem`.

use std::convert::Infallible;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use twin_core::{Client, Error};

/// Serves `{"user_id": "user_tls"}` over HTTPS on localhost; returns the port and the
/// certificate's PEM.
fn https_server(rt: &tokio::runtime::Runtime) -> (u16, String) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let pem = cert.cert.pem();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der()));
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![CertificateDer::from(cert.cert.der().to_vec())], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    rt.spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                }; // the client refused us
                let service = hyper::service::service_fn(|_req| async {
                    let resp = hyper::Response::builder()
                        .header("content-type", "application/json")
                        .body(Full::new(Bytes::from_static(br#"{"user_id":"user_tls"}"#)))
                        .unwrap();
                    Ok::<_, Infallible>(resp)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (port, pem)
}

#[test]
fn self_signed_certificates_are_refused_unless_trusted_explicitly() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (port, pem) = https_server(&rt);
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
