/*
 * quickstart.c: create an agent, give it instructions, run it, wait for the result, read its
 * events, and clean up. Configure with TWIN_API_KEY (and TWIN_BASE_URL for a local emulator).
 *
 *   cc quickstart.c -o quickstart $(pkg-config --cflags --libs twin) && ./quickstart
 */
#include <stdio.h>

#include <twin.h>

/* Prints why the last call failed. */
static void report(const char *what, twin_status status) {
  fprintf(stderr, "%s failed: %s: %s", what, twin_status_str(status), twin_last_error_message());
  if (twin_last_error_http_status() != 0) {
    fprintf(stderr, " (HTTP %u)", twin_last_error_http_status());
  }
  fprintf(stderr, "\n");
}

int main(void) {
  int rc = 1;
  twin_status status;
  twin_client *client = NULL;
  twin_user *me = NULL;
  twin_agent *agent = NULL;
  twin_run *run = NULL;
  twin_run *done = NULL;
  twin_run_start_params *start = twin_run_start_params_new();
  twin_event_iter *events = NULL;
  twin_event *event = NULL;

  if ((status = twin_client_new(NULL, &client)) != TWIN_OK) { /* key and URL from the environment */
    report("twin_client_new", status);
    goto cleanup;
  }
  if ((status = twin_me_get(client, &me)) != TWIN_OK) {
    report("twin_me_get", status);
    goto cleanup;
  }
  printf("libtwin %s, signed in as %s\n", twin_version(), twin_user_id(me));

  if ((status = twin_agents_create(client, NULL, &agent)) != TWIN_OK) {
    report("twin_agents_create", status);
    goto cleanup;
  }
  status = twin_instructions_update(client, twin_agent_id(agent),
                                    "# Inbox summariser\nSummarise my unread mail in three bullets.",
                                    NULL);
  if (status != TWIN_OK) {
    report("twin_instructions_update", status);
    goto cleanup;
  }
  /* a `run` (the default mode) with the user's message */
  if ((status = twin_run_start_params_set_message(start, "Summarise the inbox")) != TWIN_OK ||
      (status = twin_runs_start(client, twin_agent_id(agent), start, &run)) != TWIN_OK) {
    report("twin_runs_start", status);
    goto cleanup;
  }
  printf("started run %s\n", twin_run_id(run));

  /* poll until the run is done; NULL options: for at most ten minutes */
  if ((status = twin_runs_wait(client, twin_agent_id(agent), twin_run_id(run), NULL, &done)) != TWIN_OK) {
    report("twin_runs_wait", status);
    goto cleanup;
  }
  printf("run %s: %s", twin_run_status(done), twin_run_outcome(done) ? twin_run_outcome(done) : "-");
  printf(" (%s)\n", twin_run_summary(done) ? twin_run_summary(done) : "no summary");

  if ((status = twin_events_list(client, twin_agent_id(agent), twin_run_id(run), NULL, &events)) != TWIN_OK) {
    report("twin_events_list", status);
    goto cleanup;
  }
  for (;;) {
    if ((status = twin_event_iter_next(events, &event)) != TWIN_OK) {
      report("twin_event_iter_next", status);
      goto cleanup;
    }
    if (event == NULL) {
      break; /* the end */
    }
    printf("  #%llu %s\n", (unsigned long long)twin_event_index(event), twin_event_kind(event));
    twin_event_free(event);
    event = NULL;
  }
  rc = 0;
cleanup:
  if (agent != NULL && twin_agents_delete(client, twin_agent_id(agent)) != TWIN_OK) {
    rc = 1;
  }
  twin_event_free(event);
  twin_event_iter_free(events);
  twin_run_free(done);
  twin_run_free(run);
  twin_run_start_params_free(start);
  twin_agent_free(agent);
  twin_user_free(me);
  twin_client_free(client);
  return rc;
}
