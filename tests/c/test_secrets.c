/*
 * Secrets kept: the API key and a webhook signing secret are unique marker strings (set by the
 * driver: TWIN_API_KEY, whose secret part is TWIN_TEST_KEY_MARKER, and
 * TWIN_TEST_SIGNING_SECRET), and every failure the C API can report is provoked with them in
 * play. No twin_last_error_* string may contain a marker; each failure is also printed, so the
 * driver checks stdout and stderr too.
 *
 *   test_secrets local                      failures needing no fault: null and invalid
 *                                           arguments, API 401/403/404/409, connection,
 *                                           signature (every kind), invalid cron, cancelled
 *   test_secrets me STATUS HTTP|-           twin_me_get, against a fault the driver injected
 *                                           (or a fake server): STATUS and HTTP expected
 *   test_secrets me STATUS HTTP|- TIMEOUT   the same with an attempt timeout in milliseconds
 *
 * Prints "secrets: failures=N statuses=A,B,..." last.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#define ZERO_SIGNATURE "sha256=0000000000000000000000000000000000000000000000000000000000000000"

static const char *markers[3];
static int failures_seen = 0;
static int leaks = 0;
static int mismatches = 0;
static char statuses[512] = "";

static void note_status(twin_status status) {
  const char *name = twin_status_str((int)status);
  char tagged[64];
  if (status == TWIN_ERR_API) {
    snprintf(tagged, sizeof tagged, "%s_%d", name, twin_last_error_http_status());
    name = tagged;
  }
  if (strstr(statuses, name) == NULL && strlen(statuses) + strlen(name) + 2 < sizeof statuses) {
    if (statuses[0] != '\0') {
      strcat(statuses, ",");
    }
    strcat(statuses, name);
  }
}

/* Whether `needle` occurs in `text`, ignoring ASCII case (a message may lower-case a title). */
static bool contains_nocase(const char *text, const char *needle) {
  size_t n = strlen(needle);
  for (; *text != '\0'; text++) {
    size_t i = 0;
    while (i < n && text[i] != '\0' &&
           (text[i] == needle[i] ||
            ((unsigned char)(text[i] | 0x20) >= 'a' && (unsigned char)(text[i] | 0x20) <= 'z' &&
             (text[i] | 0x20) == (needle[i] | 0x20)))) {
      i++;
    }
    if (i == n) {
      return true;
    }
  }
  return false;
}

/* Checks one last-error string against every marker. */
static void scan_one(const char *label, const char *what, const char *text) {
  size_t i;
  if (text == NULL) {
    return;
  }
  for (i = 0; i < sizeof markers / sizeof markers[0]; i++) {
    if (markers[i] != NULL && contains_nocase(text, markers[i])) {
      leaks++;
      /* say where without printing the secret */
      fprintf(stderr, "LEAK %s: twin_last_error_%s holds marker %zu\n", label, what, i);
    }
  }
}

/* A call returned `status`, `expected` was due: checks it, scans and prints the last error. */
static void expect_failure(const char *label, twin_status status, twin_status expected) {
  bool has_retry = false;
  failures_seen++;
  if (status != expected) {
    mismatches++;
    fprintf(stderr, "%s: %s, expected %s\n", label, twin_status_str((int)status),
            twin_status_str((int)expected));
  }
  if (status == TWIN_OK) {
    return;
  }
  note_status(status);
  scan_one(label, "message", twin_last_error_message());
  scan_one(label, "problem_type", twin_last_error_problem_type());
  scan_one(label, "title", twin_last_error_title());
  scan_one(label, "detail", twin_last_error_detail());
  scan_one(label, "request_id", twin_last_error_request_id());
  scan_one(label, "signature_kind", twin_last_error_signature_kind());
  (void)twin_last_error_retry_after_ms(&has_retry);
  /* printed, for the driver's scan of stdout */
  printf("%s: %s http=%d message=\"%s\" type=%s title=%s detail=%s kind=%s\n", label,
         twin_status_str((int)status), twin_last_error_http_status(), twin_last_error_message(),
         twin_last_error_problem_type() ? twin_last_error_problem_type() : "-",
         twin_last_error_title() ? twin_last_error_title() : "-",
         twin_last_error_detail() ? twin_last_error_detail() : "-",
         twin_last_error_signature_kind() ? twin_last_error_signature_kind() : "-");
}

#define EXPECT_FAIL(call, expected) expect_failure(#call, (call), (expected))

static twin_client *client_with(const char *api_key, const char *base_url, uint64_t attempt_ms) {
  twin_client *client = NULL;
  twin_client_options *options = twin_client_options_new();
  if (twin_client_options_set_api_key(options, api_key) != TWIN_OK ||
      (base_url != NULL && twin_client_options_set_base_url(options, base_url) != TWIN_OK) ||
      twin_client_options_set_max_retries(options, 0) != TWIN_OK ||
      (attempt_ms != 0 && twin_client_options_set_timeout_ms(options, attempt_ms) != TWIN_OK) ||
      twin_client_new(options, &client) != TWIN_OK) {
    fprintf(stderr, "cannot make a client: %s\n", twin_last_error_message());
    client = NULL;
  }
  twin_client_options_free(options);
  return client;
}

static void signature_failures(const char *secret) {
  const char *secrets[2] = {secret, NULL};
  const char *bad_secrets[1];
  char not_utf8[256];
  char *signature = NULL;
  char body[512];
  twin_delivery *event = NULL;
  twin_signature_options *options = twin_signature_options_new();
  twin_signature_options *any_time = twin_signature_options_new();
  const char *stale = "{\"event\":\"run.completed\",\"timestamp\":\"2020-01-01T00:00:00Z\","
                      "\"data\":{\"run_id\":\"r\",\"agent_id\":\"a\",\"status\":\"completed\"}}";
  const char *junk = "{\"event\":";

  /* signed with the marker secret, so verification reaches every check */
  snprintf(body, sizeof body, "%s", stale);
  if (twin_signature_sign((const uint8_t *)body, strlen(body), secret, &signature) != TWIN_OK) {
    mismatches++;
    fprintf(stderr, "cannot sign: %s\n", twin_last_error_message());
    goto cleanup;
  }
  scan_one("twin_signature_sign output", "-", signature);
  CHECK(options != NULL && any_time != NULL);
  CHECK_OK(twin_signature_options_set_tolerance_secs(any_time, UINT64_MAX));
  EXPECT_FAIL(twin_signature_verify((const uint8_t *)body, strlen(body), ZERO_SIGNATURE, secrets, 1),
              TWIN_ERR_SIGNATURE); /* NoMatch */
  EXPECT_FAIL(twin_signature_verify((const uint8_t *)body, strlen(body), "sha256=zz", secrets, 1),
              TWIN_ERR_SIGNATURE); /* MalformedHeader */
  EXPECT_FAIL(twin_signature_verify((const uint8_t *)body, strlen(body), NULL, secrets, 1),
              TWIN_ERR_SIGNATURE); /* MissingHeader */
  EXPECT_FAIL(twin_signature_verify((const uint8_t *)body, strlen(body), signature, secrets, 0),
              TWIN_ERR_SIGNATURE); /* NoSecrets */
  EXPECT_FAIL(twin_signature_unwrap((const uint8_t *)body, strlen(body), signature, NULL, secrets, 1,
                                    NULL, &event),
              TWIN_ERR_SIGNATURE); /* StaleTimestamp */
  EXPECT_FAIL(twin_signature_unwrap((const uint8_t *)body, strlen(body), signature, "run.started",
                                    secrets, 1, any_time, &event),
              TWIN_ERR_SIGNATURE); /* EventMismatch */
  CHECK_OK(twin_signature_options_set_max_body(options, 8));
  EXPECT_FAIL(twin_signature_unwrap((const uint8_t *)body, strlen(body), signature, NULL,
                                    secrets, 1, options, &event),
              TWIN_ERR_SIGNATURE); /* BodyTooLarge */
  twin_string_free(signature);
  signature = NULL;
  CHECK_OK(twin_signature_sign((const uint8_t *)junk, strlen(junk), secret, &signature));
  EXPECT_FAIL(twin_signature_unwrap((const uint8_t *)junk, strlen(junk), signature, NULL, secrets, 1,
                                    any_time, &event),
              TWIN_ERR_SIGNATURE); /* InvalidPayload */
  /* the secret with a byte that is not UTF-8 after it */
  snprintf(not_utf8, sizeof not_utf8, "%s\xff", secret);
  bad_secrets[0] = not_utf8;
  EXPECT_FAIL(twin_signature_verify((const uint8_t *)body, strlen(body), signature, bad_secrets, 1),
              TWIN_ERR_INVALID_ARGUMENT);
  EXPECT_FAIL(twin_signature_sign((const uint8_t *)body, strlen(body), not_utf8, &signature),
              TWIN_ERR_INVALID_ARGUMENT);
  EXPECT_FAIL(twin_signature_sign((const uint8_t *)body, strlen(body), secret, NULL),
              TWIN_ERR_NULL_ARGUMENT);
  EXPECT_FAIL(twin_signature_verify(NULL, 1, signature, secrets, 1), TWIN_ERR_NULL_ARGUMENT);
cleanup:
  twin_delivery_free(event);
  twin_signature_options_free(options);
  twin_signature_options_free(any_time);
  twin_string_free(signature);
}

static int local_phase(const char *api_key, const char *base_url, const char *secret) {
  twin_client *client = client_with(api_key, NULL, 0);
  twin_client *wrong_key = NULL;
  twin_client *unreachable = NULL;
  twin_client *dummy = NULL;
  twin_client *bad_url = NULL;
  twin_client_options *options = twin_client_options_new();
  twin_agent_create_params *params = twin_agent_create_params_new();
  twin_cancel_token *token = twin_cancel_token_new();
  twin_run_start_params *start = twin_run_start_params_new();
  twin_wait_options *wait = twin_wait_options_new();
  twin_agent *agent = NULL;
  twin_agent *again = NULL;
  twin_agent *missing = NULL;
  twin_run *run = NULL;
  twin_user *me = NULL;
  char text[512];
  int rc = 1;

  CHECK(client != NULL && options != NULL && params != NULL && token != NULL && start != NULL &&
        wait != NULL);
  /* invalid arguments holding the markers */
  snprintf(text, sizeof text, "%s\xff", api_key);
  EXPECT_FAIL(twin_client_options_set_api_key(options, text), TWIN_ERR_INVALID_ARGUMENT);
  snprintf(text, sizeof text, "%s\r\nx-leak: 1", api_key); /* no valid header value */
  CHECK_OK(twin_client_options_set_api_key(options, text));
  CHECK_OK(twin_client_options_set_base_url(options, base_url));
  CHECK_OK(twin_client_options_set_max_retries(options, 0));
  {
    /* refused by twin_client_new or by the request; which one does not matter here */
    twin_status status = twin_client_new(options, &dummy);
    if (status == TWIN_OK) {
      status = twin_me_get(dummy, &me);
    }
    expect_failure("a key holding CR LF", status, status == TWIN_OK ? TWIN_ERR_INVALID_ARGUMENT : status);
  }
  CHECK_OK(twin_client_options_set_base_url(options, "not a url"));
  CHECK_OK(twin_client_options_set_api_key(options, api_key));
  EXPECT_FAIL(twin_client_new(options, &bad_url), TWIN_ERR_INVALID_ARGUMENT);
  EXPECT_FAIL(twin_agents_get(client, "", &agent), TWIN_ERR_INVALID_ARGUMENT);
  EXPECT_FAIL(twin_run_start_params_set_mode(start, "walk"), TWIN_ERR_INVALID_ARGUMENT);
  EXPECT_FAIL(twin_me_get(client, NULL), TWIN_ERR_NULL_ARGUMENT);
  EXPECT_FAIL(twin_agents_get(NULL, "agent", &agent), TWIN_ERR_NULL_ARGUMENT);
  /* the API's failures, with the marker key */
  snprintf(text, sizeof text, "%sx", api_key);
  wrong_key = client_with(text, NULL, 0);
  CHECK(wrong_key != NULL);
  EXPECT_FAIL(twin_me_get(wrong_key, &me), TWIN_ERR_API); /* 401 */
  EXPECT_FAIL(twin_agents_get(client, "no-such-agent", &missing), TWIN_ERR_API); /* 403 */
  CHECK_OK(twin_agent_create_params_set_agent_id(params, "secrets-agent"));
  CHECK_OK(twin_agents_create(client, params, &agent));
  EXPECT_FAIL(twin_agents_create(client, params, &again), TWIN_ERR_API); /* 409 */
  EXPECT_FAIL(twin_runs_get(client, "secrets-agent", "no-such-run", &run), TWIN_ERR_API); /* 404 */
  EXPECT_FAIL(twin_schedules_pause(client, "secrets-agent"), TWIN_ERR_API); /* 404: no schedule */
  EXPECT_FAIL(twin_schedules_set(client, "secrets-agent", "0 12 * * *"), TWIN_ERR_INVALID_CRON);
  CHECK_OK(twin_cancel_token_cancel(token));
  CHECK_OK(twin_wait_options_set_timeout_ms(wait, 1000));
  CHECK_OK(twin_wait_options_set_cancel_token(wait, token));
  EXPECT_FAIL(twin_runs_wait(client, "secrets-agent", "no-such-run", wait, &run), TWIN_ERR_CANCELLED);
  CHECK_OK(twin_agents_delete(client, "secrets-agent"));
  /* nothing listens on port 9 */
  unreachable = client_with(api_key, "http://127.0.0.1:9", 0);
  CHECK(unreachable != NULL);
  EXPECT_FAIL(twin_me_get(unreachable, &me), TWIN_ERR_CONNECTION);
  signature_failures(secret);
  rc = 0;
cleanup:
  twin_user_free(me);
  twin_run_free(run);
  twin_agent_free(agent);
  twin_agent_free(again);
  twin_agent_free(missing);
  twin_cancel_token_free(token);
  twin_run_start_params_free(start);
  twin_wait_options_free(wait);
  twin_agent_create_params_free(params);
  twin_client_options_free(options);
  twin_client_free(dummy);
  twin_client_free(bad_url);
  twin_client_free(unreachable);
  twin_client_free(wrong_key);
  twin_client_free(client);
  return rc;
}

static twin_status status_named(const char *name) {
  int s;
  for (s = 0; s <= TWIN_ERR_PANIC; s++) {
    if (strcmp(twin_status_str(s), name) == 0) {
      return (twin_status)s;
    }
  }
  fprintf(stderr, "no status %s\n", name);
  exit(2);
}

static int me_phase(const char *api_key, const char *status_name, const char *http,
                    const char *timeout_ms) {
  twin_client *client = client_with(api_key, NULL, timeout_ms ? strtoull(timeout_ms, NULL, 10) : 0);
  twin_user *me = NULL;
  twin_status status;
  if (client == NULL) {
    return 1;
  }
  status = twin_me_get(client, &me);
  expect_failure("twin_me_get", status, status_named(status_name));
  if (strcmp(http, "-") != 0 && twin_last_error_http_status() != atoi(http)) {
    mismatches++;
    fprintf(stderr, "HTTP status %d, expected %s\n", twin_last_error_http_status(), http);
  }
  twin_user_free(me);
  twin_client_free(client);
  return 0;
}

int main(int argc, char **argv) {
  const char *api_key = require_env("TWIN_API_KEY");
  const char *base_url = require_env("TWIN_BASE_URL");
  int rc;
  markers[0] = api_key;
  markers[1] = require_env("TWIN_TEST_KEY_MARKER");
  markers[2] = require_env("TWIN_TEST_SIGNING_SECRET");
  if (argc >= 2 && strcmp(argv[1], "local") == 0) {
    rc = local_phase(api_key, base_url, markers[2]);
  } else if (argc >= 4 && strcmp(argv[1], "me") == 0) {
    rc = me_phase(api_key, argv[2], argv[3], argc > 4 ? argv[4] : NULL);
  } else {
    fprintf(stderr, "usage: %s local | me STATUS HTTP|- [TIMEOUT_MS]\n", argv[0]);
    return 2;
  }
  printf("secrets: failures=%d leaks=%d mismatches=%d statuses=%s\n", failures_seen, leaks,
         mismatches, statuses);
  return rc == 0 && leaks == 0 && mismatches == 0 ? 0 : 1;
}
