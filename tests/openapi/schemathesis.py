#!/usr/bin/env python3
"""Schemathesis against the emulator's own /openapi.json, with a bounded budget.

Starts target/debug/twin-emulator, generates requests for every documented operation and
checks that no response is a 5xx and that every status, content type, header and body matches
the document. Exit status is schemathesis's. Usage: schemathesis.py [MAX_EXAMPLES]
"""

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EMULATOR = os.path.join(ROOT, "target", "debug", "twin-emulator")
ST = os.path.join(os.path.dirname(sys.executable), "st")
CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "unsupported_method",
])


def main() -> int:
    max_examples = sys.argv[1] if len(sys.argv) > 1 else "25"
    emulator = subprocess.Popen([EMULATOR, "--step-ms", "5", "--seed", "7"], stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(emulator.stdout.readline())
        cmd = [
            ST, "run", info["url"] + "/openapi.json",
            "--header", "x-api-key: " + info["api_key"],
            "--checks", CHECKS,
            "--max-examples", max_examples,
            "--phases", "examples,coverage,fuzzing",
            "--seed", "1",
            "--workers", "1",
            "--request-timeout", "10",
            "--no-color",
        ]
        return subprocess.run(cmd, cwd=ROOT).returncode
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
