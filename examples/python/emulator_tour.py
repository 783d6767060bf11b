#!/usr/bin/env python3
"""A narrated tour of the Twin API on the local emulator, over plain HTTP (standard library only).

Starts `twin-emulator` (or uses TWIN_EMULATOR=path), then walks through agents, instructions,
schedules, webhooks and a run, the way a hand-written client would. `make demo` runs it.
"""

import hashlib
import hmac
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

EMULATOR = os.environ.get("TWIN_EMULATOR", os.path.join("target", "debug", "twin-emulator"))


def step(text):
    print(f"\n== {text}")


class Api:
    def __init__(self, url, key):
        self.url, self.key = url, key

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("x-api-key", self.key)
        if data is not None:
            req.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


class Receiver(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        Receiver.received.append((self.headers["x-cobb-event"], self.headers["x-cobb-signature"], body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    proc = subprocess.Popen([EMULATOR, "--step-ms", "40"], stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(proc.stdout.readline())
        api = Api(info["url"], info["api_key"])
        print(f"emulator running at {info['url']}")

        step("who am I")
        print(api.call("GET", "/v1/me")[1])

        step("create a workspace and an agent in it")
        _, ws = api.call("POST", "/v1/workspaces", {"name": "Tour"})
        ws_id = ws["workspace"]["workspace_id"]
        status, agent = api.call("POST", "/v1/agents", {"workspace_id": ws_id})
        agent_id = agent["agent"]["agent_id"]
        print(f"{status} agent {agent_id} in workspace {ws_id}")

        step("write instructions twice, then read the history (newest first)")
        for text in ["# Greeter\nSay hello.", "# Greeter\nSay hello, politely."]:
            api.call("PUT", f"/v1/agents/{agent_id}/instructions", {"content": text})
        for v in api.call("GET", f"/v1/agents/{agent_id}/instructions/history")[1]["instruction_versions"]:
            print(f"  version {v['id']}: {v['content']!r}")

        step("set a schedule and pause it")
        api.call("PUT", f"/v1/agents/{agent_id}/schedule", {"cron": "0 0 9 * * Mon-Fri *"})
        api.call("POST", f"/v1/agents/{agent_id}/schedule/pause", {})
        sched = api.call("GET", f"/v1/agents/{agent_id}/schedule")[1]["schedule"]
        print(f"  cron {sched['cron']!r}, next_run {sched['next_run']}, paused {sched['paused']}")

        step("register a local webhook receiver for every run event")
        server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        events = ["run.started", "run.completed", "run.failed", "run.stopped", "run.paused"]
        _, hook = api.call("POST", f"/v1/agents/{agent_id}/webhooks",
                           {"url": f"http://127.0.0.1:{server.server_port}/twin", "events": events})
        secret = hook["signing_secret"]
        print(f"  webhook {hook['webhook_id']} ({hook['status']})")

        step("start a run (run_mode must be lowercase) and page its events by after_index")
        _, run = api.call("POST", f"/v1/agents/{agent_id}/runs", {"run_mode": "run", "user_message": "Say hello"})
        run_id = run["run"]["run_id"]
        after, seen, deadline = None, 0, time.time() + 20
        while time.time() < deadline:
            query = "" if after is None else f"?after_index={after}"
            page = api.call("GET", f"/v1/agents/{agent_id}/runs/{run_id}/events{query}")[1]
            for item in page["events"]:
                kind = next(iter(item["event"]["event"]["event"]))
                seen += 1
                after = item["event_index"]
                print(f"  #{seen} {kind} (event_index {after})")
            listing = api.call("GET", f"/v1/agents/{agent_id}/runs?filter_run_id={run_id}")[1]
            if listing["runs"][0]["is_finished"] and not page["events"]:
                break
            time.sleep(0.1)
        summary = listing["all_run_summaries"][0]
        print(f"  status {listing['runs'][0]['status']}, outcome {summary['outcome']}: {summary['summary']}")

        step("check the signed webhook deliveries")
        deadline = time.time() + 10
        while len(Receiver.received) < 2 and time.time() < deadline:
            time.sleep(0.05)
        for event, signature, body in Receiver.received:
            expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            ok = hmac.compare_digest(expected, signature or "")
            print(f"  {event}: signature {'valid' if ok else 'INVALID'}")
            if not ok:
                raise SystemExit("a webhook signature did not verify")
        if len(Receiver.received) < 2:
            raise SystemExit("expected run.started and run.completed deliveries")
        server.shutdown()

        step("quirks the SDK hides: 403 for a missing agent, {} for no schedule")
        print(" ", api.call("GET", "/v1/agents/no-such-agent"))
        api.call("DELETE", f"/v1/agents/{agent_id}/schedule")
        print(" ", api.call("GET", f"/v1/agents/{agent_id}/schedule"))

        step("clean up")
        print("  delete workspace (and its agent):", api.call("DELETE", f"/v1/workspaces/{ws_id}"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print("\ntour finished")


if __name__ == "__main__":
    sys.exit(main())
