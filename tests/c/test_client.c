/* Client, options, version, statuses, cancel tokens, strings and the last error. */
#include "check.h"

#include <pthread.h>
#include <stdlib.h>

static int test_version_matches_cargo(void) {
  int rc = 1;
  char built[64];
  const char *cargo = require_env("TWIN_CARGO_VERSION");
  snprintf(built, sizeof built, "%d.%d.%d", TWIN_VERSION_MAJOR, TWIN_VERSION_MINOR,
           TWIN_VERSION_PATCH);
  CHECK_STR(TWIN_VERSION_STRING, cargo);
  CHECK_STR(built, cargo);
  CHECK_STR(twin_version(), cargo);
  /* One number, compared as a number: the header's and the library's agree. */
  CHECK(TWIN_VERSION_NUMBER == ((TWIN_VERSION_MAJOR << 16) | (TWIN_VERSION_MINOR << 8) |
                                TWIN_VERSION_PATCH));
  CHECK(twin_version_number() == TWIN_VERSION_NUMBER);
  CHECK(TWIN_VERSION_AT_LEAST(TWIN_VERSION_MAJOR, TWIN_VERSION_MINOR, TWIN_VERSION_PATCH));
  CHECK(TWIN_VERSION_AT_LEAST(0, 0, 1));
  CHECK(!TWIN_VERSION_AT_LEAST(TWIN_VERSION_MAJOR, TWIN_VERSION_MINOR, TWIN_VERSION_PATCH + 1));
  CHECK(!TWIN_VERSION_AT_LEAST(TWIN_VERSION_MAJOR, TWIN_VERSION_MINOR + 1, 0));
  CHECK(!TWIN_VERSION_AT_LEAST(TWIN_VERSION_MAJOR + 1, 0, 0));
#if !TWIN_VERSION_AT_LEAST(0, 1, 0)
#error "TWIN_VERSION_AT_LEAST works in #if"
#endif
  rc = 0;
cleanup:
  return rc;
}

static int test_status_names(void) {
  int rc = 1;
  CHECK_STR(twin_status_str(TWIN_OK), "TWIN_OK");
  CHECK_STR(twin_status_str(TWIN_ERR_NULL_ARGUMENT), "TWIN_ERR_NULL_ARGUMENT");
  CHECK_STR(twin_status_str(TWIN_ERR_INVALID_ARGUMENT), "TWIN_ERR_INVALID_ARGUMENT");
  CHECK_STR(twin_status_str(TWIN_ERR_API), "TWIN_ERR_API");
  CHECK_STR(twin_status_str(TWIN_ERR_CONNECTION), "TWIN_ERR_CONNECTION");
  CHECK_STR(twin_status_str(TWIN_ERR_TIMEOUT), "TWIN_ERR_TIMEOUT");
  CHECK_STR(twin_status_str(TWIN_ERR_DECODE), "TWIN_ERR_DECODE");
  CHECK_STR(twin_status_str(TWIN_ERR_UNEXPECTED_RESPONSE), "TWIN_ERR_UNEXPECTED_RESPONSE");
  CHECK_STR(twin_status_str(TWIN_ERR_SIGNATURE), "TWIN_ERR_SIGNATURE");
  CHECK_STR(twin_status_str(TWIN_ERR_INVALID_CRON), "TWIN_ERR_INVALID_CRON");
  CHECK_STR(twin_status_str(TWIN_ERR_CANCELLED), "TWIN_ERR_CANCELLED");
  CHECK_STR(twin_status_str(TWIN_ERR_PANIC), "TWIN_ERR_PANIC");
  CHECK_STR(twin_status_str(-1), "TWIN_ERR_UNKNOWN");
  CHECK_STR(twin_status_str(1000), "TWIN_ERR_UNKNOWN");
  rc = 0;
cleanup:
  return rc;
}

static int test_client_from_environment(void) {
  int rc = 1;
  twin_client *client = NULL;
  twin_user *me = NULL;
  CHECK_OK(twin_client_new(NULL, &client));
  CHECK_OK(twin_me_get(client, &me));
  CHECK(strncmp(twin_user_id(me), "user_", 5) == 0);
  rc = 0;
cleanup:
  twin_user_free(me);
  twin_client_free(client);
  return rc;
}

static int test_client_with_every_option(void) {
  int rc = 1;
  twin_client_options *options = twin_client_options_new();
  twin_client *client = NULL;
  twin_user *me = NULL;
  CHECK(options != NULL);
  CHECK_OK(twin_client_options_set_api_key(options, require_env("TWIN_API_KEY")));
  CHECK_OK(twin_client_options_set_base_url(options, require_env("TWIN_BASE_URL")));
  CHECK_OK(twin_client_options_set_connect_timeout_ms(options, 5000));
  CHECK_OK(twin_client_options_set_timeout_ms(options, 10000));
  CHECK_OK(twin_client_options_set_total_timeout_ms(options, 20000));
  CHECK_OK(twin_client_options_set_max_retries(options, 1));
  CHECK_OK(twin_client_new(options, &client));
  CHECK_OK(twin_me_get(client, &me));
  CHECK_CONTAINS(twin_user_json(me), "\"user_id\"");
  rc = 0;
cleanup:
  twin_user_free(me);
  twin_client_free(client);
  twin_client_options_free(options);
  return rc;
}

static int test_bad_options_are_refused_without_secrets(void) {
  int rc = 1;
  twin_client_options *options = twin_client_options_new();
  twin_client *client = NULL;
  CHECK(options != NULL);
  CHECK_OK(twin_client_options_set_api_key(options, "twin_0123_SECRETMARKER"));
  CHECK_OK(twin_client_options_set_base_url(options, "ftp://example.com"));
  CHECK_STATUS(twin_client_new(options, &client), TWIN_ERR_INVALID_ARGUMENT);
  CHECK(client == NULL); /* outputs are written only on success */
  CHECK_CONTAINS(twin_last_error_message(), "base url");
  CHECK(strstr(twin_last_error_message(), "SECRETMARKER") == NULL);
  CHECK(twin_last_error_http_status() == 0);
  CHECK(twin_last_error_title() == NULL);

  CHECK_OK(twin_client_options_set_base_url(options, require_env("TWIN_BASE_URL")));
  CHECK_OK(twin_client_options_set_timeout_ms(options, 0));
  CHECK_STATUS(twin_client_new(options, &client), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(twin_last_error_message(), "timeout");

  CHECK_OK(twin_client_options_set_timeout_ms(options, 1000));
  CHECK_OK(twin_client_options_add_root_certificate_pem(options, "not a certificate"));
  CHECK_STATUS(twin_client_new(options, &client), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(twin_last_error_message(), "certificate");

  twin_client_options_free(options);
  options = twin_client_options_new();
  CHECK_OK(twin_client_options_set_base_url(options, require_env("TWIN_BASE_URL")));
  CHECK_OK(twin_client_options_set_api_key(options, "   "));
  CHECK_STATUS(twin_client_new(options, &client), TWIN_ERR_INVALID_ARGUMENT);
  CHECK(client == NULL);
  rc = 0;
cleanup:
  twin_client_free(client);
  twin_client_options_free(options);
  return rc;
}

static int test_wrong_key_is_an_api_error(void) {
  int rc = 1;
  twin_client_options *options = twin_client_options_new();
  twin_client *client = NULL;
  twin_user *me = NULL;
  bool has_retry_after = true;
  CHECK(options != NULL);
  CHECK_OK(twin_client_options_set_api_key(options, "twin_00000000000000000000000000000000_WRONGSECRET"));
  CHECK_OK(twin_client_options_set_base_url(options, require_env("TWIN_BASE_URL")));
  CHECK_OK(twin_client_new(options, &client));
  CHECK_STATUS(twin_me_get(client, &me), TWIN_ERR_API);
  CHECK(me == NULL);
  CHECK(twin_last_error_http_status() == 401);
  CHECK(twin_last_error_title() != NULL);
  CHECK(twin_last_error_problem_type() != NULL);
  CHECK_CONTAINS(twin_last_error_message(), "401");
  CHECK(strstr(twin_last_error_message(), "WRONGSECRET") == NULL);
  CHECK(twin_last_error_retry_after_ms(&has_retry_after) == 0);
  CHECK(!has_retry_after);
  CHECK(twin_last_error_retry_after_ms(NULL) == 0);
  /* The status stays until the next failure or a clear; a success does not change it. */
  CHECK(twin_last_error_status() == TWIN_ERR_API);
  CHECK(twin_version() != NULL);
  CHECK(twin_last_error_status() == TWIN_ERR_API);
  twin_last_error_clear();
  CHECK(twin_last_error_status() == TWIN_OK);
  CHECK_STR(twin_last_error_message(), "");
  CHECK(twin_last_error_http_status() == 0);
  CHECK(twin_last_error_title() == NULL);
  CHECK(twin_last_error_problem_type() == NULL);
  CHECK(!twin_last_error_maybe_sent());
  rc = 0;
cleanup:
  twin_user_free(me);
  twin_client_free(client);
  twin_client_options_free(options);
  return rc;
}

/* A thread-specific destructor runs while the thread is torn down, possibly after the
 * library's own thread-locals are gone: failing there and reading the last error must not
 * abort. */
static pthread_key_t teardown_key;
static void at_teardown(void *value) {
  (void)value;
  if (twin_client_options_set_api_key(NULL, "k") != TWIN_ERR_NULL_ARGUMENT) abort();
  twin_status last = twin_last_error_status();
  if (last != TWIN_OK && last != TWIN_ERR_NULL_ARGUMENT) abort();
  (void)twin_last_error_message();
  twin_last_error_clear();
}
static void *teardown_thread(void *arg) {
  (void)arg;
  pthread_setspecific(teardown_key, (void *)1);
  CHECK_STR(twin_last_error_message(), "");
  return NULL;
cleanup:
  return (void *)1;
}

static int test_last_error_during_thread_teardown(void) {
  int rc = 1;
  pthread_t thread;
  void *result = (void *)1;
  CHECK(pthread_key_create(&teardown_key, at_teardown) == 0);
  CHECK(pthread_create(&thread, NULL, teardown_thread, NULL) == 0);
  CHECK(pthread_join(thread, &result) == 0);
  CHECK(result == NULL);
  rc = 0;
cleanup:
  pthread_key_delete(teardown_key);
  return rc;
}

static int test_unreachable_server_is_a_connection_error(void) {
  int rc = 1;
  twin_client_options *options = twin_client_options_new();
  twin_client *client = NULL;
  twin_user *me = NULL;
  CHECK(options != NULL);
  CHECK_OK(twin_client_options_set_api_key(options, "twin_key"));
  CHECK_OK(twin_client_options_set_base_url(options, "http://127.0.0.1:1"));
  CHECK_OK(twin_client_options_set_max_retries(options, 0));
  CHECK_OK(twin_client_new(options, &client));
  CHECK_STATUS(twin_me_get(client, &me), TWIN_ERR_CONNECTION);
  CHECK(me == NULL);
  CHECK(twin_last_error_http_status() == 0);
  CHECK_CONTAINS(twin_last_error_message(), "connection");
  rc = 0;
cleanup:
  twin_user_free(me);
  twin_client_free(client);
  twin_client_options_free(options);
  return rc;
}

static int test_cancel_token(void) {
  int rc = 1;
  twin_cancel_token *token = twin_cancel_token_new();
  CHECK(token != NULL);
  CHECK(!twin_cancel_token_is_cancelled(token));
  CHECK_OK(twin_cancel_token_cancel(token));
  CHECK_OK(twin_cancel_token_cancel(token));
  CHECK(twin_cancel_token_is_cancelled(token));
  CHECK(!twin_cancel_token_is_cancelled(NULL));
  rc = 0;
cleanup:
  twin_cancel_token_free(token);
  return rc;
}

static int test_frees_accept_null(void) {
  twin_string_free(NULL);
  twin_client_free(NULL);
  twin_client_options_free(NULL);
  twin_cancel_token_free(NULL);
  twin_user_free(NULL);
  return 0;
}

int main(void) {
  int failures = 0;
  CHECK_STR(twin_last_error_message(), ""); /* nothing failed yet on this thread */
  CHECK(twin_last_error_status() == TWIN_OK);
  RUN(failures, test_version_matches_cargo());
  RUN(failures, test_status_names());
  RUN(failures, test_client_from_environment());
  RUN(failures, test_client_with_every_option());
  RUN(failures, test_bad_options_are_refused_without_secrets());
  RUN(failures, test_wrong_key_is_an_api_error());
  RUN(failures, test_unreachable_server_is_a_connection_error());
  RUN(failures, test_cancel_token());
  RUN(failures, test_frees_accept_null());
  RUN(failures, test_last_error_during_thread_teardown());
  return failures == 0 ? 0 : 1;
cleanup:
  return 1;
}
