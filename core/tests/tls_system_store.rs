//! The operating system's trust store is trusted, whichever TLS feature is chosen (rustls,
//! platform-verifier, native-tls): a self-signed certificate that `SSL_CERT_FILE` names (read by
//! rustls-native-certs, by rustls-platform-verifier on Linux and by OpenSSL) is accepted with
//! nothing added, and refused again with `system_roots(false)`. A test binary of its own: it
//! sets the variable for the whole process before the store is first read.

mod tls_server;

use tls_server::https_server;
use twin_core::{Client, Error};

#[test]
fn the_system_store_is_trusted() {
    let (_rt, port, pem) = https_server();
    let file = std::env::temp_dir().join(format!("twin-tls-store-{}.pem", std::process::id()));
    std::fs::write(&file, pem).unwrap();
    // SAFETY: set before any client reads the store, and no other thread reads the
    // environment meanwhile (this binary has this one test).
    unsafe {
        std::env::set_var("SSL_CERT_FILE", &file);
        std::env::remove_var("SSL_CERT_DIR");
    }
    let url = format!("https://localhost:{port}");
    let client = |system: bool| {
        Client::builder()
            .api_key("k")
            .base_url(&url)
            .system_roots(system)
            .max_retries(0)
            .build()
            .unwrap()
    };
    let trusted = client(true).me();
    let refused = client(false).me();
    std::fs::remove_file(&file).unwrap();
    assert_eq!(trusted.unwrap().user_id, "user_tls");
    let e = refused.unwrap_err();
    assert!(matches!(e, Error::Connection { .. }), "{e:?}");
}
