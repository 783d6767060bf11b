/*
 * How failures reach C: the driver injects one kind of fault into GET /v1/me on the emulator,
 * then runs this program with what to expect:
 *   test_errors <status name> <http status or 0> <retry-after ms or -> [timeout ms]
 */
#include "check.h"

static int check_failure(const char *status_name, int http_status, const char *retry_after,
                         const char *timeout_ms) {
  int rc = 1;
  twin_client_options *options = twin_client_options_new();
  twin_client *client = NULL;
  twin_user *me = NULL;
  bool has_retry_after = false;
  uint64_t retry_after_ms = 0;
  twin_status status;
  CHECK(options != NULL);
  CHECK_OK(twin_client_options_set_max_retries(options, 0));
  if (timeout_ms != NULL) {
    CHECK_OK(twin_client_options_set_timeout_ms(options, strtoull(timeout_ms, NULL, 10)));
  }
  CHECK_OK(twin_client_new(options, &client));
  status = twin_me_get(client, &me);
  CHECK_STR(twin_status_str((int)status), status_name);
  CHECK(me == NULL);
  CHECK(twin_last_error_http_status() == http_status);
  CHECK(twin_last_error_message()[0] != '\0');
  CHECK(strstr(twin_last_error_message(), require_env("TWIN_API_KEY")) == NULL);
  if (status == TWIN_ERR_API) {
    CHECK(twin_last_error_problem_type() != NULL);
    CHECK(twin_last_error_title() != NULL);
  } else {
    CHECK(twin_last_error_title() == NULL);
  }
  retry_after_ms = twin_last_error_retry_after_ms(&has_retry_after);
  if (strcmp(retry_after, "-") == 0) {
    CHECK(!has_retry_after);
  } else {
    CHECK(has_retry_after);
    CHECK(retry_after_ms == strtoull(retry_after, NULL, 10));
  }
  printf("%s: %s\n", status_name, twin_last_error_message());
  rc = 0;
cleanup:
  twin_user_free(me);
  twin_client_free(client);
  twin_client_options_free(options);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s STATUS HTTP_STATUS RETRY_AFTER_MS|- [TIMEOUT_MS]\n", argv[0]);
    return 2;
  }
  return check_failure(argv[1], atoi(argv[2]), argv[3], argc > 4 ? argv[4] : NULL);
}
