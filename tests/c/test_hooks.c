/* Per-attempt hooks: twin_client_options_set_on_attempt() and twin_attempt. */
#include "check.h"

#define MAX_SEEN 8

/* What the hook saw, copied out of each twin_attempt (its strings live only during the call). */
typedef struct {
  int count;
  char method[MAX_SEEN][8];
  char route[MAX_SEEN][64];
  char error[MAX_SEEN][16];
  uint16_t status[MAX_SEEN];
  uint32_t attempt[MAX_SEEN];
  uint64_t duration_us[MAX_SEEN];
} seen_t;

static void copy(char *to, size_t size, const char *from) {
  snprintf(to, size, "%s", from == NULL ? "(null)" : from);
}

static void on_attempt(const twin_attempt *a, void *user_data) {
  seen_t *seen = user_data;
  if (seen->count >= MAX_SEEN) {
    return;
  }
  int i = seen->count++;
  copy(seen->method[i], sizeof seen->method[i], a->method);
  copy(seen->route[i], sizeof seen->route[i], a->route);
  copy(seen->error[i], sizeof seen->error[i], a->error);
  seen->status[i] = a->status;
  seen->attempt[i] = a->attempt;
  seen->duration_us[i] = a->duration_us;
}

static twin_client *client_with_hook(seen_t *seen, const char *base_url, uint32_t retries) {
  twin_client *client = NULL;
  twin_client_options *options = twin_client_options_new();
  if (options == NULL || twin_client_options_set_max_retries(options, retries) != TWIN_OK ||
      (base_url != NULL && twin_client_options_set_base_url(options, base_url) != TWIN_OK) ||
      twin_client_options_set_on_attempt(options, on_attempt, seen) != TWIN_OK ||
      twin_client_new(options, &client) != TWIN_OK) {
    fprintf(stderr, "cannot make a client: %s\n", twin_last_error_message());
  }
  twin_client_options_free(options);
  return client;
}

static int test_answers_are_reported_with_their_route(void) {
  int rc = 1;
  seen_t seen = {0};
  twin_user *me = NULL;
  twin_agent *agent = NULL, *got = NULL;
  twin_client *client = client_with_hook(&seen, NULL, 0);
  CHECK(client != NULL);
  CHECK_OK(twin_me_get(client, &me));
  CHECK_OK(twin_agents_create(client, NULL, &agent));
  CHECK_OK(twin_agents_get(client, twin_agent_id(agent), &got));
  CHECK(seen.count == 3);
  CHECK_STR(seen.method[0], "GET");
  CHECK_STR(seen.route[0], "/v1/me");
  CHECK(seen.status[0] == 200 && seen.attempt[0] == 1);
  CHECK_STR(seen.error[0], "(null)");
  CHECK_STR(seen.method[1], "POST");
  CHECK_STR(seen.route[1], "/v1/agents");
  CHECK_STR(seen.route[2], "/v1/agents/{agent_id}"); /* the id never shows */
  CHECK(seen.duration_us[2] > 0);
  rc = 0;
cleanup:
  twin_agent_free(got);
  twin_agent_free(agent);
  twin_user_free(me);
  twin_client_free(client);
  return rc;
}

static int test_failed_attempts_name_their_error(void) {
  int rc = 1;
  seen_t seen = {0};
  twin_user *me = NULL;
  /* Nothing listens on the discard port: two attempts, both refused. */
  twin_client *client = client_with_hook(&seen, "http://127.0.0.1:9", 1);
  CHECK(client != NULL);
  CHECK(twin_me_get(client, &me) != TWIN_OK);
  CHECK(seen.count == 2);
  CHECK(seen.attempt[0] == 1 && seen.attempt[1] == 2);
  CHECK(seen.status[0] == 0 && seen.status[1] == 0);
  CHECK_STR(seen.error[0], "connection");
  CHECK_STR(seen.error[1], "connection");
  rc = 0;
cleanup:
  twin_user_free(me);
  twin_client_free(client);
  return rc;
}

static int test_a_null_callback_removes_the_hook(void) {
  int rc = 1;
  seen_t seen = {0};
  twin_user *me = NULL;
  twin_client *client = NULL;
  twin_client_options *options = twin_client_options_new();
  CHECK(options != NULL);
  CHECK_OK(twin_client_options_set_on_attempt(options, on_attempt, &seen));
  CHECK_OK(twin_client_options_set_on_attempt(options, NULL, &seen));
  CHECK_OK(twin_client_new(options, &client));
  CHECK_OK(twin_me_get(client, &me));
  CHECK(seen.count == 0);
  rc = 0;
cleanup:
  twin_user_free(me);
  twin_client_free(client);
  twin_client_options_free(options);
  return rc;
}

int main(void) {
  int failures = 0;
  RUN(failures, test_answers_are_reported_with_their_route());
  RUN(failures, test_failed_attempts_name_their_error());
  RUN(failures, test_a_null_callback_removes_the_hook());
  return failures == 0 ? 0 : 1;
}
