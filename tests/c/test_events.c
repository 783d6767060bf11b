/* /v1/agents/{id}/runs/{id}/events: list (after_index paging), follow (plain, with options,
 * cancelled through its options' token), and the twin_event getters. */
#include "check.h"

#define EVENTS 12

/* Reads an iterator to its end, checking order and ids; stores the kinds' count and the last
 * index. */
static int drain(twin_event_iter *iter, const char *agent_id, const char *run_id, int *count,
                 uint64_t *last_index) {
  int rc = 1;
  twin_event *event = NULL;
  uint64_t previous = 0;
  *count = 0;
  for (;;) {
    CHECK_OK(twin_event_iter_next(iter, &event));
    if (event == NULL) {
      break;
    }
    CHECK(twin_event_index(event) > previous);
    previous = twin_event_index(event);
    CHECK_STR(twin_event_agent_id(event), agent_id);
    CHECK_STR(twin_event_run_id(event), run_id);
    CHECK(twin_event_recorded_at(event, NULL) > 1700000000);
    CHECK(twin_event_kind(event)[0] != '\0');
    CHECK(twin_event_payload_json(event)[0] == '{');
    CHECK_CONTAINS(twin_event_json(event), "event_index");
    (*count)++;
    twin_event_free(event);
    event = NULL;
  }
  *last_index = previous;
  rc = 0;
cleanup:
  twin_event_free(event);
  return rc;
}

static int test_list(const twin_client *client, const char *agent_id, const char *run_id) {
  int rc = 1;
  twin_event_iter *iter = NULL;
  twin_event *event = NULL;
  twin_event_list_params *params = twin_event_list_params_new();
  uint64_t last = 0;
  uint64_t first_index = 0;
  bool has_value = false;
  int count = 0;

  CHECK(params != NULL);
  /* NULL params: every event, from the first. The first event is Started; the answer of the
   * final llm call is decoded to plain JSON */
  CHECK_OK(twin_events_list(client, agent_id, run_id, NULL, &iter));
  CHECK_OK(twin_event_iter_next(iter, &event));
  CHECK_STR(twin_event_kind(event), "Started");
  first_index = twin_event_index(event);
  twin_event_recorded_at(event, &has_value);
  CHECK(has_value);
  twin_event_free(event);
  event = NULL;
  CHECK(drain(iter, agent_id, run_id, &count, &last) == 0);
  CHECK(count == EVENTS - 1);
  twin_event_iter_free(iter);
  iter = NULL;

  /* five a page: three pages, every event once */
  CHECK_OK(twin_event_list_params_set_page_size(params, 5));
  CHECK_OK(twin_events_list(client, agent_id, run_id, params, &iter));
  CHECK(drain(iter, agent_id, run_id, &count, &last) == 0);
  CHECK(count == EVENTS);
  twin_event_iter_free(iter);
  iter = NULL;

  /* after the first event (still five a page) */
  CHECK_OK(twin_event_list_params_set_after_index(params, first_index));
  CHECK_OK(twin_events_list(client, agent_id, run_id, params, &iter));
  CHECK(drain(iter, agent_id, run_id, &count, &last) == 0);
  CHECK(count == EVENTS - 1);
  twin_event_iter_free(iter);
  iter = NULL;

  /* an unknown run has no events */
  CHECK_OK(twin_events_list(client, agent_id, "00000000-0000-7000-8000-000000000000", NULL, &iter));
  CHECK(drain(iter, agent_id, run_id, &count, &last) == 0);
  CHECK(count == 0);
  twin_event_iter_free(iter);
  iter = NULL;

  /* an unknown agent is refused on the first fetch */
  CHECK_OK(twin_events_list(client, "no-such-agent", run_id, NULL, &iter));
  CHECK_STATUS(twin_event_iter_next(iter, &event), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 403);
  rc = 0;
cleanup:
  twin_event_free(event);
  twin_event_iter_free(iter);
  twin_event_list_params_free(params);
  return rc;
}

static int test_payloads(const twin_client *client, const char *agent_id, const char *run_id) {
  int rc = 1;
  twin_event_iter *iter = NULL;
  twin_event *event = NULL;
  bool saw_finished = false;
  bool saw_tool_output = false;
  CHECK_OK(twin_events_list(client, agent_id, run_id, NULL, &iter));
  for (;;) {
    CHECK_OK(twin_event_iter_next(iter, &event));
    if (event == NULL) {
      break;
    }
    if (strcmp(twin_event_kind(event), "Finished") == 0) {
      saw_finished = true;
    }
    if (strcmp(twin_event_kind(event), "ToolCallResolved") == 0) {
      /* Value trees are decoded: no protobuf "kind" wrappers left in the payload */
      CHECK(strstr(twin_event_payload_json(event), "StructValue") == NULL);
      CHECK(strstr(twin_event_payload_json(event), "StringValue") == NULL);
      CHECK(strstr(twin_event_json(event), "ToolCallResolved") != NULL);
      saw_tool_output = true;
    }
    twin_event_free(event);
    event = NULL;
  }
  CHECK(saw_finished);
  CHECK(saw_tool_output);
  rc = 0;
cleanup:
  twin_event_free(event);
  twin_event_iter_free(iter);
  return rc;
}

static int test_follow(const twin_client *client, const char *agent_id) {
  int rc = 1;
  twin_run *run = NULL;
  twin_event_iter *iter = NULL;
  twin_event *event = NULL;
  twin_follow_options *options = twin_follow_options_new();
  twin_follow_options *cancelling = twin_follow_options_new();
  twin_cancel_token *token = twin_cancel_token_new();
  twin_run_start_params *start = twin_run_start_params_new();
  twin_cancel_result *result = NULL;
  uint64_t last = 0;
  int count = 0;

  CHECK(options != NULL && cancelling != NULL && token != NULL && start != NULL);
  /* follow a live run from its start to its end */
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: events=10 step_ms=20]"));
  CHECK_OK(twin_runs_start(client, agent_id, start, &run));
  CHECK_OK(twin_events_follow(client, agent_id, twin_run_id(run), NULL, &iter));
  CHECK(drain(iter, agent_id, twin_run_id(run), &count, &last) == 0);
  CHECK(count == 10);
  twin_event_iter_free(iter);
  iter = NULL;

  /* with options: after the last event there is nothing more */
  CHECK_OK(twin_follow_options_set_after_index(options, last));
  CHECK_OK(twin_follow_options_set_timeout_ms(options, 10000));
  CHECK_OK(twin_follow_options_set_poll_interval_ms(options, 10));
  CHECK_OK(twin_follow_options_set_max_poll_interval_ms(options, 50));
  CHECK_OK(twin_events_follow(client, agent_id, twin_run_id(run), options, &iter));
  CHECK(drain(iter, agent_id, twin_run_id(run), &count, &last) == 0);
  CHECK(count == 0);
  twin_event_iter_free(iter);
  iter = NULL;
  twin_run_free(run);
  run = NULL;

  /* a follow that outlasts its time limit */
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: slow events=50]"));
  CHECK_OK(twin_runs_start(client, agent_id, start, &run));
  CHECK_OK(twin_follow_options_set_after_index(options, 0));
  CHECK_OK(twin_follow_options_set_timeout_ms(options, 300));
  CHECK_OK(twin_events_follow(client, agent_id, twin_run_id(run), options, &iter));
  for (;;) {
    twin_status status = twin_event_iter_next(iter, &event);
    if (status == TWIN_ERR_TIMEOUT) {
      break;
    }
    CHECK_OK(status);
    CHECK(event != NULL);
    twin_event_free(event);
    event = NULL;
  }
  twin_event_iter_free(iter);
  iter = NULL;

  /* a cancelled follow stops with TWIN_ERR_CANCELLED (options holding only the token) */
  CHECK_OK(twin_cancel_token_cancel(token));
  CHECK_OK(twin_follow_options_set_cancel_token(cancelling, token));
  CHECK_OK(twin_events_follow(client, agent_id, twin_run_id(run), cancelling, &iter));
  CHECK_STATUS(twin_event_iter_next(iter, &event), TWIN_ERR_CANCELLED);
  CHECK(event == NULL);
  CHECK_OK(twin_event_iter_next(iter, &event)); /* and then it is over */
  CHECK(event == NULL);
  CHECK_OK(twin_runs_cancel(client, agent_id, twin_run_id(run), NULL, &result));
  rc = 0;
cleanup:
  twin_event_free(event);
  twin_event_iter_free(iter);
  twin_run_free(run);
  twin_follow_options_free(options);
  twin_follow_options_free(cancelling);
  twin_cancel_token_free(token);
  twin_run_start_params_free(start);
  twin_cancel_result_free(result);
  return rc;
}

int main(void) {
  int failures = 0;
  twin_client *client = test_client();
  twin_agent *agent = NULL;
  twin_run *run = NULL;
  twin_run *done = NULL;
  twin_run_start_params *start = NULL;
  twin_wait_options *wait = NULL;
  if (client == NULL || (agent = new_agent(client)) == NULL) {
    twin_client_free(client);
    return 1;
  }
  start = twin_run_start_params_new();
  wait = twin_wait_options_new();
  if (start == NULL || wait == NULL ||
      twin_run_start_params_set_message(start, "[emulator: events=12 step_ms=5]") != TWIN_OK ||
      twin_wait_options_set_timeout_ms(wait, 30000) != TWIN_OK ||
      twin_runs_start(client, twin_agent_id(agent), start, &run) != TWIN_OK ||
      twin_runs_wait(client, twin_agent_id(agent), twin_run_id(run), wait, &done) != TWIN_OK) {
    fprintf(stderr, "cannot make a run: %s\n", twin_last_error_message());
    failures++;
  } else {
    RUN(failures, test_list(client, twin_agent_id(agent), twin_run_id(run)));
    RUN(failures, test_payloads(client, twin_agent_id(agent), twin_run_id(run)));
    RUN(failures, test_follow(client, twin_agent_id(agent)));
  }
  if (twin_agents_delete(client, twin_agent_id(agent)) != TWIN_OK) {
    failures++;
  }
  twin_run_free(run);
  twin_run_free(done);
  twin_run_start_params_free(start);
  twin_wait_options_free(wait);
  twin_agent_free(agent);
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
