/*
 * load: THREADS pthreads each make CALLS calls through one shared twin_client against the
 * emulator (no faults, no retries), cycling through reads and writes of every endpoint family.
 * Every call must succeed with the right result. Prints one line for the driver:
 *   load: threads=16 calls=8000 errors=0 p50_ms=... p99_ms=... max_ms=... seconds=... calls_per_s=...
 * Latency is each call's duration on CLOCK_MONOTONIC.
 *
 *   load THREADS CALLS
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <time.h>

#include "check.h"

#define OPS 11

struct loader {
  int id;
  int calls;
  const twin_client *client;
  double *latencies; /* ms, one per call */
  int done;
  int errors;
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void fail(struct loader *l, int op, const char *what) {
  l->errors++;
  if (l->errors <= 5) {
    fprintf(stderr, "thread %d, op %d: %s (last error: %s)\n", l->id, op, what,
            twin_last_error_message());
  }
}

/* One call of the mix; returns whether it succeeded with the right result. */
static bool one_call(struct loader *l, int op, const char *agent_id, const char *run_id, int n) {
  const twin_client *c = l->client;
  bool ok = false;
  switch (op) {
  case 0: {
    twin_user *me = NULL;
    ok = twin_me_get(c, &me) == TWIN_OK && strncmp(twin_user_id(me), "user_", 5) == 0;
    twin_user_free(me);
    break;
  }
  case 1: {
    twin_agent *agent = NULL;
    ok = twin_agents_get(c, agent_id, &agent) == TWIN_OK && strcmp(twin_agent_id(agent), agent_id) == 0;
    twin_agent_free(agent);
    break;
  }
  case 2: {
    twin_run *run = NULL;
    ok = twin_runs_get(c, agent_id, run_id, &run) == TWIN_OK &&
         strcmp(twin_run_status(run), "completed") == 0;
    twin_run_free(run);
    break;
  }
  case 3: {
    char content[64];
    snprintf(content, sizeof content, "load %d call %d", l->id, n);
    ok = twin_instructions_update(c, agent_id, content, NULL) == TWIN_OK;
    break;
  }
  case 4: {
    twin_workspace_list *list = NULL;
    ok = twin_workspaces_list(c, &list) == TWIN_OK && twin_workspace_list_len(list) >= 1;
    twin_workspace_list_free(list);
    break;
  }
  case 5: {
    twin_schedule *schedule = NULL;
    ok = twin_schedules_get(c, agent_id, &schedule) == TWIN_OK && schedule == NULL;
    twin_schedule_free(schedule);
    break;
  }
  case 6: {
    twin_run_iter *iter = NULL;
    twin_run *run = NULL;
    ok = twin_runs_list(c, agent_id, NULL, &iter) == TWIN_OK && twin_run_iter_next(iter, &run) == TWIN_OK &&
         run != NULL && strcmp(twin_run_id(run), run_id) == 0;
    twin_run_free(run);
    twin_run_iter_free(iter);
    break;
  }
  case 7: {
    twin_event_iter *iter = NULL;
    twin_event *event = NULL;
    twin_event_list_params *params = twin_event_list_params_new();
    ok = twin_event_list_params_set_page_size(params, 3) == TWIN_OK &&
         twin_events_list(c, agent_id, run_id, params, &iter) == TWIN_OK &&
         twin_event_iter_next(iter, &event) == TWIN_OK && event != NULL &&
         strcmp(twin_event_kind(event), "Started") == 0;
    twin_event_free(event);
    twin_event_iter_free(iter);
    twin_event_list_params_free(params);
    break;
  }
  case 8: {
    twin_webhook_list *list = NULL;
    ok = twin_webhooks_list(c, agent_id, &list) == TWIN_OK && twin_webhook_list_len(list) == 0;
    twin_webhook_list_free(list);
    break;
  }
  case 9: {
    char prefix[32];
    twin_instruction *got = NULL;
    snprintf(prefix, sizeof prefix, "load %d call ", l->id);
    ok = twin_instructions_get(c, agent_id, &got) == TWIN_OK && got != NULL &&
         strncmp(twin_instruction_content(got), prefix, strlen(prefix)) == 0;
    twin_instruction_free(got);
    break;
  }
  default: {
    twin_cancel_result *result = NULL;
    ok = twin_runs_cancel(c, agent_id, run_id, NULL, &result) == TWIN_OK &&
         twin_cancel_result_success(result);
    twin_cancel_result_free(result);
    break;
  }
  }
  return ok;
}

static void *loader_main(void *arg) {
  struct loader *l = arg;
  twin_agent *agent = NULL;
  twin_run *run = NULL;
  twin_run *done = NULL;
  twin_run_start_params *start = twin_run_start_params_new();
  twin_wait_options *wait = twin_wait_options_new();
  char first[32];
  int n;

  if (twin_run_start_params_set_message(start, "load [emulator: events=7 step_ms=1]") != TWIN_OK ||
      twin_wait_options_set_timeout_ms(wait, 30000) != TWIN_OK ||
      twin_agents_create(l->client, NULL, &agent) != TWIN_OK ||
      twin_runs_start(l->client, twin_agent_id(agent), start, &run) != TWIN_OK ||
      twin_runs_wait(l->client, twin_agent_id(agent), twin_run_id(run), wait, &done) != TWIN_OK) {
    fail(l, -1, "setup failed");
    goto cleanup;
  }
  /* instructions first, so that every read of them finds this thread's */
  snprintf(first, sizeof first, "load %d call -1", l->id);
  if (twin_instructions_update(l->client, twin_agent_id(agent), first, NULL) != TWIN_OK) {
    fail(l, -1, "setup failed");
    goto cleanup;
  }
  for (n = 0; n < l->calls; n++) {
    int op = (n + l->id) % OPS;
    double start = now_ms();
    bool ok = one_call(l, op, twin_agent_id(agent), twin_run_id(run), n);
    l->latencies[l->done++] = now_ms() - start;
    if (!ok) {
      fail(l, op, "failed or wrong result");
    }
  }
  if (twin_agents_delete(l->client, twin_agent_id(agent)) != TWIN_OK) {
    fail(l, -1, "cleanup failed");
  }
cleanup:
  twin_agent_free(agent);
  twin_run_free(run);
  twin_run_free(done);
  twin_run_start_params_free(start);
  twin_wait_options_free(wait);
  return NULL;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a;
  double y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int threads_n, calls, i, started = 0, errors = 0;
  size_t total = 0, k;
  struct loader *loaders = NULL;
  pthread_t *threads = NULL;
  double *all = NULL;
  twin_client *client = NULL;
  double begin, seconds;
  int rc = 1;

  if (argc != 3 || (threads_n = atoi(argv[1])) < 1 || (calls = atoi(argv[2])) < 1) {
    fprintf(stderr, "usage: %s THREADS CALLS\n", argv[0]);
    return 2;
  }
  client = test_client(); /* no retries: a single failed attempt is an error */
  loaders = calloc((size_t)threads_n, sizeof *loaders);
  threads = calloc((size_t)threads_n, sizeof *threads);
  all = calloc((size_t)threads_n * (size_t)calls, sizeof *all);
  if (client == NULL || loaders == NULL || threads == NULL || all == NULL) {
    goto cleanup;
  }
  begin = now_ms();
  for (i = 0; i < threads_n; i++) {
    loaders[i].id = i;
    loaders[i].calls = calls;
    loaders[i].client = client;
    loaders[i].latencies = all + (size_t)i * (size_t)calls;
    if (pthread_create(&threads[i], NULL, loader_main, &loaders[i]) != 0) {
      break;
    }
    started++;
  }
  for (i = 0; i < started; i++) {
    pthread_join(threads[i], NULL);
  }
  seconds = (now_ms() - begin) / 1e3;
  /* each thread's latencies are a prefix of its slice: pack them before sorting */
  for (i = 0; i < started; i++) {
    errors += loaders[i].errors;
    for (k = 0; k < (size_t)loaders[i].done; k++) {
      all[total++] = loaders[i].latencies[k];
    }
  }
  if (total == 0) {
    fprintf(stderr, "no call was made\n");
    goto cleanup;
  }
  qsort(all, total, sizeof *all, by_value);
  printf("load: threads=%d calls=%zu errors=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f seconds=%.1f "
         "calls_per_s=%.0f\n",
         started, total, errors, all[(total - 1) / 2], all[(size_t)((double)(total - 1) * 0.99)],
         all[total - 1], seconds, (double)total / seconds);
  rc = started == threads_n && errors == 0 && total == (size_t)threads_n * (size_t)calls ? 0 : 1;
cleanup:
  free(loaders);
  free(threads);
  free(all);
  twin_client_free(client);
  return rc;
}
