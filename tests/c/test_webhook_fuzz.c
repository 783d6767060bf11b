/*
 * Random input to twin_signature_verify and twin_signature_unwrap (options with a tolerance
 * alone, or with random settings):
 * bodies (random bytes, real deliveries, mutated deliveries, JSON token soup, extreme values),
 * signature and event headers (absent, right, nearly right, random bytes), secrets (empty,
 * ASCII, UTF-8, not UTF-8), tolerances and options at their extremes. A fixed seed (xorshift64)
 * makes every run the same. Never a crash (valgrind, ASan/UBSan); always a documented outcome:
 *   - TWIN_ERR_INVALID_ARGUMENT exactly when a string argument is not valid UTF-8;
 *   - otherwise TWIN_OK or TWIN_ERR_SIGNATURE with a documented twin_last_error_signature_kind();
 *   - TWIN_OK where it must be: a right signature verifies; a right signature over an intact
 *     delivery unwraps, with its fields;
 *   - nothing written to the out-parameter on failure, and a message;
 *   - the options' setters take every value, but a `now` outside the calendar's range
 *     (TWIN_ERR_INVALID_ARGUMENT).
 * Prints "fuzz: cases=N ok=... signature=... invalid_argument=... <kind>=..." for the driver.
 *
 *   test_webhook_fuzz CASES SEED
 */
#include <limits.h>

#include "check.h"

#define MAX_BODY 4096
#define MAX_SECRETS 4
#define MAX_TEXT 160

static uint64_t rng_state;

static uint64_t next_random(void) { /* xorshift64 */
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  rng_state = x;
  return x;
}

static size_t below(size_t n) {
  return n == 0 ? 0 : (size_t)(next_random() % n);
}

static const char *pick(const char *const *items, size_t n) {
  return items[below(n)];
}

#define PICK(items) pick((items), sizeof(items) / sizeof(items)[0])

static const char *const EVENTS[] = {"run.started", "run.completed", "run.failed", "run.stopped",
                                     "run.paused"};
static const char *const GOOD_TIMES[] = {"2026-03-11T14:32:15Z", "2026-04-22T14:44:36.897083341+00:00",
                                         "2025-12-31T23:59:59-05:00", "1970-01-01T00:00:00Z"};
static const char *const ODD_TIMES[] = {"9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
                                        "2026-02-30T00:00:00Z", "2026-03-11T25:00:00Z",
                                        "2026-03-11", "", "now", "2026-03-11T14:32:15.9999999999999Z",
                                        "+275760-09-13T00:00:00Z", "2026-03-11T14:32:15+99:99"};
static const char *const ODD_VALUES[] = {"null", "true", "0", "-1", "1e999", "-9223372036854775809",
                                         "18446744073709551616", "1.5", "[]", "{}", "\"\"",
                                         "\"\\u0000\"", "\"\\ud800\"", "\"\\uDFFF\\uD800\"",
                                         "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]"};
static const char *const TOKENS[] = {"{", "}", "[", "]", ":", ",", "\"event\"", "\"timestamp\"",
                                     "\"data\"", "\"run_id\"", "\"agent_id\"", "\"status\"",
                                     "\"outcome\"", "\"finished_at\"", "\"run.completed\"",
                                     "\"2026-03-11T14:32:15Z\"", "null", "true", "false", "0",
                                     "-0", "1e400", "\"\\", "\"", " ", "\xff", "\xc3\xa9",
                                     "\xed\xa0\x80", "\"\\u12\"", "9007199254740993"};
static const char *const KINDS[] = {"MissingHeader", "MalformedHeader", "NoMatch", "NoSecrets",
                                    "BodyTooLarge", "EventMismatch", "StaleTimestamp",
                                    "InvalidPayload"};
#define N_KINDS (sizeof KINDS / sizeof KINDS[0])

struct counts {
  long cases, ok, signature, invalid, failures;
  long must_ok, kinds[N_KINDS];
};

static bool valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned c = *p++;
    int more;
    unsigned cp;
    if (c < 0x80) {
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      more = 1, cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      more = 2, cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      more = 3, cp = c & 0x07;
    } else {
      return false;
    }
    while (more-- > 0) {
      if ((*p & 0xc0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (*p++ & 0x3f);
    }
    if ((c == 0xe0 && cp < 0x800) || (c == 0xf0 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
  }
  return true;
}

/* Random bytes without NUL (C strings), `len` of them. */
static void random_bytes(char *out, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) {
    out[i] = (char)(1 + below(255));
  }
  out[len] = '\0';
}

/* Random bytes, NUL included, for bodies. */
static void random_body(char *out, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) {
    out[i] = (char)below(256);
  }
  out[len] = '\0';
}

static void random_printable(char *out, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) {
    out[i] = (char)(32 + below(95));
  }
  out[len] = '\0';
}

static void append(char *buf, size_t *len, size_t cap, const char *text) {
  size_t n = strlen(text);
  if (*len + n < cap) {
    memcpy(buf + *len, text, n);
    *len += n;
    buf[*len] = '\0';
  }
}

/* A delivery like Twin's; `intact` says whether every field is well-formed. */
static void delivery(char *buf, size_t *len, const char *event, bool *intact) {
  char text[MAX_BODY];
  if (below(5) != 0) {
    bool good_time = below(4) != 0;
    snprintf(text, sizeof text,
             "{\"event\":\"%s\",\"timestamp\":\"%s\",\"data\":{\"run_id\":\"run_%u\","
             "\"agent_id\":\"agent_%u\",\"status\":\"%s\"%s%s}}",
             event, good_time ? PICK(GOOD_TIMES) : PICK(ODD_TIMES), (unsigned)below(100000),
             (unsigned)below(100000), below(2) ? "completed" : "in_progress",
             below(2) ? ",\"outcome\":\"success\"" : "",
             below(2) ? ",\"finished_at\":\"2026-03-11T14:32:15Z\"" : "");
    *intact = good_time;
  } else {
    /* well-formed JSON with values of the wrong kind or out of range */
    snprintf(text, sizeof text,
             "{\"event\":\"%s\",\"timestamp\":%s,\"data\":{\"run_id\":%s,\"agent_id\":\"a\","
             "\"finished_at\":%s}}",
             event, below(2) ? PICK(ODD_VALUES) : "\"2026-03-11T14:32:15Z\"", PICK(ODD_VALUES),
             PICK(ODD_VALUES));
    *intact = false;
  }
  *len = 0;
  buf[0] = '\0';
  append(buf, len, MAX_BODY, text);
}

static void mutate(char *buf, size_t *len) {
  size_t k, n = 1 + below(4);
  for (k = 0; k < n && *len > 0; k++) {
    size_t at = below(*len);
    switch (below(3)) {
    case 0:
      buf[at] = (char)(1 + below(255));
      break;
    case 1:
      memmove(buf + at, buf + at + 1, *len - at);
      (*len)--;
      break;
    default:
      if (*len + 1 < MAX_BODY) {
        memmove(buf + at + 1, buf + at, *len - at + 1);
        buf[at] = (char)(1 + below(255));
        (*len)++;
      }
    }
  }
}

static bool documented_kind(const char *kind, struct counts *c) {
  size_t i;
  if (kind == NULL) {
    return false;
  }
  for (i = 0; i < N_KINDS; i++) {
    if (strcmp(kind, KINDS[i]) == 0) {
      c->kinds[i]++;
      return true;
    }
  }
  return false;
}

static int64_t pick_i64(void) {
  switch (below(6)) {
  case 0:
    return INT64_MIN;
  case 1:
    return INT64_MAX;
  case 2:
    return -1;
  case 3:
    return 0;
  case 4:
    return 300;
  default:
    return (int64_t)next_random();
  }
}

/* Just over twin_signature_unwrap's 1 MiB cap: refused before it is hashed or parsed. */
#define OVERSIZE ((1u << 20) + 1)
static char oversize[OVERSIZE + 64];

static void one_case(struct counts *c, long index) {
  char body_store[MAX_BODY];
  char *body = body_store;
  bool too_large = below(400) == 0;
  size_t body_len = 0;
  char secret_store[MAX_SECRETS][MAX_TEXT + 1];
  const char *secrets[MAX_SECRETS];
  size_t n_secrets = below(MAX_SECRETS + 1);
  char header_store[MAX_TEXT * 2];
  const char *header = NULL;
  char event_store[MAX_TEXT + 1];
  const char *event_header = NULL;
  const char *event = PICK(EVENTS);
  bool intact = false, right_signature = false, all_valid = true;
  /* verify, unwrap with a tolerance alone, unwrap with random options */
  int function = too_large ? 1 : (int)below(3);
  /* UINT64_MAX: no timestamp check; the others include 2**63 and 2**64 - 2 */
  uint64_t tolerance = below(3) ? UINT64_MAX : (uint64_t)pick_i64();
  twin_signature_options *options = NULL;
  const char *setter_why = NULL;
  twin_delivery *out = NULL;
  twin_status status;
  char *signature = NULL;
  size_t i;

  /* secrets */
  for (i = 0; i < n_secrets; i++) {
    switch (below(10)) {
    case 0:
      secret_store[i][0] = '\0';
      break;
    case 1:
      random_bytes(secret_store[i], 1 + below(32));
      break;
    case 2:
      snprintf(secret_store[i], MAX_TEXT, "s\xc3\xa9\x63ret-\xe2\x9c\x93-%u", (unsigned)below(1000));
      break;
    default:
      random_printable(secret_store[i], 1 + below(40));
    }
    secrets[i] = secret_store[i];
  }

  /* body */
  switch (below(6)) {
  case 0:
    body_len = below(300);
    random_body(body, body_len);
    break;
  case 1:
  case 2:
    delivery(body, &body_len, event, &intact);
    break;
  case 3:
    delivery(body, &body_len, event, &intact);
    mutate(body, &body_len);
    intact = false;
    break;
  case 4: {
    size_t n = below(40);
    body[0] = '\0';
    for (i = 0; i < n; i++) {
      append(body, &body_len, MAX_BODY, PICK(TOKENS));
    }
    break;
  }
  default: {
    /* deep nesting */
    size_t depth = below(2000);
    for (i = 0; i < depth && body_len + 2 < MAX_BODY; i++) {
      body[body_len++] = below(2) ? '[' : '{';
    }
    body[body_len] = '\0';
  }
  }

  if (too_large) {
    body = oversize;
    body_len = OVERSIZE + below(64);
    intact = false;
  }

  /* signature header: computed with a secret that may or may not be among the secrets */
  switch (below(8)) {
  case 0:
    header = NULL;
    break;
  case 1:
  case 2:
  case 3: {
    const char *key = n_secrets > 0 ? secrets[below(n_secrets)] : "not among them";
    if (valid_utf8(key) && twin_signature_sign((const uint8_t *)body, body_len, key, &signature) == TWIN_OK) {
      snprintf(header_store, sizeof header_store, "%s", signature);
      right_signature = n_secrets > 0 && key[0] != '\0';
      if (below(3) == 0) { /* nearly right */
        size_t at = below(strlen(header_store));
        header_store[at] = below(2) ? 'A' : (char)(32 + below(95));
        right_signature = right_signature && strcmp(header_store, signature) == 0;
      }
      twin_string_free(signature);
      signature = NULL;
    } else {
      snprintf(header_store, sizeof header_store, "sha256=");
    }
    header = header_store;
    break;
  }
  case 4:
    random_bytes(header_store, below(MAX_TEXT));
    header = header_store;
    break;
  case 5: {
    size_t n = below(70);
    size_t at;
    strcpy(header_store, below(4) ? "sha256=" : (below(2) ? "sha1=" : "SHA256="));
    at = strlen(header_store);
    for (i = 0; i < n; i++) {
      header_store[at + i] = "0123456789abcdefABCDEF="[below(23)];
    }
    header_store[at + n] = '\0';
    header = header_store;
    break;
  }
  case 6:
    snprintf(header_store, sizeof header_store, "sha256=%s, sha256=,t=1,%s", "00",
             below(2) ? "v1=ff" : "");
    header = header_store;
    break;
  default:
    random_printable(header_store, below(MAX_TEXT));
    header = header_store;
  }

  /* event header (unwrap only) */
  switch (below(5)) {
  case 0:
  case 1:
    event_header = NULL;
    break;
  case 2:
    event_header = event;
    break;
  case 3:
    event_header = PICK(EVENTS);
    break;
  default:
    random_bytes(event_store, below(40));
    event_header = event_store;
  }

  all_valid = header == NULL || valid_utf8(header);
  for (i = 0; i < n_secrets; i++) {
    all_valid = all_valid && valid_utf8(secrets[i]);
  }
  if (function != 0 && event_header != NULL) {
    all_valid = all_valid && valid_utf8(event_header);
  }

  if (function == 0) {
    status = twin_signature_verify((const uint8_t *)body, body_len, header, secrets, n_secrets);
  } else if (function == 1) {
    options = twin_signature_options_new();
    if (twin_signature_options_set_tolerance_secs(options, tolerance) != TWIN_OK) {
      setter_why = "a tolerance was refused";
    }
    status = twin_signature_unwrap((const uint8_t *)body, body_len, header, event_header, secrets,
                                   n_secrets, options, &out);
  } else {
    options = twin_signature_options_new();
    if (below(2) && twin_signature_options_set_tolerance_secs(options, tolerance) != TWIN_OK) {
      setter_why = "a tolerance was refused";
    }
    if (below(2)) {
      size_t caps[] = {0, 1, 64, (size_t)1 << 20, SIZE_MAX};
      if (twin_signature_options_set_max_body(options, below(2) ? caps[below(5)] : below(MAX_BODY)) !=
          TWIN_OK) {
        setter_why = "a body limit was refused";
      }
    }
    if (below(2)) {
      twin_status now_status = twin_signature_options_set_now(options, pick_i64());
      if (now_status != TWIN_OK && now_status != TWIN_ERR_INVALID_ARGUMENT) {
        setter_why = "twin_signature_options_set_now gave an undocumented status";
      }
    }
    status = twin_signature_unwrap((const uint8_t *)body, body_len, header, event_header,
                                   secrets, n_secrets, options, &out);
  }

  c->cases++;
  if (status == TWIN_OK) {
    c->ok++;
  } else if (status == TWIN_ERR_SIGNATURE) {
    c->signature++;
  } else if (status == TWIN_ERR_INVALID_ARGUMENT) {
    c->invalid++;
  }
  /* the oracle */
  {
    const char *why = setter_why;
    bool signature_kind_ok = status != TWIN_ERR_SIGNATURE ||
                             documented_kind(twin_last_error_signature_kind(), c);
    if (!all_valid) {
      if (status != TWIN_ERR_INVALID_ARGUMENT) {
        why = "a string that is not UTF-8 was not refused";
      }
    } else if (status != TWIN_OK && status != TWIN_ERR_SIGNATURE) {
      why = "undocumented status";
    } else if (!signature_kind_ok) {
      why = "undocumented signature kind";
    } else if (function == 0 && status == TWIN_ERR_SIGNATURE &&
               strcmp(twin_last_error_signature_kind(), "BodyTooLarge") == 0) {
      why = "verify has no body limit";
    } else if (too_large && (status != TWIN_ERR_SIGNATURE ||
                             strcmp(twin_last_error_signature_kind(), "BodyTooLarge") != 0)) {
      why = "a body over 1 MiB was not refused as too large";
    } else if (function == 0 && right_signature) {
      c->must_ok++;
      if (status != TWIN_OK) {
        why = "a right signature did not verify";
      }
    } else if (function == 1 && right_signature && intact && tolerance == UINT64_MAX &&
               (event_header == NULL || strcmp(event_header, event) == 0)) {
      c->must_ok++;
      if (status != TWIN_OK) {
        why = "an intact, rightly signed delivery did not unwrap";
      } else if (strcmp(twin_delivery_event(out), event) != 0 ||
                 strncmp(twin_delivery_run_id(out), "run_", 4) != 0 ||
                 strncmp(twin_delivery_agent_id(out), "agent_", 6) != 0 ||
                 twin_delivery_kind(out) == TWIN_DELIVERY_UNKNOWN) {
        why = "unwrapped fields differ from the delivery";
      }
    }
    if (status != TWIN_OK && (out != NULL || twin_last_error_message()[0] == '\0')) {
      why = "a failure wrote its output or had no message";
    }
    if (status == TWIN_OK && function != 0) {
      /* every getter of what was accepted */
      bool has = false;
      if (out == NULL || twin_delivery_json(out) == NULL || twin_delivery_event(out) == NULL) {
        why = "an accepted delivery lacks its fields";
      } else {
        (void)twin_delivery_timestamp(out);
        (void)twin_delivery_status(out);
        (void)twin_delivery_outcome(out);
        (void)twin_delivery_finished_at(out, &has);
        (void)twin_delivery_kind(out);
      }
    }
    if (why != NULL) {
      c->failures++;
      if (c->failures <= 10) {
        fprintf(stderr, "case %ld (function %d): %s: %s, kind %s, message \"%s\"; body %zu bytes: %.*s\n",
                index, function, why, twin_status_str((int)status),
                status == TWIN_ERR_SIGNATURE ? twin_last_error_signature_kind() : "-",
                status == TWIN_OK ? "" : twin_last_error_message(), body_len,
                (int)(body_len < 200 ? body_len : 200), body);
      }
    }
  }
  twin_delivery_free(out);
  twin_signature_options_free(options);
}

int main(int argc, char **argv) {
  struct counts c;
  long cases, i;
  size_t k;
  if (argc != 3 || (cases = atol(argv[1])) < 1) {
    fprintf(stderr, "usage: %s CASES SEED\n", argv[0]);
    return 2;
  }
  rng_state = strtoull(argv[2], NULL, 10) | 1; /* xorshift needs a non-zero state */
  memset(&c, 0, sizeof c);
  memset(oversize, '{', sizeof oversize);
  for (i = 0; i < cases; i++) {
    one_case(&c, i);
  }
  printf("fuzz: cases=%ld ok=%ld signature=%ld invalid_argument=%ld must_ok=%ld failures=%ld",
         c.cases, c.ok, c.signature, c.invalid, c.must_ok, c.failures);
  for (k = 0; k < N_KINDS; k++) {
    printf(" %s=%ld", KINDS[k], c.kinds[k]);
  }
  printf("\n");
  return c.failures == 0 ? 0 : 1;
}
