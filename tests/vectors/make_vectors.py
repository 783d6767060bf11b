#!/usr/bin/env python3
"""Writes the shared test vectors (signatures.json, errors.json, cron.json, events.json).

Expected values are produced independently of the SDK: signatures with Python's `hmac`, cron
fire times with the small brute-force evaluator below, error and event expectations written by
hand from twin-api.md. Run it from anywhere: `python3 tests/vectors/make_vectors.py`.
Only the standard library is used.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
UTC = dt.timezone.utc


def write(name, doc):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


# --------------------------------------------------------------------------- signatures

def sig(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signatures():
    secret = "whsec_test_secret"
    body = (
        b'{"event":"run.completed","timestamp":"2026-03-11T14:32:15Z","data":{"run_id":"run_xyz789",'
        b'"agent_id":"agent_abc123","status":"completed","outcome":"success","finished_at":"2026-03-11T14:32:15Z"}}'
    )
    good = sig(body, secret)
    tampered = body.replace(b"success", b"fail")
    binary = bytes(range(256))
    unicode_body = '{"event":"run.started","note":"héllo wörld ✓"}'.encode("utf-8")

    def case(name, expect, header, secrets, body=body, b64=False, note=None):
        c = {"name": name}
        if note:
            c["note"] = note
        if b64:
            c["body_base64"] = base64.b64encode(body).decode("ascii")
        else:
            c["body"] = body.decode("utf-8")
        c.update({"secrets": secrets, "header": header, "expect": expect})
        return c

    cases = [
        case("valid", "ok", good, [secret]),
        case("tampered body", "NoMatch", good, [secret], body=tampered),
        case("wrong secret", "NoMatch", sig(body, "whsec_other"), [secret]),
        case("rotation: second secret matches", "ok", sig(body, "whsec_new"), ["whsec_old", "whsec_new"]),
        case("rotation: first secret matches", "ok", sig(body, "whsec_old"), ["whsec_old", "whsec_new"]),
        case("rotation: none matches", "NoMatch", sig(body, "whsec_third"), ["whsec_old", "whsec_new"]),
        case("missing header", "MissingHeader", None, [secret]),
        case("empty header", "MissingHeader", "", [secret]),
        case("blank header", "MissingHeader", "   ", [secret]),
        case("no prefix", "MalformedHeader", good[len("sha256="):], [secret]),
        case("wrong algorithm prefix", "MalformedHeader", "sha1=" + good[len("sha256="):], [secret]),
        case("prefix only", "MalformedHeader", "sha256=", [secret]),
        case("bad hex", "MalformedHeader", "sha256=" + "zz" * 32, [secret]),
        case("short hex", "MalformedHeader", good[:-2], [secret]),
        case("long hex", "MalformedHeader", good + "00", [secret]),
        case("odd-length hex", "MalformedHeader", good[:-1], [secret]),
        case("upper-case hex", "ok", "sha256=" + good[len("sha256="):].upper(), [secret]),
        case("surrounding whitespace", "ok", "  " + good + "\n", [secret]),
        case("empty body", "ok", sig(b"", secret), [secret], body=b""),
        case("empty body, tampered to non-empty", "NoMatch", sig(b"", secret), [secret], body=b"{}"),
        case("binary body", "ok", sig(binary, secret), [secret], body=binary, b64=True),
        case("utf-8 body", "ok", sig(unicode_body, secret), [secret], body=unicode_body),
        case("utf-8 secret", "ok", sig(body, "sécret✓"), ["sécret✓"]),
        case("no secrets", "NoSecrets", good, []),
        case("only an empty secret", "NoSecrets", sig(body, ""), [""],
             note="an empty secret is a configuration mistake and is never used"),
        case("empty secret skipped", "NoMatch", sig(body, ""), ["", secret]),
    ]

    def ucase(name, expect, payload, event_header, now, tolerance_secs=300, max_body=None,
              secret=secret, header=None, raw=None, event=None):
        b = raw if raw is not None else json.dumps(payload, separators=(",", ":")).encode("utf-8")
        c = {
            "name": name,
            "body": b.decode("utf-8"),
            "secrets": [secret],
            "signature_header": header if header is not None else sig(b, secret),
            "event_header": event_header,
            "now": now,
            "tolerance_secs": tolerance_secs,
        }
        if max_body is not None:
            c["max_body"] = max_body
        c["expect"] = expect
        if event is not None:
            c["event"] = event
        return c

    completed = {
        "event": "run.completed", "timestamp": "2026-03-11T14:32:15Z",
        "data": {"run_id": "run_xyz789", "agent_id": "agent_abc123", "status": "completed",
                 "outcome": "success", "finished_at": "2026-03-11T14:32:15Z"},
    }
    started = {
        "event": "run.started", "timestamp": "2026-04-22T14:44:36.897083341+00:00",
        "data": {"run_id": "019db5a6-6fa0-7000-8000-000000000001",
                 "agent_id": "019db5a5-56b8-7a40-8b0e-ee557077c754", "status": "in_progress"},
    }
    unknown = {"event": "run.resumed", "timestamp": "2026-03-11T14:32:15Z",
               "data": {"run_id": "r1", "agent_id": "a1"}}
    completed_event = {
        "kind": "RunCompleted", "event": "run.completed", "timestamp": "2026-03-11T14:32:15Z",
        "run_id": "run_xyz789", "agent_id": "agent_abc123", "status": "completed",
        "outcome": "success", "finished_at": "2026-03-11T14:32:15Z",
        "dedupe_key": ["agent_abc123", "run_xyz789", "run.completed"],
    }
    unwrap_cases = [
        ucase("completed", "ok", completed, "run.completed", "2026-03-11T14:33:00Z", event=completed_event),
        ucase("no event header", "ok", completed, None, "2026-03-11T14:33:00Z", event=completed_event),
        ucase("started, nanosecond timestamp", "ok", started, "run.started", "2026-04-22T14:45:00Z", event={
            "kind": "RunStarted", "event": "run.started", "timestamp": "2026-04-22T14:44:36.897083341Z",
            "run_id": "019db5a6-6fa0-7000-8000-000000000001",
            "agent_id": "019db5a5-56b8-7a40-8b0e-ee557077c754", "status": "in_progress",
            "outcome": None, "finished_at": None,
            "dedupe_key": ["019db5a5-56b8-7a40-8b0e-ee557077c754",
                           "019db5a6-6fa0-7000-8000-000000000001", "run.started"],
        }),
        ucase("unknown event type", "ok", unknown, "run.resumed", "2026-03-11T14:32:15Z", event={
            "kind": "Unknown", "event": "run.resumed", "timestamp": "2026-03-11T14:32:15Z",
            "run_id": "r1", "agent_id": "a1", "status": None, "outcome": None, "finished_at": None,
            "dedupe_key": ["a1", "r1", "run.resumed"],
        }),
        ucase("event header mismatch", "EventMismatch", completed, "run.started", "2026-03-11T14:33:00Z"),
        ucase("bad signature wins over payload checks", "NoMatch", completed, "run.started",
              "2026-03-11T14:33:00Z", header=sig(b"other", secret)),
        ucase("stale: 10 minutes old", "StaleTimestamp", completed, "run.completed", "2026-03-11T14:42:15Z"),
        ucase("from the future: 10 minutes ahead", "StaleTimestamp", completed, "run.completed",
              "2026-03-11T14:22:15Z"),
        ucase("exactly at the tolerance", "ok", completed, "run.completed", "2026-03-11T14:37:15Z",
              event=completed_event),
        ucase("one second past the tolerance", "StaleTimestamp", completed, "run.completed",
              "2026-03-11T14:37:16Z"),
        ucase("tolerance off", "ok", completed, "run.completed", "2030-01-01T00:00:00Z",
              tolerance_secs=None, event=completed_event),
        ucase("body over max_body, checked before the signature", "BodyTooLarge", completed,
              "run.completed", "2026-03-11T14:33:00Z", max_body=64, header="sha256=" + "00" * 32),
        ucase("signed but not json", "InvalidPayload", None, None, "2026-03-11T14:33:00Z",
              raw=b"hello"),
        ucase("signed but no run_id", "InvalidPayload",
              {"event": "run.started", "timestamp": "2026-03-11T14:32:15Z", "data": {"agent_id": "a"}},
              None, "2026-03-11T14:33:00Z"),
    ]

    write("signatures.json", {
        "about": "Webhook signature cases (twin-api.md section 5). `cases`: verify(body, header, "
                 "secrets) where the body is `body` as UTF-8 or `body_base64`; `header` null means "
                 "absent; `expect` is \"ok\" or an error kind name. `unwrap_cases`: unwrap(body, "
                 "signature_header, event_header, secrets, {now, tolerance_secs (null = off), "
                 "max_body (default 1 MiB)}); on \"ok\", `event` lists the expected fields "
                 "(timestamps compare as instants). Signatures computed with Python's hmac.",
        "cases": cases,
        "unwrap_cases": unwrap_cases,
    })


# --------------------------------------------------------------------------- errors

def errors():
    axum_422 = ("Failed to deserialize the JSON body into the target type: icon_config: invalid type: "
                "map, expected a string at line 1 column 15")
    bearer = ("Bearer tokens are not supported on the REST API. Use the x-api-key header with an API "
              "key created from the Twin UI (Settings > API Keys).")
    long_text = ("abcdefghij" * 60)  # 600 characters
    html_502 = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudfront</center>\r\n"
                "</body>\r\n</html>\r\n")

    def case(name, status, content_type, body, expect, allow=None, b64=False, not_found=False):
        c = {"name": name, "status": status, "content_type": content_type, "allow": allow}
        if b64:
            c["body_base64"] = base64.b64encode(body).decode("ascii")
        else:
            c["body"] = body
        e = {"type": "about:blank", "status": status, "extensions": {}, "instance": None}
        e.update(expect)
        c["expect"] = e
        c["is_not_found"] = not_found
        return c

    cases = [
        case("problem+json, run_mode (observed)", 400, "application/problem+json",
             '{"detail":"run_mode must be explicitly set to Builder, Run, or SubAgent","status":400,'
             '"title":"Bad Request","type":"about:blank"}',
             {"title": "Bad Request", "detail": "run_mode must be explicitly set to Builder, Run, or SubAgent"}),
        case("problem+json, missing agent is a 403 (observed)", 403, "application/problem+json",
             '{\n  "detail": "you do not have access to this agent",\n  "status": 403,\n  "title": "Forbidden",\n'
             '  "type": "about:blank"\n}',
             {"title": "Forbidden", "detail": "you do not have access to this agent"}, not_found=True),
        case("problem+json, unknown run (observed)", 404, "application/problem+json",
             '{"detail":"run placeholder-run not found","status":404,"title":"Not Found","type":"about:blank"}',
             {"title": "Not Found", "detail": "run placeholder-run not found"}, not_found=True),
        case("problem+json, bearer refused (observed)", 401, "application/problem+json",
             json.dumps({"detail": bearer, "status": 401, "title": "Unauthorized", "type": "about:blank"}),
             {"title": "Unauthorized", "detail": bearer}),
        case("problem+json with extension members and instance", 429, "application/problem+json",
             '{"type":"https://twin.so/problems/rate-limit","title":"Too Many Requests","status":429,'
             '"detail":"slow down","instance":"/v1/agents","limit":60}',
             {"type": "https://twin.so/problems/rate-limit", "title": "Too Many Requests",
              "detail": "slow down", "instance": "/v1/agents", "extensions": {"limit": 60}}),
        case("problem+json without title, status as a string", 409, "application/problem+json",
             '{"status":"409","detail":"name taken"}',
             {"title": "Conflict", "detail": "name taken"}),
        case("text/plain 422 from the JSON extractor (observed)", 422, "text/plain; charset=utf-8",
             axum_422, {"title": "Unprocessable Content", "detail": axum_422}),
        case("text/plain 422, JSON-quoted as in the capture", 422, "text/plain; charset=utf-8",
             json.dumps(axum_422), {"title": "Unprocessable Content", "detail": axum_422}),
        case("405 with an empty body and Allow (observed)", 405, None, "",
             {"title": "Method Not Allowed", "detail": "allowed methods: DELETE",
              "extensions": {"allow": "DELETE"}}, allow="DELETE"),
        case("405 with several allowed methods", 405, None, "",
             {"title": "Method Not Allowed", "detail": "allowed methods: GET, POST",
              "extensions": {"allow": "GET, POST"}}, allow="GET, POST"),
        case("500 with an empty body", 500, None, "", {"title": "Internal Server Error", "detail": None}),
        case("legacy {error:{code,message}}", 404, "application/json",
             '{"error":{"code":"NOT_FOUND","message":"agent agent_abc123 not found"}}',
             {"title": "Not Found", "detail": "agent agent_abc123 not found",
              "extensions": {"code": "NOT_FOUND"}}, not_found=True),
        case("legacy {code,message,details}", 400, "application/json",
             '{"code":3,"message":"goal is required","details":[]}',
             {"title": "Bad Request", "detail": "goal is required",
              "extensions": {"code": 3, "details": []}}),
        case("{message} only", 400, "application/json", '{"message":"bad input"}',
             {"title": "Bad Request", "detail": "bad input"}),
        case("{error: string}", 401, "application/json", '{"error":"invalid api key"}',
             {"title": "Unauthorized", "detail": "invalid api key"}),
        case("{detail} from api.twin.so (observed)", 404, "application/json", '{"detail":"Not Found"}',
             {"title": "Not Found", "detail": "Not Found"}, not_found=True),
        case("unknown JSON object", 400, "application/json", '{"oops": true}',
             {"title": "Bad Request", "detail": '{"oops": true}', "extensions": {"oops": True}}),
        case("JSON array", 400, "application/json", "[1, 2]", {"title": "Bad Request", "detail": "[1, 2]"}),
        case("broken JSON", 400, "application/json", '{"detail": "cut off',
             {"title": "Bad Request", "detail": '{"detail": "cut off'}),
        case("HTML from a proxy", 502, "text/html", html_502,
             {"title": "Bad Gateway", "detail": "502 Bad Gateway 502 Bad Gateway cloudfront"}),
        case("HTML with script and style", 503, "text/html; charset=utf-8",
             "<!doctype html><html><head><style>body{color:red}</style><script>if (a < b) {}</script>"
             "</head><body><p>Down &amp; out</p><!-- hidden --></body></html>",
             {"title": "Service Unavailable", "detail": "Down & out"}),
        case("plain text 503", 503, "text/plain", "  upstream connect error or disconnect/reset before headers\n",
             {"title": "Service Unavailable",
              "detail": "upstream connect error or disconnect/reset before headers"}),
        case("long text is capped at 500 characters", 500, "text/plain", long_text,
             {"title": "Internal Server Error", "detail": long_text[:500] + "\u2026"}),
        case("invalid UTF-8 is replaced", 500, "text/plain", b"bad \xff\xfe bytes",
             {"title": "Internal Server Error", "detail": "bad \ufffd\ufffd bytes"}, b64=True),
        case("unknown 4xx status", 499, None, "", {"title": "Client Error", "detail": None}),
        case("unknown 5xx status", 599, "text/plain", "x", {"title": "Server Error", "detail": "x"}),
        case("403 that is not the missing-agent one", 403, "application/problem+json",
             '{"detail":"api key revoked","status":403,"title":"Forbidden","type":"about:blank"}',
             {"title": "Forbidden", "detail": "api key revoked"}),
    ]
    write("errors.json", {
        "about": "Error bodies of every shape in twin-api.md 1.3 and 7: Problem::from_response(status, "
                 "content_type, allow, body) must give `expect` (type, title, status, detail, instance, "
                 "extensions; null = absent). `body` is UTF-8 text or `body_base64`. `is_not_found`: "
                 "what the error's not-found test says (404, or 403 'you do not have access to this agent'). "
                 "Text details are trimmed and capped at 500 characters plus an ellipsis.",
        "cases": cases,
    })


# --------------------------------------------------------------------------- cron

MONTHS = {n: i + 1 for i, n in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
DAYS = {"sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7}
LIMITS = [(0, 59, {}), (0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, MONTHS), (1, 7, DAYS), (1970, 2100, {})]


def parse_field(text, lo, hi, names):
    def num(t):
        t = t.strip().lower()
        return names[t[:3]] if t[:3] in names and not t.isdigit() else int(t)

    out = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, s = part.split("/")
            step = int(s)
        if part in ("*", "?"):
            a, b = lo, hi
        elif "-" in part:
            x, y = part.split("-")
            a, b = num(x), num(y)
        else:
            a = num(part)
            b = hi if step != 1 else a
        out.update(range(a, b + 1, step))
    return out


def fire_times(expr, after, n):
    """Brute force over days, then the hour/minute/second sets. Day-of-week 1 = Sunday; when both
    day fields are restricted a day must match both (as Twin's scheduler does)."""
    sets = [parse_field(f, lo, hi, names) for f, (lo, hi, names) in zip(expr.split(), LIMITS)]
    sec, mins, hours, dom, mon, dow, years = sets
    out = []
    day = after.date()
    while len(out) < n and day.year <= 2100:
        cron_dow = (day.weekday() + 1) % 7 + 1  # Monday=0 -> 2, Sunday=6 -> 1
        if day.year in years and day.month in mon and day.day in dom and cron_dow in dow:
            for h in sorted(hours):
                for m in sorted(mins):
                    for s in sorted(sec):
                        t = dt.datetime(day.year, day.month, day.day, h, m, s, tzinfo=UTC)
                        if t > after and len(out) < n:
                            out.append(t)
        day += dt.timedelta(days=1)
    return out


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def cron():
    def at(s):
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))

    valid_inputs = [
        ("Thursday in Twin's numbering (ATLAS fixture: next_run 1786036500)", "0 15 17 * * 5 *", "2026-08-01T00:00:00Z", 3),
        ("daily noon (LIVE #4: next_run 1776945600)", "0 0 12 * * * *", "2026-04-22T14:43:00Z", 2),
        ("hourly (LIVE #23)", "0 0 * * * * *", "2026-04-22T14:44:00Z", 3),
        ("weekdays by name", "0 0 9 * * MON-FRI *", "2026-08-07T10:00:00Z", 3),
        ("weekdays by number (2-6)", "0 0 9 * * 2-6 *", "2026-08-07T10:00:00Z", 3),
        ("Sundays with ? for day-of-month", "0 0 9 ? * SUN *", "2026-08-01T00:00:00Z", 2),
        ("Saturday is 7", "0 0 8 * * 7 *", "2026-08-01T08:00:00Z", 2),
        ("minute step with a fixed second", "30 */20 * * * * *", "2026-01-01T00:50:00Z", 4),
        ("second step", "*/15 * * * * * *", "2026-01-01T00:00:07Z", 3),
        ("strictly after an exact fire time", "0 0 9 * * * *", "2026-01-01T09:00:00Z", 2),
        ("leap day", "0 0 0 29 2 * *", "2026-01-01T00:00:00Z", 2),
        ("Friday the 13th: both day fields must match", "0 0 0 13 * 6 *", "2026-01-01T00:00:00Z", 3),
        ("months by name with a list", "0 30 6 1 JAN,JUL ? *", "2026-01-01T07:00:00Z", 3),
        ("year range", "0 0 0 1 1 * 2027-2028", "2026-06-01T00:00:00Z", 5),
        ("a year in the past runs out", "0 0 0 1 1 * 2020", "2026-01-01T00:00:00Z", 3),
        ("a date that never exists", "0 0 0 31 2 * *", "2026-01-01T00:00:00Z", 2),
        ("ranges and lists together", "0 0,30 8-10 * * * *", "2026-03-01T09:15:00Z", 4),
    ]
    valid = []
    for name, expr, after, n in valid_inputs:
        valid.append({"name": name, "expr": expr, "after": after, "n": n,
                      "expect": [iso(t) for t in fire_times(expr, at(after), n)]})

    invalid = [
        ("", "empty"), ("   ", "empty"),
        ("0 9 * * *", "5 fields"), ("0 0 9 * * *", "6 fields"), ("0 0 9 * * * * *", "8 fields"),
        ("@daily", "shorthand"),
        ("60 0 9 * * * *", "second"), ("0 60 9 * * * *", "minute"), ("0 0 24 * * * *", "hour"),
        ("0 0 9 0 * * *", "day-of-month"), ("0 0 9 32 * * *", "day-of-month"),
        ("0 0 9 * 13 * *", "month"), ("0 0 9 * FOO * *", "month"),
        ("0 0 9 * * 0 *", "day-of-week"), ("0 0 9 * * 8 *", "day-of-week"),
        ("0 0 9 * * FUNDAY *", "day-of-week"), ("0 0 9 * * 5-2 *", "day-of-week"),
        ("0 0 9 * * 1, *", "day-of-week"), ("0 0 9 * * 1 1969", "year"), ("0 0 9 * * 1 2101", "year"),
        ("0 */0 9 * * * *", "minute"), ("0 0 ? * * * *", "hour"), ("a b c d e f g", "second"),
    ]
    field_names = ["second", "minute", "hour", "day-of-month", "month", "day-of-week", "year"]
    invalid_cases = []
    for expr, why in invalid:
        c = {"expr": expr, "why": why}
        if why in field_names:
            c["field"] = why
        invalid_cases.append(c)

    write("cron.json", {
        "about": "Twin's 7-field cron (twin-api.md 2.7): sec min hour day-of-month month day-of-week "
                 "year, UTC, day-of-week 1 = Sunday, names allowed; when both day fields are "
                 "restricted a day must match both. `valid`: next_times(expr, after, n) = expect "
                 "(strictly after `after`; fewer when the schedule runs out). `invalid`: validate(expr) "
                 "fails; when `field` is given the message names that field. Expected times come from "
                 "an independent brute-force evaluator in make_vectors.py.",
        "valid": valid,
        "invalid": invalid_cases,
    })


# --------------------------------------------------------------------------- events

def events():
    def tree(v):
        """Encode plain JSON as a protobuf Value tree, as the service does."""
        if v is None:
            return {"kind": {"NullValue": 0}}
        if isinstance(v, bool):
            return {"kind": {"BoolValue": v}}
        if isinstance(v, (int, float)):
            return {"kind": {"NumberValue": v}}
        if isinstance(v, str):
            return {"kind": {"StringValue": v}}
        if isinstance(v, list):
            return {"kind": {"ListValue": {"values": [tree(x) for x in v]}}}
        return {"kind": {"StructValue": {"fields": {k: tree(x) for k, x in v.items()}}}}

    def real(index, kind, body, recorded="2026-04-23T08:03:25.250769998+00:00"):
        return {"event_index": index, "recorded_at": recorded,
                "event": {"agent_id": {"id": "019db95d-7d6b-79d1-9908-5276e6cd29d2"},
                          "run_id": {"id": "019db95d-7da4-7000-8000-000000000001"},
                          "user_id": None, "event": {"event": {kind: body}}}}

    ids = {"agent_id": "019db95d-7d6b-79d1-9908-5276e6cd29d2",
           "run_id": "019db95d-7da4-7000-8000-000000000001"}
    answer = {"subject": "Hello", "body": "Hi there", "score": 0.5, "tags": ["a", "b"], "draft": False, "cc": None}

    cases = [
        {"name": "real Started (trimmed)", "item": real(157912711, "Started", {
            "agent_id": "019db95d-7d6b-79d1-9908-5276e6cd29d2", "user_message": None,
            "schedule_cron": None, "timezone": "UTC"}),
         "expect": dict(ids, index=157912711, kind="Started", terminal=False,
                        recorded_at="2026-04-23T08:03:25.250769998Z",
                        payload={"agent_id": "019db95d-7d6b-79d1-9908-5276e6cd29d2", "user_message": None,
                                 "schedule_cron": None, "timezone": "UTC"})},
        {"name": "real Tick with an empty body", "item": real(157912842, "Tick", {}),
         "expect": dict(ids, index=157912842, kind="Tick", terminal=False,
                        recorded_at="2026-04-23T08:03:25.250769998Z", payload={})},
        {"name": "ToolCallResolved with a Value-tree output", "item": real(157912854, "ToolCallResolved", {
            "call_id": "toolu_1", "tool_name": "llm", "output": tree(answer), "media_output": None}),
         "expect": dict(ids, index=157912854, kind="ToolCallResolved", terminal=False,
                        recorded_at="2026-04-23T08:03:25.250769998Z",
                        payload={"call_id": "toolu_1", "tool_name": "llm", "output": answer, "media_output": None})},
        {"name": "Value trees nested inside ordinary objects and lists", "item": real(5, "PolicyDecided", {
            "commands": [{"payload": {"RunToolCall": {"tool": {"EmbeddedTool": {
                "tool_name": "shell", "arguments": tree({"cmd": "ls", "n": 2})}}}}}],
            "usage": {"input_tokens": 6}}, recorded="2026-04-23T08:03:28Z"),
         "expect": dict(ids, index=5, kind="PolicyDecided", terminal=False, recorded_at="2026-04-23T08:03:28Z",
                        payload={"commands": [{"payload": {"RunToolCall": {"tool": {"EmbeddedTool": {
                            "tool_name": "shell", "arguments": {"cmd": "ls", "n": 2}}}}}}],
                            "usage": {"input_tokens": 6}})},
        {"name": "Finished is terminal", "item": real(900, "Finished", {"output": tree({"ok": True})}),
         "expect": dict(ids, index=900, kind="Finished", terminal=True,
                        recorded_at="2026-04-23T08:03:25.250769998Z", payload={"output": {"ok": True}})},
        {"name": "documented flat shape", "item": {"index": 1, "event": {"started": {}}},
         "expect": {"index": 1, "kind": "started", "terminal": False, "agent_id": None, "run_id": None,
                    "recorded_at": None, "payload": {}}},
        {"name": "documented flat finished, lower case", "item": {"index": 2, "event": {"finished": {"output": {"records": []}}}},
         "expect": {"index": 2, "kind": "finished", "terminal": True, "agent_id": None, "run_id": None,
                    "recorded_at": None, "payload": {"output": {"records": []}}}},
        {"name": "string ids, index as a string, Z timestamp", "item": {
            "event_index": "157912706", "recorded_at": "2026-04-23T08:03:25Z",
            "event": {"agent_id": "a1", "run_id": "r1", "event": {"event": {"UserTick": {"force": False}}}}},
         "expect": {"index": 157912706, "kind": "UserTick", "terminal": False, "agent_id": "a1", "run_id": "r1",
                    "recorded_at": "2026-04-23T08:03:25Z", "payload": {"force": False}}},
        {"name": "snake_case Value variants", "item": real(7, "ToolCallResolved", {
            "output": {"kind": {"struct_value": {"fields": {"x": {"kind": {"number_value": 1}}}}}}}),
         "expect": dict(ids, index=7, kind="ToolCallResolved", terminal=False,
                        recorded_at="2026-04-23T08:03:25.250769998Z", payload={"output": {"x": 1}})},
        {"name": "look-alikes are not Value trees", "item": real(8, "ToolCallResolved", {
            "output": {"kind": "StringValue"}, "other": {"kind": {"StringValue": 3}}}),
         "expect": dict(ids, index=8, kind="ToolCallResolved", terminal=False,
                        recorded_at="2026-04-23T08:03:25.250769998Z",
                        payload={"output": {"kind": "StringValue"}, "other": {"kind": {"StringValue": 3}}})},
    ]
    invalid = [
        {"name": "not an object", "item": [1, 2]},
        {"name": "no index", "item": {"event": {"Started": {}}}},
        {"name": "negative index", "item": {"event_index": -1, "event": {"Started": {}}}},
        {"name": "no event", "item": {"event_index": 1}},
        {"name": "no type", "item": {"event_index": 1, "event": {"event": {"event": {}}}}},
    ]

    llm = lambda i, out: real(i, "ToolCallResolved", {"tool_name": "llm", "output": tree(out)})
    shell = lambda i: real(i, "ToolCallResolved", {"tool_name": "shell", "output": tree("done")})
    final = [
        {"name": "latest llm result (by index, not position)",
         "items": [llm(30, {"body": "final"}), llm(10, {"body": "draft"}), shell(40)],
         "expect": {"body": "final"}},
        {"name": "Finished output wins",
         "items": [llm(10, {"body": "draft"}), real(50, "Finished", {"output": tree({"answer": 42})})],
         "expect": {"answer": 42}},
        {"name": "Finished without output falls back to llm",
         "items": [llm(10, "plain text"), real(50, "Finished", {})], "expect": "plain text"},
        {"name": "nothing to find", "items": [shell(1), real(2, "Finished", {})], "expect": None},
    ]
    write("events.json", {
        "about": "Run event items (twin-api.md 2.5, 3.6): Event::from_value(item) must give `expect` "
                 "(index from event_index or index; kind = the type key found under nested `event` keys; "
                 "payload = its body with protobuf Value trees decoded; ids from {id} or strings; "
                 "recorded_at compares as an instant, null = absent; terminal = kind is Finished, any case). "
                 "`invalid` items must fail. `final_output`: final_output(items) = expect (null = none).",
        "cases": cases,
        "invalid": invalid,
        "final_output": final,
    })


if __name__ == "__main__":
    signatures()
    errors()
    cron()
    events()
