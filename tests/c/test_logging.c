/* The library's log: twin_log_set_handler() with a handler, with stderr, off; TWIN_LOG. */
#include "check.h"

typedef struct {
  int lines;
  int debug_lines;
  char last[512];
} seen_lines;

static void collect(twin_log_level level, const char *message, void *user_data) {
  seen_lines *seen = user_data;
  seen->lines++;
  if (level == TWIN_LOG_DEBUG) {
    seen->debug_lines++;
  }
  snprintf(seen->last, sizeof seen->last, "%s", message);
}

static int me(const twin_client *client) {
  twin_user *me = NULL;
  twin_status status = twin_me_get(client, &me);
  twin_user_free(me);
  return status == TWIN_OK ? 0 : 1;
}

static int test_a_handler_gets_one_line_per_attempt(const twin_client *client) {
  int rc = 1;
  seen_lines seen = {0};
  twin_agent *agent = NULL;
  CHECK_OK(twin_log_set_handler(collect, TWIN_LOG_DEBUG, &seen));
  CHECK(me(client) == 0);
  CHECK(seen.lines == 1 && seen.debug_lines == 1);
  CHECK(strncmp(seen.last, "GET /v1/me -> 200 (attempt 1, ", 30) == 0);
  /* a failure is logged too, and the key never is */
  CHECK_STATUS(twin_agents_get(client, "no-such-agent", &agent), TWIN_ERR_API);
  CHECK(seen.lines == 2);
  CHECK_CONTAINS(seen.last, "GET /v1/agents/no-such-agent -> 403");
  CHECK(strstr(seen.last, require_env("TWIN_API_KEY")) == NULL);
  /* a quieter level: nothing at debug */
  CHECK_OK(twin_log_set_handler(collect, TWIN_LOG_WARN, &seen));
  CHECK(me(client) == 0);
  CHECK(seen.lines == 2);
  rc = 0;
cleanup:
  twin_agent_free(agent);
  if (twin_log_set_handler(NULL, TWIN_LOG_OFF, NULL) != TWIN_OK) {
    rc = 1;
  }
  return rc;
}

static int test_a_level_must_be_known(void) {
  int rc = 1;
  CHECK_STATUS(twin_log_set_handler(collect, 6, NULL), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(twin_last_error_message(), "max_level 6 is not a twin_log_level");
  CHECK_STATUS(twin_log_set_handler(NULL, -1, NULL), TWIN_ERR_INVALID_ARGUMENT);
  rc = 0;
cleanup:
  return rc;
}

int main(int argc, char **argv) {
  int failures = 0;
  twin_client *client = test_client(); /* applies TWIN_LOG, if the driver set it */
  if (client == NULL) {
    return 1;
  }
  if (argc > 1 && strcmp(argv[1], "stderr") == 0) {
    /* `test_logging stderr [off]`: the driver reads stderr */
    if (argc > 2 && strcmp(argv[2], "off") == 0) {
      if (twin_log_set_handler(NULL, TWIN_LOG_OFF, NULL) != TWIN_OK) {
        failures++;
      }
    } else if (twin_log_set_handler(NULL, TWIN_LOG_DEBUG, NULL) != TWIN_OK) {
      failures++;
    }
    failures += me(client);
  } else if (argc > 1 && strcmp(argv[1], "env") == 0) {
    failures += me(client); /* TWIN_LOG alone */
  } else {
    RUN(failures, test_a_handler_gets_one_line_per_attempt(client));
    RUN(failures, test_a_level_must_be_known());
  }
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
