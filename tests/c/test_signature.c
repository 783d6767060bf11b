/*
 * Webhook deliveries: twin_signature_verify, _sign and _unwrap over every
 * case of tests/vectors/signatures.json. The driver turns the JSON into tab-separated lines on
 * stdin (strings hex-encoded, "-" for absent), so this program never parses JSON:
 *   V name body header|- n secret... expect
 *   S body secret signature
 *   U name body signature|- event|- now tolerance|- max_body|- n secret... expect
 *     [kind event timestamp run_id agent_id status|- outcome|- finished_at|-]
 * It prints one line per case and "cases: N" at the end.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#define MAX_FIELDS 64

/* Decodes hex in place; returns the length, or -1 if it is not hex. */
static long unhex(char *text) {
  size_t n = strlen(text);
  size_t i;
  if (n % 2 != 0) {
    return -1;
  }
  for (i = 0; i < n / 2; i++) {
    unsigned int byte;
    if (sscanf(text + 2 * i, "%2x", &byte) != 1) {
      return -1;
    }
    text[i] = (char)byte;
  }
  text[n / 2] = '\0';
  return (long)(n / 2);
}

/* Splits a line on tabs (empty fields kept). */
static int split(char *line, char **fields) {
  int count = 0;
  char *p = line;
  line[strcspn(line, "\n")] = '\0';
  for (;;) {
    char *tab = strchr(p, '\t');
    if (count == MAX_FIELDS) {
      return -1;
    }
    fields[count++] = p;
    if (tab == NULL) {
      return count;
    }
    *tab = '\0';
    p = tab + 1;
  }
}

/* A field that is hex or "-" (NULL). */
static const char *opt_text(char *field) {
  if (strcmp(field, "-") == 0) {
    return NULL;
  }
  unhex(field);
  return field;
}

static twin_delivery_type kind_named(const char *name) {
  if (strcmp(name, "RunStarted") == 0) return TWIN_DELIVERY_RUN_STARTED;
  if (strcmp(name, "RunCompleted") == 0) return TWIN_DELIVERY_RUN_COMPLETED;
  if (strcmp(name, "RunFailed") == 0) return TWIN_DELIVERY_RUN_FAILED;
  if (strcmp(name, "RunStopped") == 0) return TWIN_DELIVERY_RUN_STOPPED;
  if (strcmp(name, "RunPaused") == 0) return TWIN_DELIVERY_RUN_PAUSED;
  return TWIN_DELIVERY_UNKNOWN;
}

/* Checks the status of a verification against the expected kind name ("ok" or a kind). */
static int check_outcome(twin_status status, const char *expect) {
  int rc = 1;
  if (strcmp(expect, "ok") == 0) {
    CHECK_OK(status);
  } else {
    CHECK_STATUS(status, TWIN_ERR_SIGNATURE);
    CHECK_STR(twin_last_error_signature_kind(), expect);
    CHECK_CONTAINS(twin_last_error_message(), "webhook verification failed");
  }
  rc = 0;
cleanup:
  return rc;
}

static int verify_case(char **f, int n) {
  int rc = 1;
  long body_len;
  int secrets_len;
  const char *secrets[8];
  int i;
  CHECK(n >= 5);
  body_len = unhex(f[2]);
  CHECK(body_len >= 0);
  secrets_len = atoi(f[4]);
  CHECK(secrets_len >= 0 && secrets_len < 8 && n == 6 + secrets_len);
  for (i = 0; i < secrets_len; i++) {
    unhex(f[5 + i]);
    secrets[i] = f[5 + i];
  }
  /* an empty list is passed as NULL with length 0 */
  CHECK(check_outcome(twin_signature_verify((const uint8_t *)f[2], (size_t)body_len, opt_text(f[3]),
                                            secrets_len ? secrets : NULL, (size_t)secrets_len),
                      f[5 + secrets_len]) == 0);
  rc = 0;
cleanup:
  return rc;
}

static int sign_case(char **f, int n) {
  int rc = 1;
  char *signature = NULL;
  long body_len;
  CHECK(n == 4);
  body_len = unhex(f[1]);
  unhex(f[2]);
  unhex(f[3]);
  CHECK(body_len >= 0);
  CHECK_OK(twin_signature_sign((const uint8_t *)f[1], (size_t)body_len, f[2], &signature));
  CHECK_STR(signature, f[3]);
  rc = 0;
cleanup:
  twin_string_free(signature);
  return rc;
}

static int unwrap_case(char **f, int n) {
  int rc = 1;
  long body_len;
  const char *signature;
  const char *event_header;
  int secrets_len;
  const char *secrets[8];
  const char *expect;
  int i;
  int k;
  twin_signature_options *options = twin_signature_options_new();
  twin_signature_options *plain_options = NULL;
  twin_delivery *event = NULL;
  twin_delivery *plain = NULL;
  bool tolerance_off = strcmp(f[6], "-") == 0;
  bool default_max_body = strcmp(f[7], "-") == 0;
  bool has_value = true;
  CHECK(n >= 10);
  body_len = unhex(f[2]);
  CHECK(body_len >= 0);
  signature = opt_text(f[3]);
  event_header = opt_text(f[4]);
  CHECK_OK(twin_signature_options_set_now(options, strtoll(f[5], NULL, 10)));
  CHECK_OK(twin_signature_options_set_tolerance_secs(
      options, tolerance_off ? UINT64_MAX : strtoull(f[6], NULL, 10)));
  if (!default_max_body) {
    CHECK_OK(twin_signature_options_set_max_body(options, strtoul(f[7], NULL, 10)));
  }
  secrets_len = atoi(f[8]);
  CHECK(secrets_len >= 0 && secrets_len < 8 && n >= 10 + secrets_len);
  for (i = 0; i < secrets_len; i++) {
    unhex(f[9 + i]);
    secrets[i] = f[9 + i];
  }
  k = 9 + secrets_len;
  expect = f[k];
  CHECK(check_outcome(twin_signature_unwrap((const uint8_t *)f[2], (size_t)body_len, signature,
                                            event_header, secrets, (size_t)secrets_len, options,
                                            &event),
                      expect) == 0);
  if (tolerance_off && default_max_body) {
    /* without a clock or a size to set (options with only the tolerance turned off), the
     * system clock gives the same answer */
    plain_options = twin_signature_options_new();
    CHECK(plain_options != NULL);
    CHECK_OK(twin_signature_options_set_tolerance_secs(plain_options, UINT64_MAX));
    CHECK(check_outcome(twin_signature_unwrap((const uint8_t *)f[2], (size_t)body_len, signature,
                                              event_header, secrets, (size_t)secrets_len,
                                              plain_options, &plain),
                        expect) == 0);
  }
  if (strcmp(expect, "ok") == 0) {
    CHECK(n == k + 9);
    CHECK(twin_delivery_kind(event) == kind_named(f[k + 1]));
    CHECK_STR(twin_delivery_event(event), opt_text(f[k + 2]));
    CHECK(twin_delivery_timestamp(event) == strtoll(f[k + 3], NULL, 10));
    CHECK_STR(twin_delivery_run_id(event), opt_text(f[k + 4]));
    CHECK_STR(twin_delivery_agent_id(event), opt_text(f[k + 5]));
    CHECK_STR(twin_delivery_status(event), opt_text(f[k + 6]));
    CHECK_STR(twin_delivery_outcome(event), opt_text(f[k + 7]));
    if (strcmp(f[k + 8], "-") == 0) {
      CHECK(twin_delivery_finished_at(event, &has_value) == 0);
      CHECK(!has_value);
    } else {
      CHECK(twin_delivery_finished_at(event, &has_value) == strtoll(f[k + 8], NULL, 10));
      CHECK(has_value);
    }
    CHECK_CONTAINS(twin_delivery_json(event), "\"event\"");
  } else {
    CHECK(event == NULL);
  }
  rc = 0;
cleanup:
  twin_signature_options_free(options);
  twin_signature_options_free(plain_options);
  twin_delivery_free(event);
  twin_delivery_free(plain);
  return rc;
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  int cases = 0;
  int failures = 0;
  while (getline(&line, &cap, stdin) > 0) {
    char *fields[MAX_FIELDS];
    char name[256] = "sign";
    int n = split(line, fields);
    int result = 1;
    if (n < 2) {
      continue;
    }
    if (fields[0][0] != 'S') {
      snprintf(name, sizeof name, "%s", fields[1]);
      unhex(name);
    }
    switch (fields[0][0]) {
      case 'V': result = verify_case(fields, n); break;
      case 'S': result = sign_case(fields, n); break;
      case 'U': result = unwrap_case(fields, n); break;
      default: break;
    }
    cases++;
    if (result != 0) {
      failures++;
      printf("FAIL %c %s\n", fields[0][0], name);
    } else {
      printf("ok %c %s\n", fields[0][0], name);
    }
  }
  free(line);
  printf("cases: %d\n", cases);
  return failures == 0 && cases > 0 ? 0 : 1;
}
