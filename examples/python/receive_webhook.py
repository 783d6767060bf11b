"""Receive Twin's webhook deliveries in a minimal HTTP server and verify each one.

    TWIN_API_KEY=... TWIN_BASE_URL=... python examples/python/receive_webhook.py

The handler is the part to copy: read the raw body, verify it with the webhook's signing
secret(s) before parsing it, answer 2xx quickly, and deduplicate (deliveries can repeat).
To show it end to end, main() serves on a loopback port, subscribes an agent to it, starts a
run and stops after `run.completed`; that works against the emulator (`twin emulator`), which
runs on this machine. A real Twin server needs a public https URL that reaches the handler.
"""

from __future__ import annotations

import http.server
import threading

import twin

SECRETS: list[str] = []  # while rotating: [new secret, old secret]
seen: set[tuple[str, str, str]] = set()
finished = threading.Event()


class WebhookHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))  # the raw bytes
        try:
            # Checks X-Cobb-Signature (constant time), X-Cobb-Event against the body, and that
            # the body's timestamp is within 300 s of now (tolerance=...; None turns it off).
            event = twin.webhooks.unwrap(body, self.headers, SECRETS)
        except twin.WebhookVerificationError as e:
            print(f"rejected a delivery: {e.reason}")
            self.send_response(400)
            self.end_headers()
            return
        self.send_response(204)
        self.end_headers()
        if event.dedupe_key in seen:
            return  # a repeated delivery
        seen.add(event.dedupe_key)
        print(f"verified {event.event:<14} run {event.run_id} status {event.status} outcome {event.outcome}")
        if event.event in ("run.completed", "run.failed", "run.stopped"):
            finished.set()

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the output to the deliveries


def main() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WebhookHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/twin"
    print(f"receiving on {url}")
    with twin.Client() as client:
        agent = client.agents.create()
        try:
            hook = client.webhooks.create(
                agent.agent_id, url=url, events=["run.started", "run.completed", "run.failed", "run.stopped"]
            )
            SECRETS.append(hook.signing_secret)  # returned only once: store it safely
            client.runs.start(agent.agent_id, message="Say hello")
            if not finished.wait(timeout=120):
                raise SystemExit("no final delivery within 120 s")
        finally:
            client.agents.delete(agent.agent_id)
            server.shutdown()


if __name__ == "__main__":
    main()
