/* /v1/agents/{id}/runs: start, get, list (page paging and filters), wait, cancel, delete, and the
 * twin_run and twin_cancel_result getters. */
#include <time.h>

#include "check.h"

#define FAST "[emulator: events=8 step_ms=5]"

static int test_start_wait_get(const twin_client *client, const char *agent_id) {
  int rc = 1;
  twin_run *started = NULL;
  twin_run *done = NULL;
  twin_run *fetched = NULL;
  twin_run_start_params *start = twin_run_start_params_new();
  twin_wait_options *wait = twin_wait_options_new();
  bool has_value = false;

  CHECK(start != NULL && wait != NULL);
  /* the mode left unset: a `run` */
  CHECK_OK(twin_run_start_params_set_message(start, "Summarise the inbox " FAST));
  CHECK_OK(twin_runs_start(client, agent_id, start, &started));
  CHECK(strlen(twin_run_id(started)) == 36);
  CHECK_STR(twin_run_agent_id(started), agent_id);
  CHECK_STR(twin_run_status(started), "in_progress");
  CHECK(!twin_run_is_terminal(started));
  CHECK(twin_run_number(started, &has_value) == 0); /* the start response says 0 */
  CHECK(twin_run_started_at(started, NULL) > 1700000000);
  CHECK_CONTAINS(twin_run_json(started), twin_run_id(started));

  CHECK_OK(twin_wait_options_set_timeout_ms(wait, 30000));
  CHECK_OK(twin_runs_wait(client, agent_id, twin_run_id(started), wait, &done));
  CHECK_STR(twin_run_status(done), "completed");
  CHECK(twin_run_is_terminal(done));
  CHECK(twin_run_is_finished(done));
  CHECK_STR(twin_run_outcome(done), "success");
  CHECK(twin_run_summary(done) != NULL);
  twin_run_credits_consumed(done, &has_value);
  CHECK(has_value);
  CHECK(twin_run_number(done, &has_value) == 1);
  CHECK(has_value);
  CHECK_STR(twin_run_kind(done), "run");
  CHECK_STR(twin_run_policy_type(done), "runner_v2");
  CHECK(twin_run_policy_model(done) != NULL);
  CHECK_STR(twin_run_user_email(done), "user@example.com"); /* the emulator's one user */
  CHECK_STR(twin_run_goal(done), "");                       /* empty, as live-calls 25 shows */
  twin_run_last_event_at(done, &has_value);
  CHECK(has_value);

  CHECK_OK(twin_runs_get(client, agent_id, twin_run_id(started), &fetched));
  CHECK_STR(twin_run_id(fetched), twin_run_id(started));
  CHECK_STR(twin_run_status(fetched), "completed");
  rc = 0;
cleanup:
  twin_run_free(started);
  twin_run_free(done);
  twin_run_free(fetched);
  twin_run_start_params_free(start);
  twin_wait_options_free(wait);
  return rc;
}

static int test_outcomes_and_modes(const twin_client *client, const char *agent_id) {
  int rc = 1;
  twin_run *run = NULL;
  twin_run *done = NULL;
  twin_run_start_params *start = twin_run_start_params_new();
  twin_wait_options *wait = twin_wait_options_new();
  twin_wait_options *no_limit = twin_wait_options_new();

  CHECK(start != NULL && wait != NULL && no_limit != NULL);
  CHECK_OK(twin_wait_options_set_timeout_ms(wait, 30000));
  CHECK_OK(twin_wait_options_set_timeout_ms(no_limit, UINT64_MAX));
  CHECK_OK(twin_run_start_params_set_mode(start, "BUILD"));
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: outcome=partial events=8 step_ms=5]"));
  CHECK_OK(twin_runs_start(client, agent_id, start, &run));
  CHECK_OK(twin_runs_wait(client, agent_id, twin_run_id(run), wait, &done));
  CHECK_STR(twin_run_outcome(done), "partial");
  CHECK_STR(twin_run_policy_type(done), "builder_v3");
  twin_run_free(run);
  twin_run_free(done);
  run = done = NULL;

  /* setters replace what was set */
  CHECK_OK(twin_run_start_params_set_mode(start, "run"));
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: error step_ms=5]"));
  CHECK_OK(twin_runs_start(client, agent_id, start, &run));
  /* UINT64_MAX: no time limit */
  CHECK_OK(twin_runs_wait(client, agent_id, twin_run_id(run), no_limit, &done));
  CHECK_STR(twin_run_status(done), "error");
  CHECK(twin_run_is_terminal(done));
  twin_run_free(run);
  twin_run_free(done);
  run = done = NULL;

  /* paused: waiting ends, though the run is not terminal */
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: pause step_ms=5]"));
  CHECK_OK(twin_runs_start(client, agent_id, start, &run));
  CHECK_OK(twin_runs_wait(client, agent_id, twin_run_id(run), wait, &done));
  CHECK_STR(twin_run_status(done), "paused");
  CHECK(!twin_run_is_terminal(done));
  twin_run_free(run);
  twin_run_free(done);
  run = done = NULL;

  /* NULL params: a `run` with no message at all */
  CHECK_OK(twin_runs_start(client, agent_id, NULL, &run));
  CHECK_STATUS(twin_run_start_params_set_mode(start, "walk"), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(twin_last_error_message(), "run mode");
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: nonsense=1]"));
  CHECK_STATUS(twin_runs_start(client, agent_id, start, &done), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 400);
  CHECK_STATUS(twin_runs_start(client, "no-such-agent", NULL, &done), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 403);
  CHECK(done == NULL);
  rc = 0;
cleanup:
  twin_run_free(run);
  twin_run_free(done);
  twin_run_start_params_free(start);
  twin_wait_options_free(wait);
  twin_wait_options_free(no_limit);
  return rc;
}

static int test_cancel_timeout_delete(const twin_client *client, const char *agent_id) {
  int rc = 1;
  twin_run *run = NULL;
  twin_run *after = NULL;
  twin_cancel_result *result = NULL;
  twin_cancel_token *token = twin_cancel_token_new();
  twin_run_start_params *start = twin_run_start_params_new();
  twin_wait_options *short_wait = twin_wait_options_new();
  twin_wait_options *cancellable = twin_wait_options_new();
  twin_run_cancel_params *reason = twin_run_cancel_params_new();

  CHECK(token != NULL && start != NULL && short_wait != NULL && cancellable != NULL && reason != NULL);
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: slow events=50]"));
  CHECK_OK(twin_runs_start(client, agent_id, start, &run));
  /* a wait shorter than the run times out */
  CHECK_OK(twin_wait_options_set_timeout_ms(short_wait, 200));
  CHECK_STATUS(twin_runs_wait(client, agent_id, twin_run_id(run), short_wait, &after), TWIN_ERR_TIMEOUT);
  CHECK(after == NULL);
  CHECK_CONTAINS(twin_last_error_message(), "timed out");
  /* a cancelled token stops a wait at once */
  CHECK_OK(twin_cancel_token_cancel(token));
  CHECK_OK(twin_wait_options_set_timeout_ms(cancellable, 30000));
  CHECK_OK(twin_wait_options_set_cancel_token(cancellable, token));
  CHECK_STATUS(twin_runs_wait(client, agent_id, twin_run_id(run), cancellable, &after), TWIN_ERR_CANCELLED);
  CHECK_STR(twin_last_error_message(), "cancelled");

  CHECK_OK(twin_run_cancel_params_set_reason(reason, "changed my mind"));
  CHECK_OK(twin_runs_cancel(client, agent_id, twin_run_id(run), reason, &result));
  CHECK(twin_cancel_result_success(result));
  CHECK(twin_cancel_result_error(result) == NULL);
  CHECK_STR(twin_cancel_result_json(result), "{\"success\":true}");
  twin_cancel_result_free(result);
  result = NULL;
  CHECK_OK(twin_runs_get(client, agent_id, twin_run_id(run), &after));
  CHECK_STR(twin_run_status(after), "stopped");
  /* cancelling again (NULL params: no reason) still succeeds, with a note */
  CHECK_OK(twin_runs_cancel(client, agent_id, twin_run_id(run), NULL, &result));
  CHECK(twin_cancel_result_success(result));
  CHECK_STR(twin_cancel_result_error(result), "run already stopped");
  CHECK_CONTAINS(twin_cancel_result_json(result), "run already stopped");

  CHECK_OK(twin_runs_delete(client, agent_id, twin_run_id(run)));
  twin_run_free(after);
  after = NULL;
  CHECK_STATUS(twin_runs_get(client, agent_id, twin_run_id(run), &after), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 404);
  CHECK_CONTAINS(twin_last_error_detail(), "not found");
  CHECK_STATUS(twin_runs_delete(client, agent_id, twin_run_id(run)), TWIN_ERR_API);
  CHECK_STATUS(twin_runs_get(client, agent_id, "", &after), TWIN_ERR_INVALID_ARGUMENT);
  rc = 0;
cleanup:
  twin_run_free(run);
  twin_run_free(after);
  twin_cancel_result_free(result);
  twin_cancel_token_free(token);
  twin_run_start_params_free(start);
  twin_wait_options_free(short_wait);
  twin_wait_options_free(cancellable);
  twin_run_cancel_params_free(reason);
  return rc;
}

/* Counts the runs an iterator yields, checking they are newest first. */
static int count_runs(twin_run_iter *iter, int *count) {
  int rc = 1;
  twin_run *item = NULL;
  int64_t previous = INT64_MAX;
  *count = 0;
  for (;;) {
    CHECK_OK(twin_run_iter_next(iter, &item));
    if (item == NULL) {
      break;
    }
    CHECK(twin_run_started_at(item, NULL) <= previous);
    previous = twin_run_started_at(item, NULL);
    (*count)++;
    twin_run_free(item);
    item = NULL;
  }
  rc = 0;
cleanup:
  twin_run_free(item);
  return rc;
}

static int test_list_and_filters(const twin_client *client) {
  int rc = 1;
  twin_agent *agent = new_agent(client);
  twin_run *runs[3] = {NULL, NULL, NULL};
  twin_run *done = NULL;
  twin_run_list_params *params = twin_run_list_params_new();
  twin_run_start_params *start = twin_run_start_params_new();
  twin_run_iter *iter = NULL;
  twin_run *item = NULL;
  int count = 0;
  int i;
  int64_t now = (int64_t)time(NULL);

  CHECK(agent != NULL && params != NULL && start != NULL);
  CHECK_OK(twin_run_start_params_set_message(start, FAST));
  for (i = 0; i < 3; i++) {
    CHECK_OK(twin_run_start_params_set_mode(start, i == 2 ? "build" : "run"));
    CHECK_OK(twin_runs_start(client, twin_agent_id(agent), start, &runs[i]));
    /* NULL options: the default limit (10 minutes) */
    CHECK_OK(twin_runs_wait(client, twin_agent_id(agent), twin_run_id(runs[i]), NULL, &done));
    twin_run_free(done);
    done = NULL;
  }
  /* one run a page: three pages */
  CHECK_OK(twin_run_list_params_set_page_size(params, 1));
  CHECK_OK(twin_runs_list(client, twin_agent_id(agent), params, &iter));
  CHECK_OK(twin_run_iter_next(iter, &item));
  CHECK_STR(twin_run_id(item), twin_run_id(runs[2])); /* newest first */
  CHECK_STR(twin_run_outcome(item), "success"); /* joined with its summary */
  twin_run_free(item);
  item = NULL;
  CHECK(count_runs(iter, &count) == 0);
  CHECK(count == 2);
  twin_run_iter_free(iter);
  iter = NULL;

  CHECK_OK(twin_runs_list(client, twin_agent_id(agent), NULL, &iter));
  CHECK(count_runs(iter, &count) == 0);
  CHECK(count == 3);
  twin_run_iter_free(iter);
  iter = NULL;

  /* every filter, kept on every page */
  CHECK_OK(twin_run_list_params_set_status(params, "completed"));
  CHECK_OK(twin_run_list_params_set_started_after(params, now - 3600));
  CHECK_OK(twin_run_list_params_set_started_before(params, now + 3600));
  CHECK_OK(twin_run_list_params_set_policy_group(params, "runner"));
  CHECK_OK(twin_run_list_params_set_policy_type(params, "runner_v2"));
  CHECK_OK(twin_runs_list(client, twin_agent_id(agent), params, &iter));
  CHECK(count_runs(iter, &count) == 0);
  CHECK(count == 2);
  twin_run_iter_free(iter);
  iter = NULL;
  CHECK_OK(twin_run_list_params_set_run_id(params, twin_run_id(runs[0])));
  CHECK_OK(twin_runs_list(client, twin_agent_id(agent), params, &iter));
  CHECK(count_runs(iter, &count) == 0);
  CHECK(count == 1);
  twin_run_iter_free(iter);
  iter = NULL;
  CHECK_OK(twin_run_list_params_set_started_after(params, now + 3600));
  CHECK_OK(twin_runs_list(client, twin_agent_id(agent), params, &iter));
  CHECK(count_runs(iter, &count) == 0);
  CHECK(count == 0);
  twin_run_iter_free(iter);
  iter = NULL;
  CHECK_STATUS(twin_run_list_params_set_started_after(params, INT64_MAX), TWIN_ERR_INVALID_ARGUMENT);

  /* an unknown agent fails on the first fetch */
  CHECK_OK(twin_runs_list(client, "no-such-agent", NULL, &iter));
  CHECK_STATUS(twin_run_iter_next(iter, &item), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 403);
  CHECK(item == NULL);
  CHECK_OK(twin_agents_delete(client, twin_agent_id(agent)));
  rc = 0;
cleanup:
  for (i = 0; i < 3; i++) {
    twin_run_free(runs[i]);
  }
  twin_run_free(done);
  twin_run_free(item);
  twin_run_iter_free(iter);
  twin_run_list_params_free(params);
  twin_run_start_params_free(start);
  twin_agent_free(agent);
  return rc;
}

int main(void) {
  int failures = 0;
  twin_client *client = test_client();
  twin_agent *agent = NULL;
  if (client == NULL || (agent = new_agent(client)) == NULL) {
    twin_client_free(client);
    return 1;
  }
  RUN(failures, test_start_wait_get(client, twin_agent_id(agent)));
  RUN(failures, test_outcomes_and_modes(client, twin_agent_id(agent)));
  RUN(failures, test_cancel_timeout_delete(client, twin_agent_id(agent)));
  RUN(failures, test_list_and_filters(client));
  if (twin_agents_delete(client, twin_agent_id(agent)) != TWIN_OK) {
    failures++;
  }
  twin_agent_free(agent);
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
