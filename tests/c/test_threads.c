/* Threads: several pthreads share one twin_client for mixed calls, each with its own last
 * error; one thread cancels another's twin_runs_wait and twin_event_iter_next. */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <time.h>

#include "check.h"

#define WORKERS 4
#define ROUNDS 3

static twin_client *shared_client = NULL;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

/* One worker's mixed calls; returns 0 on success. */
static int worker_round(int worker) {
  int rc = 1;
  twin_user *me = NULL;
  twin_agent *agent = NULL;
  twin_agent *missing = NULL;
  twin_run *run = NULL;
  twin_run *done = NULL;
  twin_run_iter *runs = NULL;
  twin_run *item = NULL;
  twin_workspace_list *workspaces = NULL;
  /* parameter handles are not shared: each thread has its own */
  twin_run_start_params *start = twin_run_start_params_new();
  twin_wait_options *wait = twin_wait_options_new();
  char expected_detail[64];

  CHECK(start != NULL && wait != NULL);
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: events=8 step_ms=5]"));
  CHECK_OK(twin_wait_options_set_timeout_ms(wait, 30000));
  CHECK_OK(twin_me_get(shared_client, &me));
  CHECK_OK(twin_agents_create(shared_client, NULL, &agent));
  CHECK_OK(twin_runs_start(shared_client, twin_agent_id(agent), start, &run));
  /* this thread's failure is this thread's last error, whatever the others do meanwhile */
  CHECK_STATUS(twin_agents_get(shared_client, "no-such-agent", &missing), TWIN_ERR_API);
  snprintf(expected_detail, sizeof expected_detail, "you do not have access to this agent");
  CHECK_OK(twin_workspaces_list(shared_client, &workspaces));
  CHECK(twin_last_error_http_status() == 403);
  CHECK_STR(twin_last_error_detail(), expected_detail);
  CHECK_OK(twin_runs_wait(shared_client, twin_agent_id(agent), twin_run_id(run), wait, &done));
  CHECK_STR(twin_run_status(done), "completed");
  CHECK_OK(twin_runs_list(shared_client, twin_agent_id(agent), NULL, &runs));
  CHECK_OK(twin_run_iter_next(runs, &item));
  CHECK_STR(twin_run_id(item), twin_run_id(run));
  CHECK_OK(twin_agents_delete(shared_client, twin_agent_id(agent)));
  (void)worker;
  rc = 0;
cleanup:
  twin_user_free(me);
  twin_agent_free(agent);
  twin_agent_free(missing);
  twin_run_free(run);
  twin_run_free(done);
  twin_run_iter_free(runs);
  twin_run_free(item);
  twin_workspace_list_free(workspaces);
  twin_run_start_params_free(start);
  twin_wait_options_free(wait);
  return rc;
}

static void *worker_main(void *arg) {
  int worker = *(int *)arg;
  int round;
  for (round = 0; round < ROUNDS; round++) {
    if (worker_round(worker) != 0) {
      fprintf(stderr, "worker %d failed in round %d\n", worker, round);
      return (void *)1;
    }
  }
  return NULL;
}

static int test_shared_client(void) {
  int rc = 1;
  pthread_t threads[WORKERS];
  int ids[WORKERS];
  int started = 0;
  int i;
  for (i = 0; i < WORKERS; i++) {
    ids[i] = i;
    CHECK(pthread_create(&threads[i], NULL, worker_main, &ids[i]) == 0);
    started++;
  }
  rc = 0;
cleanup:
  for (i = 0; i < started; i++) {
    void *result = NULL;
    pthread_join(threads[i], &result);
    if (result != NULL) {
      rc = 1;
    }
  }
  return rc;
}

struct waiter {
  const char *agent_id;
  const char *run_id;
  const twin_cancel_token *token;
  twin_status status;
  double seconds;
  bool follow;
};

static void *waiter_main(void *arg) {
  struct waiter *w = arg;
  twin_run *run = NULL;
  twin_event_iter *iter = NULL;
  twin_event *event = NULL;
  twin_wait_options *wait = NULL;
  twin_follow_options *follow = NULL;
  double start = now_seconds();
  if (!w->follow) {
    wait = twin_wait_options_new();
    w->status = twin_wait_options_set_timeout_ms(wait, 60000);
    if (w->status == TWIN_OK) {
      w->status = twin_wait_options_set_cancel_token(wait, w->token);
    }
    if (w->status == TWIN_OK) {
      w->status = twin_runs_wait(shared_client, w->agent_id, w->run_id, wait, &run);
    }
  } else {
    follow = twin_follow_options_new();
    w->status = twin_follow_options_set_cancel_token(follow, w->token);
    if (w->status == TWIN_OK) {
      w->status = twin_events_follow(shared_client, w->agent_id, w->run_id, follow, &iter);
    }
    while (w->status == TWIN_OK) {
      w->status = twin_event_iter_next(iter, &event);
      if (w->status == TWIN_OK && event == NULL) {
        break; /* the run ended: it was not cancelled in time */
      }
      twin_event_free(event);
      event = NULL;
    }
  }
  w->seconds = now_seconds() - start;
  twin_run_free(run);
  twin_event_iter_free(iter);
  twin_wait_options_free(wait);
  twin_follow_options_free(follow);
  return NULL;
}

static int test_cancel_from_another_thread(bool follow) {
  int rc = 1;
  twin_agent *agent = NULL;
  twin_run *run = NULL;
  twin_cancel_token *token = twin_cancel_token_new();
  twin_cancel_result *result = NULL;
  twin_run_start_params *start = twin_run_start_params_new();
  twin_run_cancel_params *reason = twin_run_cancel_params_new();
  struct waiter w;
  pthread_t thread;
  bool joined = true;
  double cancelled_at;

  CHECK(token != NULL && start != NULL && reason != NULL);
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: slow events=100]"));
  CHECK_OK(twin_run_cancel_params_set_reason(reason, "test over"));
  CHECK_OK(twin_agents_create(shared_client, NULL, &agent));
  CHECK_OK(twin_runs_start(shared_client, twin_agent_id(agent), start, &run));
  w.agent_id = twin_agent_id(agent);
  w.run_id = twin_run_id(run);
  w.token = token;
  w.status = TWIN_ERR_PANIC;
  w.seconds = 0;
  w.follow = follow;
  CHECK(pthread_create(&thread, NULL, waiter_main, &w) == 0);
  joined = false;
  sleep_ms(700);
  cancelled_at = now_seconds();
  CHECK_OK(twin_cancel_token_cancel(token));
  pthread_join(thread, NULL);
  joined = true;
  CHECK_STR(twin_status_str((int)w.status), "TWIN_ERR_CANCELLED");
  CHECK(now_seconds() - cancelled_at < 5.0); /* noticed promptly */
  CHECK(w.seconds >= 0.5);
  CHECK_OK(twin_runs_cancel(shared_client, twin_agent_id(agent), twin_run_id(run), reason, &result));
  CHECK_OK(twin_agents_delete(shared_client, twin_agent_id(agent)));
  rc = 0;
cleanup:
  if (!joined) {
    if (twin_cancel_token_cancel(token) != TWIN_OK) {
      rc = 1;
    }
    pthread_join(thread, NULL);
  }
  twin_cancel_result_free(result);
  twin_cancel_token_free(token);
  twin_run_start_params_free(start);
  twin_run_cancel_params_free(reason);
  twin_run_free(run);
  twin_agent_free(agent);
  return rc;
}

int main(void) {
  int failures = 0;
  shared_client = test_client();
  if (shared_client == NULL) {
    return 1;
  }
  RUN(failures, test_shared_client());
  RUN(failures, test_cancel_from_another_thread(false));
  RUN(failures, test_cancel_from_another_thread(true));
  twin_client_free(shared_client);
  return failures == 0 ? 0 : 1;
}
