/*
 * list_with_paging.c: lists page lazily. twin_runs_list() returns an iterator; each
 * twin_run_iter_next() call hands out one run and fetches the next page only when the current
 * one is used up, keeping every filter. Stop early and no further page is requested.
 *
 *   cc list_with_paging.c -o list_with_paging $(pkg-config --cflags --libs twin) && ./list_with_paging
 */
#include <stdio.h>

#include <twin.h>

int main(void) {
  int rc = 1;
  twin_client *client = NULL;
  twin_agent *agent = NULL;
  twin_run_list_params *params = twin_run_list_params_new();
  twin_run_start_params *start = twin_run_start_params_new();
  twin_agent_list_params *agent_params = twin_agent_list_params_new();
  twin_run_iter *runs = NULL;
  twin_run *run = NULL;
  twin_agent_iter *agents = NULL;
  twin_agent *item = NULL;
  twin_status status;
  int count = 0;

  if (twin_client_new(NULL, &client) != TWIN_OK || twin_agents_create(client, NULL, &agent) != TWIN_OK ||
      twin_run_start_params_set_message(start, "Tidy up") != TWIN_OK) {
    fprintf(stderr, "%s\n", twin_last_error_message());
    goto cleanup;
  }
  for (int i = 0; i < 5; i++) {
    twin_run *started = NULL;
    twin_run *done = NULL;
    status = twin_runs_start(client, twin_agent_id(agent), start, &started);
    if (status == TWIN_OK) { /* NULL options: wait up to ten minutes */
      status = twin_runs_wait(client, twin_agent_id(agent), twin_run_id(started), NULL, &done);
    }
    twin_run_free(started);
    twin_run_free(done);
    if (status != TWIN_OK) {
      fprintf(stderr, "%s\n", twin_last_error_message());
      goto cleanup;
    }
  }

  /* completed runs, two a page: three requests for five runs */
  if (twin_run_list_params_set_status(params, "completed") != TWIN_OK ||
      twin_run_list_params_set_page_size(params, 2) != TWIN_OK ||
      twin_runs_list(client, twin_agent_id(agent), params, &runs) != TWIN_OK) {
    fprintf(stderr, "%s\n", twin_last_error_message());
    goto cleanup;
  }
  while ((status = twin_run_iter_next(runs, &run)) == TWIN_OK && run != NULL) {
    printf("%s  %s  %s\n", twin_run_id(run), twin_run_status(run), twin_run_outcome(run) ? twin_run_outcome(run) : "-");
    count++;
    twin_run_free(run);
  }
  run = NULL;
  if (status != TWIN_OK) {
    fprintf(stderr, "listing stopped: %s\n", twin_last_error_message());
    goto cleanup;
  }
  printf("%d completed runs, paged two at a time\n", count);

  /* stop early: only the first page of agents is requested */
  if (twin_agent_list_params_set_page_size(agent_params, 1) != TWIN_OK ||
      twin_agents_list(client, agent_params, &agents) != TWIN_OK || twin_agent_iter_next(agents, &item) != TWIN_OK) {
    fprintf(stderr, "%s\n", twin_last_error_message());
    goto cleanup;
  }
  printf("first agent: %s\n", item != NULL ? twin_agent_id(item) : "(none)");
  rc = count == 5 ? 0 : 1;
cleanup:
  if (agent != NULL && twin_agents_delete(client, twin_agent_id(agent)) != TWIN_OK) {
    rc = 1;
  }
  twin_agent_free(item);
  twin_agent_iter_free(agents);
  twin_run_free(run);
  twin_run_iter_free(runs);
  twin_run_list_params_free(params);
  twin_run_start_params_free(start);
  twin_agent_list_params_free(agent_params);
  twin_agent_free(agent);
  twin_client_free(client);
  return rc;
}
