#!/usr/bin/env python3
"""Schemathesis against the emulator's own /openapi.json, with a bounded budget.

Starts target/debug/twin-emulator, generates requests for every documented operation and
checks that no response is a 5xx and that every status, content type, header and body matches
the document. Exit status is schemathesis's. Usage: schemathesis.py [MAX_EXAMPLES]
(live_document.py does the same with the live service's document.)
"""

import sys

from emulator_process import emulator, schemathesis


def main() -> int:
    max_examples = sys.argv[1] if len(sys.argv) > 1 else "25"
    with emulator() as emu:
        print(f"schemathesis: the emulator's own document at {emu.url}", flush=True)
        return schemathesis(emu.url + "/openapi.json", emu, max_examples)


if __name__ == "__main__":
    sys.exit(main())
