/*
 * follow_run.c: start a run and print its events as they happen, stopping when the run ends.
 * A twin_cancel_token (twin_follow_options_set_cancel_token) lets another thread stop the follow.
 *
 *   cc follow_run.c -o follow_run $(pkg-config --cflags --libs twin) && ./follow_run
 */
#include <stdio.h>

#include <twin.h>

int main(void) {
  int rc = 1;
  twin_status status = TWIN_OK;
  twin_client *client = NULL;
  twin_agent *agent = NULL;
  twin_run *run = NULL;
  twin_event_iter *events = NULL;
  twin_event *event = NULL;
  twin_run_start_params *start = twin_run_start_params_new();
  twin_follow_options *options = twin_follow_options_new();
  int count = 0;

  if (twin_client_new(NULL, &client) != TWIN_OK || twin_agents_create(client, NULL, &agent) != TWIN_OK ||
      twin_run_start_params_set_message(start, "Tidy up my calendar") != TWIN_OK ||
      twin_runs_start(client, twin_agent_id(agent), start, &run) != TWIN_OK) {
    fprintf(stderr, "%s\n", twin_last_error_message());
    goto cleanup;
  }
  if (twin_follow_options_set_timeout_ms(options, 120000) != TWIN_OK || /* give up after two minutes */
      twin_events_follow(client, twin_agent_id(agent), twin_run_id(run), options, &events) != TWIN_OK) {
    fprintf(stderr, "%s\n", twin_last_error_message());
    goto cleanup;
  }
  while ((status = twin_event_iter_next(events, &event)) == TWIN_OK && event != NULL) {
    printf("%s %s\n", twin_event_kind(event), twin_event_payload_json(event));
    count++;
    twin_event_free(event);
  }
  event = NULL;
  if (status != TWIN_OK) {
    fprintf(stderr, "follow stopped: %s\n", twin_last_error_message());
    goto cleanup;
  }
  printf("%d events; the run is over\n", count);
  rc = 0;
cleanup:
  if (agent != NULL && twin_agents_delete(client, twin_agent_id(agent)) != TWIN_OK) {
    rc = 1;
  }
  twin_run_start_params_free(start);
  twin_follow_options_free(options);
  twin_event_iter_free(events);
  twin_run_free(run);
  twin_agent_free(agent);
  twin_client_free(client);
  return rc;
}
