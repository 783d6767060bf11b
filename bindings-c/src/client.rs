//! The client and its options (core's `client.rs` and `transport.rs`'s timeouts).

use std::ffi::c_char;
use std::time::Duration;

use twin_core::Client;

use crate::error::twin_status;
use crate::ffi;

/// Settings for twin_client_new(). Unset values come from the environment (`TWIN_API_KEY`,
/// `TWIN_BASE_URL`) or the defaults: base URL `https://build.twin.so`, connect timeout 10 s,
/// 60 s per attempt, 120 s per call including retries, 2 retries. Use from one thread at a time.
#[derive(Debug, Default)]
pub struct twin_client_options {
    api_key: Option<String>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    max_retries: Option<u32>,
    root_certificates: Vec<Vec<u8>>,
    system_roots: Option<bool>,
    on_attempt: Option<crate::hooks::AttemptHook>,
}

/// A client of the Twin API. Thread-safe: one client may serve several threads at once.
#[derive(Debug)]
pub struct twin_client {
    pub(crate) client: Client,
}

/// New, empty client options, freed with twin_client_options_free(). NULL only if the library
/// panicked.
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_new() -> *mut twin_client_options {
    ffi::call_or(std::ptr::null_mut(), || {
        Ok(ffi::new_handle(twin_client_options::default()))
    })
}

/// Sets the API key sent as `x-api-key` (otherwise `TWIN_API_KEY`). The key is never shown in
/// an error message.
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_set_api_key(
    options: *mut twin_client_options,
    api_key: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        let api_key = ffi::str_arg(api_key, "api_key")?;
        options.api_key = Some(api_key.to_owned());
        Ok(())
    })
}

/// Sets the API's base URL, e.g. `http://127.0.0.1:8080` for a local emulator (otherwise
/// `TWIN_BASE_URL`, else `https://build.twin.so`). Checked by twin_client_new().
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_set_base_url(
    options: *mut twin_client_options,
    base_url: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        let base_url = ffi::str_arg(base_url, "base_url")?;
        options.base_url = Some(base_url.to_owned());
        Ok(())
    })
}

/// Sets the time to establish a connection, in milliseconds (default 10000; 0 is refused by
/// twin_client_new()).
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_set_connect_timeout_ms(
    options: *mut twin_client_options,
    timeout_ms: u64,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.connect_timeout = Some(Duration::from_millis(timeout_ms));
        Ok(())
    })
}

/// Sets the time one attempt may take, from sending to the last byte of the response, in
/// milliseconds (default 60000; 0 is refused by twin_client_new()).
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_set_timeout_ms(
    options: *mut twin_client_options,
    timeout_ms: u64,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.timeout = Some(Duration::from_millis(timeout_ms));
        Ok(())
    })
}

/// Sets the time a whole call may take, retries and pauses included, in milliseconds (default
/// 120000; 0 is refused by twin_client_new()).
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_set_total_timeout_ms(
    options: *mut twin_client_options,
    timeout_ms: u64,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.total_timeout = Some(Duration::from_millis(timeout_ms));
        Ok(())
    })
}

/// Sets how many times a failed call is retried (default 2). Connections that failed before
/// sending are always retried; 429, timeouts, 408 and 5xx only for calls that are safe to
/// repeat (never starting a run, writing instructions, nor creating a key, webhook, workspace
/// or an agent without an explicit id).
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_set_max_retries(
    options: *mut twin_client_options,
    max_retries: u32,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.max_retries = Some(max_retries);
        Ok(())
    })
}

/// Trusts the PEM certificate (or bundle) `pem` in addition to the default roots (see
/// twin_client_options_set_system_roots()), e.g. a private CA; it never replaces them.
/// Certificates are always verified. May be called several times. A PEM without a certificate
/// is refused by twin_client_new().
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_add_root_certificate_pem(
    options: *mut twin_client_options,
    pem: *const c_char,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        let pem = ffi::str_arg(pem, "pem")?;
        options.root_certificates.push(pem.as_bytes().to_vec());
        Ok(())
    })
}

/// Sets whether the operating system's trust store is trusted beside Mozilla's roots, which
/// are built in (default: true). The store is read once per process, at the first client
/// made: the files `SSL_CERT_FILE` and `SSL_CERT_DIR` name when set, else the system's bundle.
/// false: Mozilla's roots and the added certificates only.
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_set_system_roots(
    options: *mut twin_client_options,
    trust: bool,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.system_roots = Some(trust);
        Ok(())
    })
}

/// Sets a function that receives a twin_attempt for every HTTP attempt of the client's calls
/// (retries included), with `user_data`, for metrics and traces; see twin_attempt_fn.
/// `callback` may be NULL (no hook); `user_data` may be NULL.
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_set_on_attempt(
    options: *mut twin_client_options,
    callback: crate::hooks::twin_attempt_fn,
    user_data: *mut std::ffi::c_void,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::arg_mut(options, "options")?;
        options.on_attempt = crate::hooks::AttemptHook::new(callback, user_data);
        Ok(())
    })
}

/// Frees client options. NULL does nothing.
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_options_free(options: *mut twin_client_options) {
    ffi::call_or((), || {
        ffi::free(options);
        Ok(())
    })
}

/// Makes a client. `options` may be NULL: everything then comes from the environment and the
/// defaults. Fails with TWIN_ERR_INVALID_ARGUMENT when there is no API key, the base URL is not
/// an http(s) URL, or a timeout is 0. Free the client with twin_client_free().
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_new(
    options: *const twin_client_options,
    client_out: *mut *mut twin_client,
) -> twin_status {
    ffi::call(|| {
        let options = ffi::opt_arg(options);
        let client_out = ffi::out(client_out, "client_out")?;
        crate::logging::from_env();
        let mut builder = Client::builder().user_agent_suffix("c");
        if let Some(o) = options {
            if let Some(key) = &o.api_key {
                builder = builder.api_key(key.as_str());
            }
            if let Some(url) = &o.base_url {
                builder = builder.base_url(url.as_str());
            }
            if let Some(d) = o.connect_timeout {
                builder = builder.connect_timeout(d);
            }
            if let Some(d) = o.timeout {
                builder = builder.timeout(d);
            }
            if let Some(d) = o.total_timeout {
                builder = builder.total_timeout(d);
            }
            if let Some(n) = o.max_retries {
                builder = builder.max_retries(n);
            }
            for pem in &o.root_certificates {
                builder = builder.add_root_certificate_pem(pem.clone());
            }
            if let Some(trust) = o.system_roots {
                builder = builder.system_roots(trust);
            }
            if let Some(hook) = o.on_attempt {
                builder = hook.install(builder);
            }
        }
        client_out.give(twin_client {
            client: builder.build()?,
        });
        Ok(())
    })
}

/// Frees a client. NULL does nothing. Calls still running on other threads must have returned.
#[unsafe(no_mangle)]
pub extern "C" fn twin_client_free(client: *mut twin_client) {
    ffi::call_or((), || {
        ffi::free(client);
        Ok(())
    })
}
