//! `twin-emulator`: runs the local Twin API until SIGINT or SIGTERM.
//!
//! When ready it prints one JSON line on stdout, `{"url": ..., "api_key": ..., "ui_url": ...}`,
//! and, when stderr is a terminal, the inspector's link there, the key in its fragment.

use std::io::IsTerminal;
use std::process::ExitCode;

use twin_emulator::{Emulator, Options};

const USAGE: &str =
    "usage: twin-emulator [--host 127.0.0.1] [--port 0] [--api-key KEY] [--step-ms N] [--seed N]

Runs a local, in-memory Twin API that behaves like the live service.
When ready, prints one JSON line: {\"url\": ..., \"api_key\": ..., \"ui_url\": ...}, and, on
a terminal, a link to the inspector on stderr (a web page showing agents, runs, events, webhook
deliveries, requests and faults, live). Stops on SIGINT/SIGTERM.

  --host ADDR     address to bind (default 127.0.0.1)
  --port N        port to bind; 0 picks a free one (default 0)
  --api-key KEY   the key that works from the start and opens /_emulator/ (default: made up)
  --step-ms N     default time between simulated run events (default 100)
  --seed N        seed for simulated runs and fault injection (default: random)";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let bad = |what: &str| format!("{flag}: {value:?} is not {what}");
        match flag.as_str() {
            "--host" => options.host = value.parse().map_err(|_| bad("an IP address"))?,
            "--port" => options.port = value.parse().map_err(|_| bad("a port number"))?,
            "--api-key" => {
                if value.is_empty() {
                    return Err("--api-key must not be empty".into());
                }
                options.api_key = Some(value.clone())
            }
            "--step-ms" => {
                options.step_ms = value.parse().map_err(|_| bad("a number of milliseconds"))?
            }
            "--seed" => options.seed = Some(value.parse().map_err(|_| bad("a number"))?),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("twin-emulator: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start(options) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("twin-emulator: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{}",
        serde_json::json!({
            "url": emulator.url(),
            "api_key": emulator.api_key(),
            "ui_url": emulator.ui_url(),
        })
    );
    // For a person at a terminal only: scripts read the JSON line, and CI logs get no key.
    if std::io::stderr().is_terminal() {
        eprintln!(
            "twin-emulator: inspector at {}#key={} (or open {0} and enter the api_key)",
            emulator.ui_url(),
            percent_encoded(emulator.api_key())
        );
    }
    let signals = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    match signals {
        Ok(rt) => rt.block_on(wait_for_signal()),
        Err(e) => eprintln!("twin-emulator: cannot wait for signals: {e}"),
    }
    emulator.shutdown();
    ExitCode::SUCCESS
}

/// `text` with every byte but ASCII letters, digits and `-._~` percent-encoded, so that any key
/// survives in the link's fragment.
fn percent_encoded(text: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(text, ENCODED).to_string()
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::percent_encoded;

    #[test]
    fn keys_are_percent_encoded_for_the_link() {
        assert_eq!(percent_encoded("twin_0aF_x-y.z~"), "twin_0aF_x-y.z~");
        assert_eq!(
            percent_encoded("a key+&#=/ü"),
            "a%20key%2B%26%23%3D%2F%C3%BC"
        );
    }
}
