/*
 * chaos: a mixed workload over every endpoint family of the C API (me, API keys, workspaces,
 * agents, instructions, schedules, webhooks, runs, events), run by test_c.py against the emulator
 * while it injects faults: 503s, dropped connections, 429s with Retry-After, truncated bodies and
 * latency spikes. WORKERS threads share one client; each owns its workspace, agents and runs.
 *
 *   chaos WORKERS ROUNDS [MAX_RETRIES TOTAL_TIMEOUT_MS]     (default: 8 retries, 30 s)
 *
 * What must hold, checked here:
 *   - every call returns TWIN_OK with the right result, or a documented failure of what was
 *     injected: TWIN_ERR_API with HTTP 429 or 503, TWIN_ERR_CONNECTION or TWIN_ERR_TIMEOUT.
 *     Two more answers are right for a call that is safe to repeat and was repeated after its
 *     reply was lost although its work was done: 404 (403 for an agent) to a delete, 409 to
 *     creating an agent with an explicit id. Each is confirmed by reading the resource back.
 *   - a run start that returned TWIN_OK started one run; one that failed with
 *     TWIN_ERR_CONNECTION or TWIN_ERR_TIMEOUT has an unknown outcome: it is resolved by listing
 *     the agent's runs, which must show it started once or not at all, never twice.
 * Printed for the driver, which asserts the rest (runs_started of the emulator equals
 * starts_ok + unknown_started; safe_ok_pct >= 99; max_overrun_ms <= 1000), as one line:
 *   chaos: calls=... ok=... (key=value figures, see print_summary)
 * A call's overrun is its duration (clock_gettime, CLOCK_MONOTONIC) minus its total timeout;
 * for a wait or a follow, the wait's own limit plus one call's total timeout (the last poll).
 * Counted calls are the functions that send requests (iterator constructors send nothing).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* The main client: patient enough that calls which are safe to repeat get through 35% of
 * failed attempts (each attempt fails with probability ~0.35; nine attempts all fail ~0.01%;
 * the backoff, 0.5 s doubling up to 8 s, fits about eight of them into 30 s). The defaults
 * (2 retries, 120 s) can be given on the command line to see what they achieve. */
#define ATTEMPT_MS 2000
#define TOTAL_MS_DEFAULT 30000
#define MAX_RETRIES_DEFAULT 8
/* A second, hasty client whose total timeout is often reached under these faults: it shows the
 * deadline holds when it bites (a retry that would end past it is not made). Its calls are not
 * in the safe-call success rate. */
#define HASTY_ATTEMPT_MS 800
#define HASTY_TOTAL_MS 1500
#define WAIT_MS 20000
#define FOLLOW_MS 20000
#define RUN_FAST "chaos [emulator: events=7 step_ms=5]"
#define RUN_SLOW "chaos [emulator: slow events=20]"
#define CRON_NEVER "0 0 0 1 1 * 2099" /* valid, far in the future: never fires during the test */
#define STATUSES 12

static uint32_t max_retries = MAX_RETRIES_DEFAULT;
static uint64_t total_ms = TOTAL_MS_DEFAULT;

enum kind {
  SAFE,   /* safe to repeat: retried on every failure */
  UNSAFE, /* creating a key, webhook, workspace or an agent without id: not repeated once sent */
  START,  /* starting a run: unsafe, and counted for the no-run-twice check */
  WAIT,   /* twin_runs_wait or a followed event: safe, with its own time limit */
  HASTY,  /* safe, through the hasty client */
};

struct stats {
  long calls, ok;
  long failed[STATUSES];  /* failures by twin_status */
  long api_429, api_503;  /* TWIN_ERR_API failures by HTTP status */
  long answered;          /* TWIN_ERR_API with the expected answer (a repeat's 404/409, ...) */
  long repeats;           /* of which: a repeated call whose work was already done */
  long safe, safe_ok;     /* safe to repeat (SAFE and WAIT): all, and succeeded */
  long unsafe, unsafe_ok; /* UNSAFE and START */
  long starts, starts_ok, starts_refused, starts_unknown, unknown_started, duplicates;
  long hasty, hasty_ok, hasty_timeouts;
  long undocumented;      /* a failure none of the above explains */
  long wrong;             /* a wrong result or an undocumented status */
  double max_overrun;     /* seconds, duration minus budget (negative: within it) */
  double max_seconds;
};

struct worker {
  int id;
  int rounds;
  const twin_client *client;
  const twin_client *hasty;
  char workspace[64];
  bool have_workspace;
  double t0;
  struct stats st;
};

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double budget_of(enum kind kind) {
  switch (kind) {
  case HASTY:
    return HASTY_TOTAL_MS / 1000.0;
  case WAIT:
    return (double)(WAIT_MS + total_ms) / 1000.0;
  default:
    return (double)total_ms / 1000.0;
  }
}

static void wrong(struct worker *w, int line, const char *fmt, ...) {
  va_list args;
  w->st.wrong++;
  fprintf(stderr, "chaos.c:%d: worker %d: ", line, w->id);
  va_start(args, fmt);
  vfprintf(stderr, fmt, args);
  va_end(args);
  fputc('\n', stderr);
}

#define EXPECT(w, cond)                                                                \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      wrong((w), __LINE__, "wrong result: %s", #cond);                                 \
    }                                                                                  \
  } while (0)

#define EXPECT_STR(w, actual, expected)                                                \
  do {                                                                                 \
    const char *e_a_ = (actual);                                                       \
    const char *e_e_ = (expected);                                                     \
    if (!check_str_equal(e_a_, e_e_)) {                                                \
      wrong((w), __LINE__, "wrong result: %s is \"%s\", expected \"%s\"", #actual,     \
            e_a_ ? e_a_ : "(null)", e_e_ ? e_e_ : "(null)");                           \
    }                                                                                  \
  } while (0)

/* Records one call: its duration against its budget, its status, and whether that status is
 * documented for it. `answer` is an HTTP status that is a right answer here (0: none). */
static twin_status track(struct worker *w, enum kind kind, int answer, twin_status status,
                         const char *what, int line) {
  double seconds = now_s() - w->t0;
  double overrun = seconds - budget_of(kind);
  struct stats *s = &w->st;
  bool safe = kind == SAFE || kind == WAIT;
  bool good = status == TWIN_OK;
  s->calls++;
  if (overrun > s->max_overrun) {
    s->max_overrun = overrun;
  }
  if (seconds > s->max_seconds) {
    s->max_seconds = seconds;
  }
  if (overrun > 1.0) {
    fprintf(stderr, "chaos.c:%d: %s took %.3f s, %.3f s over its budget\n", line, what, seconds,
            overrun);
  }
  if (status != TWIN_OK) {
    int http = twin_last_error_http_status();
    s->failed[(int)status >= 0 && (int)status < STATUSES ? (int)status : STATUSES - 1]++;
    if (twin_last_error_message()[0] == '\0') {
      wrong(w, line, "%s failed with %s and no message", what, twin_status_str((int)status));
    }
    if (status == TWIN_ERR_API && answer != 0 && http == answer) {
      s->answered++;
      good = true;
    } else if (status == TWIN_ERR_API && http == 429) {
      s->api_429++;
    } else if (status == TWIN_ERR_API && http == 503) {
      s->api_503++;
    } else if (status != TWIN_ERR_CONNECTION && status != TWIN_ERR_TIMEOUT) {
      s->undocumented++;
      wrong(w, line, "%s: undocumented outcome %s (HTTP %d): %s", what,
            twin_status_str((int)status), http, twin_last_error_message());
    }
  }
  if (status == TWIN_OK) {
    s->ok++;
  }
  if (safe) {
    s->safe++;
    s->safe_ok += good;
  } else if (kind == HASTY) {
    s->hasty++;
    s->hasty_ok += good;
    s->hasty_timeouts += status == TWIN_ERR_TIMEOUT;
  } else {
    s->unsafe++;
    s->unsafe_ok += good;
  }
  if (kind == START) {
    s->starts++;
    if (status == TWIN_OK) {
      s->starts_ok++;
    } else if (status == TWIN_ERR_CONNECTION || status == TWIN_ERR_TIMEOUT) {
      s->starts_unknown++;
    } else {
      s->starts_refused++;
    }
  }
  return status;
}

/* CALL(w, kind, answer, expr): times `expr`, a twin_* call, and records it. */
#define CALL(w, kind, answer, expr) \
  ((w)->t0 = now_s(), track((w), (kind), (answer), (expr), #expr, __LINE__))

#define TRIES 8 /* how often a step the workload needs is tried before the round gives up */

/* SET(w, expr): a setter of a parameter or option handle; local, so anything but TWIN_OK is
 * wrong. */
static void set_ok(struct worker *w, twin_status status, const char *what, int line) {
  if (status != TWIN_OK) {
    wrong(w, line, "%s: %s: %s", what, twin_status_str((int)status), twin_last_error_message());
  }
}
#define SET(w, expr) set_ok((w), (expr), #expr, __LINE__)

/* ---------------------------------------------------------------------------------- checks */

/* Whether the agent exists: 1 yes, 0 no (403), -1 not known (every try failed). */
static int agent_exists(struct worker *w, const char *agent_id) {
  int i;
  for (i = 0; i < TRIES; i++) {
    twin_agent *agent = NULL;
    twin_status st = CALL(w, SAFE, 403, twin_agents_get(w->client, agent_id, &agent));
    if (st == TWIN_OK) {
      EXPECT_STR(w, twin_agent_id(agent), agent_id);
      twin_agent_free(agent);
      return 1;
    }
    if (st == TWIN_ERR_API && twin_last_error_http_status() == 403) {
      return 0;
    }
  }
  return -1;
}

/* The number of the agent's runs, listed page by page (-1: every try failed). */
static long count_runs(struct worker *w, const char *agent_id) {
  int i;
  twin_run_list_params *params = twin_run_list_params_new();
  long result = -1;
  SET(w, twin_run_list_params_set_page_size(params, 3));
  for (i = 0; i < TRIES && result < 0; i++) {
    twin_run_iter *iter = NULL;
    twin_run *run = NULL;
    long n = 0;
    twin_status st;
    if (twin_runs_list(w->client, agent_id, params, &iter) != TWIN_OK) {
      wrong(w, __LINE__, "twin_runs_list: %s", twin_last_error_message());
      break;
    }
    while ((st = CALL(w, SAFE, 0, twin_run_iter_next(iter, &run))) == TWIN_OK && run != NULL) {
      EXPECT_STR(w, twin_run_agent_id(run), agent_id);
      n++;
      twin_run_free(run);
      run = NULL;
    }
    if (st == TWIN_OK) {
      result = n;
    }
    twin_run_iter_free(iter);
  }
  twin_run_list_params_free(params);
  return result;
}

/* Creates the agent `agent_id` in the worker's workspace (safe to repeat: explicit id). */
static bool create_agent(struct worker *w, const char *agent_id) {
  twin_agent_create_params *params = twin_agent_create_params_new();
  bool made = false;
  int i;
  SET(w, twin_agent_create_params_set_agent_id(params, agent_id));
  SET(w, twin_agent_create_params_set_workspace_id(params, w->workspace));
  for (i = 0; i < TRIES && !made; i++) {
    twin_agent *agent = NULL;
    twin_status st = CALL(w, SAFE, 409, twin_agents_create(w->client, params, &agent));
    if (st == TWIN_OK) {
      EXPECT_STR(w, twin_agent_id(agent), agent_id);
      EXPECT_STR(w, twin_agent_workspace_id(agent), w->workspace);
      made = true;
    } else if (st == TWIN_ERR_API && twin_last_error_http_status() == 409) {
      /* a lost reply: the first attempt created it */
      w->st.repeats++;
      made = agent_exists(w, agent_id) == 1;
      if (!made) {
        wrong(w, __LINE__, "409 for agent %s, which does not exist", agent_id);
      }
    }
    twin_agent_free(agent);
  }
  twin_agent_create_params_free(params);
  return made;
}

/* Deletes an agent, confirming a 403 (the repeat of a lost reply) by reading it back. */
static void delete_agent(struct worker *w, const char *agent_id) {
  int i;
  for (i = 0; i < TRIES; i++) {
    twin_status st = CALL(w, SAFE, 403, twin_agents_delete(w->client, agent_id));
    if (st == TWIN_OK) {
      return;
    }
    if (st == TWIN_ERR_API && twin_last_error_http_status() == 403) {
      w->st.repeats++;
      if (agent_exists(w, agent_id) == 1) {
        wrong(w, __LINE__, "delete of agent %s said 403 but it exists", agent_id);
      }
      return;
    }
  }
}

/* Whether the run is gone (404), after its delete failed: true, false, or true when unknown. */
static bool run_gone(struct worker *w, const char *agent_id, const char *run_id) {
  int i;
  for (i = 0; i < TRIES; i++) {
    twin_run *run = NULL;
    twin_status st = CALL(w, SAFE, 404, twin_runs_get(w->client, agent_id, run_id, &run));
    twin_run_free(run);
    if (st == TWIN_OK) {
      return false;
    }
    if (st == TWIN_ERR_API && twin_last_error_http_status() == 404) {
      return true;
    }
  }
  return false;
}

/* ----------------------------------------------------------------------------- the workload */

static void account(struct worker *w) {
  twin_user *me = NULL;
  twin_api_key *key = NULL;
  twin_api_key_list *keys = NULL;
  twin_status st;
  char name[64];
  size_t i;

  if (CALL(w, SAFE, 0, twin_me_get(w->client, &me)) == TWIN_OK) {
    EXPECT(w, strncmp(twin_user_id(me), "user_", 5) == 0);
  }
  twin_user_free(me);
  me = NULL;
  /* the hasty client: its deadline is often reached under these faults */
  CALL(w, HASTY, 0, twin_me_get(w->hasty, &me));
  twin_user_free(me);
  me = NULL;
  CALL(w, HASTY, 0, twin_me_get(w->hasty, &me));
  twin_user_free(me);

  snprintf(name, sizeof name, "chaos key %d", w->id);
  st = CALL(w, UNSAFE, 0, twin_api_keys_create(w->client, name, &key));
  if (st == TWIN_OK) {
    EXPECT_STR(w, twin_api_key_name(key), name);
    EXPECT(w, twin_api_key_secret(key) != NULL && strncmp(twin_api_key_secret(key), "twin_", 5) == 0);
    if (CALL(w, SAFE, 0, twin_api_keys_list(w->client, &keys)) == TWIN_OK) {
      bool found = false;
      for (i = 0; i < twin_api_key_list_len(keys); i++) {
        const twin_api_key *listed = twin_api_key_list_get(keys, i);
        found = found || strcmp(twin_api_key_id(listed), twin_api_key_id(key)) == 0;
        EXPECT(w, twin_api_key_secret(listed) == NULL);
      }
      EXPECT(w, found);
    }
    for (i = 0; i < TRIES; i++) {
      st = CALL(w, SAFE, 404, twin_api_keys_revoke(w->client, twin_api_key_id(key)));
      if (st == TWIN_OK) {
        break;
      }
      if (st == TWIN_ERR_API && twin_last_error_http_status() == 404) {
        w->st.repeats++; /* revoked by the attempt whose reply was lost */
        break;
      }
    }
  }
  twin_api_key_free(key);
  twin_api_key_list_free(keys);
}

static void workspace_round(struct worker *w, int round) {
  twin_workspace_update_params *params = twin_workspace_update_params_new();
  twin_workspace *updated = NULL;
  twin_workspace_list *list = NULL;
  const char *ids[1] = {w->workspace};
  char name[64];
  size_t i;

  snprintf(name, sizeof name, "chaos %d round %d", w->id, round);
  SET(w, twin_workspace_update_params_set_icon_config(params, "{\"icon\":\"Code\"}"));
  if (CALL(w, SAFE, 0, twin_workspaces_update(w->client, w->workspace, name, params, &updated)) ==
      TWIN_OK) {
    EXPECT_STR(w, twin_workspace_id(updated), w->workspace);
    EXPECT_STR(w, twin_workspace_name(updated), name);
    EXPECT_STR(w, twin_workspace_icon_config(updated), "{\"icon\":\"Code\"}");
  }
  CALL(w, SAFE, 0, twin_workspaces_reorder(w->client, ids, 1));
  if (CALL(w, SAFE, 0, twin_workspaces_list(w->client, &list)) == TWIN_OK) {
    bool found = false;
    for (i = 0; i < twin_workspace_list_len(list); i++) {
      found = found || strcmp(twin_workspace_id(twin_workspace_list_get(list, i)), w->workspace) == 0;
    }
    EXPECT(w, found);
  }
  twin_workspace_free(updated);
  twin_workspace_list_free(list);
  twin_workspace_update_params_free(params);
}

static void agents_round(struct worker *w, const char *agent_id) {
  twin_agent *agent = NULL;
  twin_agent *other = NULL;
  twin_agent_iter *iter = NULL;
  twin_agent *item = NULL;
  twin_agent_list_params *params = twin_agent_list_params_new();
  bool seen = false;
  twin_status st;
  char other_id[64] = "";

  if (CALL(w, SAFE, 0, twin_agents_get(w->client, agent_id, &agent)) == TWIN_OK) {
    EXPECT_STR(w, twin_agent_id(agent), agent_id);
    EXPECT_STR(w, twin_agent_workspace_id(agent), w->workspace);
  }
  twin_agent_free(agent);
  agent = NULL;
  /* an agent without an id (not repeated once sent), moved into the workspace */
  if (CALL(w, UNSAFE, 0, twin_agents_create(w->client, NULL, &other)) == TWIN_OK) {
    snprintf(other_id, sizeof other_id, "%s", twin_agent_id(other));
    if (CALL(w, SAFE, 0, twin_agents_move(w->client, other_id, w->workspace)) == TWIN_OK &&
        CALL(w, SAFE, 0, twin_agents_get(w->client, other_id, &agent)) == TWIN_OK) {
      EXPECT_STR(w, twin_agent_workspace_id(agent), w->workspace);
    }
  }
  /* the workspace's agents, two per page */
  SET(w, twin_agent_list_params_set_workspace_id(params, w->workspace));
  SET(w, twin_agent_list_params_set_page_size(params, 2));
  if (twin_agents_list(w->client, params, &iter) != TWIN_OK) {
    wrong(w, __LINE__, "twin_agents_list: %s", twin_last_error_message());
  } else {
    while ((st = CALL(w, SAFE, 0, twin_agent_iter_next(iter, &item))) == TWIN_OK && item != NULL) {
      EXPECT_STR(w, twin_agent_workspace_id(item), w->workspace);
      seen = seen || strcmp(twin_agent_id(item), agent_id) == 0;
      twin_agent_free(item);
      item = NULL;
    }
    if (st == TWIN_OK) {
      EXPECT(w, seen);
    }
  }
  if (other_id[0] != '\0') {
    delete_agent(w, other_id);
  }
  twin_agent_iter_free(iter);
  twin_agent_free(agent);
  twin_agent_free(other);
  twin_agent_list_params_free(params);
}

static void instructions_round(struct worker *w, const char *agent_id, int round) {
  twin_instruction *current = NULL;
  twin_instruction_version_list *history = NULL;
  twin_instruction_update_params *source = twin_instruction_update_params_new();
  twin_instruction_history_params *recent = twin_instruction_history_params_new();
  char content[96];
  bool written;

  snprintf(content, sizeof content, "# Chaos\nworker %d, round %d: stay calm.", w->id, round);
  SET(w, twin_instruction_update_params_set_source_id(source, "chaos"));
  SET(w, twin_instruction_history_params_set_limit(recent, 2));
  written = CALL(w, SAFE, 0, twin_instructions_update(w->client, agent_id, content, source)) == TWIN_OK;
  if (CALL(w, SAFE, 0, twin_instructions_get(w->client, agent_id, &current)) == TWIN_OK && written) {
    EXPECT(w, current != NULL);
    if (current != NULL) {
      EXPECT_STR(w, twin_instruction_content(current), content);
    }
  }
  if (CALL(w, SAFE, 0, twin_instructions_history(w->client, agent_id, recent, &history)) == TWIN_OK &&
      written) {
    EXPECT(w, twin_instruction_version_list_len(history) >= 1);
    if (twin_instruction_version_list_len(history) >= 1) {
      EXPECT_STR(w, twin_instruction_version_content(twin_instruction_version_list_get(history, 0)),
                 content);
    }
  }
  twin_instruction_free(current);
  twin_instruction_version_list_free(history);
  twin_instruction_update_params_free(source);
  twin_instruction_history_params_free(recent);
}

static void schedules_round(struct worker *w, const char *agent_id) {
  twin_schedule *schedule = NULL;
  twin_schedule_list *list = NULL;
  bool set;
  size_t i;

  set = CALL(w, SAFE, 0, twin_schedules_set(w->client, agent_id, CRON_NEVER)) == TWIN_OK;
  if (CALL(w, SAFE, 0, twin_schedules_get(w->client, agent_id, &schedule)) == TWIN_OK && set) {
    EXPECT(w, schedule != NULL);
    if (schedule != NULL) {
      EXPECT_STR(w, twin_schedule_agent_id(schedule), agent_id);
      EXPECT_STR(w, twin_schedule_cron(schedule), CRON_NEVER);
    }
  }
  twin_schedule_free(schedule);
  schedule = NULL;
  if (set && CALL(w, SAFE, 0, twin_schedules_pause(w->client, agent_id)) == TWIN_OK &&
      CALL(w, SAFE, 0, twin_schedules_get(w->client, agent_id, &schedule)) == TWIN_OK) {
    EXPECT(w, schedule != NULL && twin_schedule_paused(schedule));
  }
  twin_schedule_free(schedule);
  schedule = NULL;
  if (set) {
    CALL(w, SAFE, 0, twin_schedules_resume(w->client, agent_id));
  }
  if (CALL(w, SAFE, 0, twin_schedules_list(w->client, &list)) == TWIN_OK && set) {
    bool found = false;
    for (i = 0; i < twin_schedule_list_len(list); i++) {
      found = found || strcmp(twin_schedule_agent_id(twin_schedule_list_get(list, i)), agent_id) == 0;
    }
    EXPECT(w, found);
  }
  /* deleting a schedule is idempotent: 200 also when there is none */
  CALL(w, SAFE, 0, twin_schedules_delete(w->client, agent_id));
  twin_schedule_list_free(list);
}

static void webhooks_round(struct worker *w, const char *agent_id) {
  const char *events[] = {"run.completed", "run.failed"};
  const char *one[] = {"run.stopped"};
  twin_webhook *created = NULL;
  twin_webhook *fetched = NULL;
  twin_webhook *updated = NULL;
  twin_webhook_update_params *params = NULL;
  twin_webhook_list *list = NULL;
  twin_status st;
  char id[64];
  size_t i;

  /* https: the emulator delivers only to http receivers, so nothing is sent anywhere */
  if (CALL(w, UNSAFE, 0, twin_webhooks_create(w->client, agent_id, "https://example.com/chaos",
                                              events, 2, &created)) != TWIN_OK) {
    return;
  }
  snprintf(id, sizeof id, "%s", twin_webhook_id(created));
  EXPECT(w, twin_webhook_signing_secret(created) != NULL);
  EXPECT(w, twin_webhook_events_len(created) == 2);
  if (CALL(w, SAFE, 0, twin_webhooks_get(w->client, agent_id, id, &fetched)) == TWIN_OK) {
    EXPECT_STR(w, twin_webhook_url(fetched), "https://example.com/chaos");
    EXPECT(w, twin_webhook_signing_secret(fetched) == NULL);
  }
  params = twin_webhook_update_params_new();
  SET(w, twin_webhook_update_params_set_events(params, one, 1));
  SET(w, twin_webhook_update_params_set_status(params, "disabled"));
  if (CALL(w, SAFE, 0, twin_webhooks_update(w->client, agent_id, id, params, &updated)) == TWIN_OK) {
    EXPECT_STR(w, twin_webhook_status(updated), "disabled");
    EXPECT(w, twin_webhook_events_len(updated) == 1);
  }
  if (CALL(w, SAFE, 0, twin_webhooks_list(w->client, agent_id, &list)) == TWIN_OK) {
    bool found = false;
    for (i = 0; i < twin_webhook_list_len(list); i++) {
      found = found || strcmp(twin_webhook_id(twin_webhook_list_get(list, i)), id) == 0;
    }
    EXPECT(w, found);
  }
  for (i = 0; i < TRIES; i++) {
    st = CALL(w, SAFE, 404, twin_webhooks_delete(w->client, agent_id, id));
    if (st == TWIN_OK) {
      break;
    }
    if (st == TWIN_ERR_API && twin_last_error_http_status() == 404) {
      twin_webhook *again = NULL;
      w->st.repeats++;
      if (CALL(w, SAFE, 404, twin_webhooks_get(w->client, agent_id, id, &again)) == TWIN_OK) {
        wrong(w, __LINE__, "delete of webhook %s said 404 but it exists", id);
      }
      twin_webhook_free(again);
      break;
    }
  }
  twin_webhook_free(created);
  twin_webhook_free(fetched);
  twin_webhook_free(updated);
  twin_webhook_update_params_free(params);
  twin_webhook_list_free(list);
}

/* Starts a run. On TWIN_OK `*run_out` is the run and `*runs` grows by one. An unknown outcome
 * is resolved by counting the agent's runs: `*runs` or `*runs` + 1, never more. */
static twin_status start_run(struct worker *w, const char *agent_id, const char *message,
                             long *runs, twin_run **run_out) {
  twin_run_start_params *params = twin_run_start_params_new();
  twin_status st;
  SET(w, twin_run_start_params_set_mode(params, "run"));
  SET(w, twin_run_start_params_set_message(params, message));
  st = CALL(w, START, 0, twin_runs_start(w->client, agent_id, params, run_out));
  twin_run_start_params_free(params);
  if (st == TWIN_OK) {
    EXPECT_STR(w, twin_run_agent_id(*run_out), agent_id);
    EXPECT_STR(w, twin_run_status(*run_out), "in_progress");
    (*runs)++;
  } else if (st == TWIN_ERR_CONNECTION || st == TWIN_ERR_TIMEOUT) {
    long listed;
    if (st == TWIN_ERR_TIMEOUT) {
      /* the request may still be on its way (a latency spike): let it land before counting */
      struct timespec pause = {1, 0};
      nanosleep(&pause, NULL);
    }
    listed = count_runs(w, agent_id);
    if (listed < 0) {
      wrong(w, __LINE__, "cannot list the runs of %s to resolve an unknown start", agent_id);
    } else if (listed == *runs + 1) {
      w->st.unknown_started++;
      *runs = listed;
    } else if (listed != *runs) {
      w->st.duplicates++;
      wrong(w, __LINE__, "agent %s has %ld runs, expected %ld or %ld", agent_id, listed, *runs,
            *runs + 1);
      *runs = listed;
    }
  }
  return st;
}

static void runs_round(struct worker *w, const char *agent_id, long *runs) {
  twin_run *run = NULL;
  twin_run *fetched = NULL;
  twin_run *done = NULL;
  twin_run *slow = NULL;
  twin_run *stopped = NULL;
  twin_run_iter *iter = NULL;
  twin_run *item = NULL;
  twin_event_iter *events = NULL;
  twin_event *event = NULL;
  twin_follow_options *follow = twin_follow_options_new();
  twin_wait_options *wait = twin_wait_options_new();
  twin_run_cancel_params *reason = twin_run_cancel_params_new();
  twin_cancel_result *cancelled = NULL;
  twin_cancel_result *again = NULL;
  twin_status st;
  long n;
  bool seen = false;
  char run_id[64];
  size_t i;

  SET(w, twin_follow_options_set_timeout_ms(follow, FOLLOW_MS));
  SET(w, twin_follow_options_set_poll_interval_ms(follow, 20));
  SET(w, twin_follow_options_set_max_poll_interval_ms(follow, 100));
  SET(w, twin_wait_options_set_timeout_ms(wait, WAIT_MS));
  SET(w, twin_run_cancel_params_set_reason(reason, "chaos"));

  if (start_run(w, agent_id, RUN_FAST, runs, &run) == TWIN_OK) {
    snprintf(run_id, sizeof run_id, "%s", twin_run_id(run));
    if (CALL(w, SAFE, 0, twin_runs_get(w->client, agent_id, run_id, &fetched)) == TWIN_OK) {
      EXPECT_STR(w, twin_run_id(fetched), run_id);
    }
    if (CALL(w, WAIT, 0, twin_runs_wait(w->client, agent_id, run_id, wait, &done)) == TWIN_OK) {
      EXPECT_STR(w, twin_run_status(done), "completed");
      EXPECT_STR(w, twin_run_outcome(done), "success");
    }
    /* the run's events: listed, then followed (the run is over, so the follow ends at once) */
    if (twin_events_list(w->client, agent_id, run_id, NULL, &events) == TWIN_OK) {
      uint64_t last = 0;
      n = 0;
      while ((st = CALL(w, SAFE, 0, twin_event_iter_next(events, &event))) == TWIN_OK && event != NULL) {
        EXPECT(w, n == 0 || twin_event_index(event) > last);
        if (n == 0) {
          EXPECT_STR(w, twin_event_kind(event), "Started");
        }
        last = twin_event_index(event);
        n++;
        twin_event_free(event);
        event = NULL;
      }
      if (st == TWIN_OK && done != NULL) {
        EXPECT(w, n == 7);
      }
      twin_event_iter_free(events);
      events = NULL;
    }
    if (done != NULL &&
        twin_events_follow(w->client, agent_id, run_id, follow, &events) == TWIN_OK) {
      n = 0;
      while ((st = CALL(w, WAIT, 0, twin_event_iter_next(events, &event))) == TWIN_OK && event != NULL) {
        n++;
        twin_event_free(event);
        event = NULL;
      }
      if (st == TWIN_OK) {
        EXPECT(w, n == 7);
      }
      twin_event_iter_free(events);
      events = NULL;
    }
    /* cancelling a finished run succeeds with a note */
    if (done != NULL &&
        CALL(w, SAFE, 0, twin_runs_cancel(w->client, agent_id, run_id, reason, &again)) == TWIN_OK) {
      EXPECT(w, twin_cancel_result_success(again));
      EXPECT_STR(w, twin_cancel_result_error(again), "run already completed");
    }
  }

  /* a slow run, cancelled while in progress */
  if (start_run(w, agent_id, RUN_SLOW, runs, &slow) == TWIN_OK) {
    for (i = 0; i < TRIES; i++) {
      if (CALL(w, SAFE, 0, twin_runs_cancel(w->client, agent_id, twin_run_id(slow), NULL, &cancelled)) ==
          TWIN_OK) {
        EXPECT(w, twin_cancel_result_success(cancelled));
        break;
      }
    }
    if (cancelled != NULL &&
        CALL(w, WAIT, 0, twin_runs_wait(w->client, agent_id, twin_run_id(slow), wait, &stopped)) ==
            TWIN_OK) {
      EXPECT_STR(w, twin_run_status(stopped), "stopped");
    }
  }

  /* the agent's runs, three per page */
  if (run != NULL) {
    twin_run_list_params *params = twin_run_list_params_new();
    SET(w, twin_run_list_params_set_page_size(params, 3));
    if (twin_runs_list(w->client, agent_id, params, &iter) == TWIN_OK) {
      n = 0;
      while ((st = CALL(w, SAFE, 0, twin_run_iter_next(iter, &item))) == TWIN_OK && item != NULL) {
        seen = seen || strcmp(twin_run_id(item), run_id) == 0;
        n++;
        twin_run_free(item);
        item = NULL;
      }
      if (st == TWIN_OK) {
        EXPECT(w, seen);
        EXPECT(w, n == *runs);
      }
    }
    twin_run_list_params_free(params);
    /* and the first run deleted */
    for (i = 0; i < TRIES; i++) {
      st = CALL(w, SAFE, 404, twin_runs_delete(w->client, agent_id, run_id));
      if (st == TWIN_OK) {
        (*runs)--;
        break;
      }
      if (st == TWIN_ERR_API && twin_last_error_http_status() == 404) {
        w->st.repeats++;
        if (run_gone(w, agent_id, run_id)) {
          (*runs)--;
        } else {
          wrong(w, __LINE__, "delete of run %s said 404 but it exists", run_id);
        }
        break;
      }
    }
  }
  twin_run_free(run);
  twin_run_free(fetched);
  twin_run_free(done);
  twin_run_free(slow);
  twin_run_free(stopped);
  twin_run_iter_free(iter);
  twin_cancel_result_free(cancelled);
  twin_cancel_result_free(again);
  twin_follow_options_free(follow);
  twin_wait_options_free(wait);
  twin_run_cancel_params_free(reason);
}

static void *worker_main(void *arg) {
  struct worker *w = arg;
  twin_workspace *workspace = NULL;
  char name[64];
  int i, round;

  snprintf(name, sizeof name, "chaos %d", w->id);
  for (i = 0; i < TRIES && !w->have_workspace; i++) {
    if (CALL(w, UNSAFE, 0, twin_workspaces_create(w->client, name, &workspace)) == TWIN_OK) {
      EXPECT_STR(w, twin_workspace_name(workspace), name);
      snprintf(w->workspace, sizeof w->workspace, "%s", twin_workspace_id(workspace));
      w->have_workspace = true;
    }
    twin_workspace_free(workspace);
    workspace = NULL;
  }
  if (!w->have_workspace) {
    wrong(w, __LINE__, "no workspace after %d tries", TRIES);
    return NULL;
  }
  for (round = 0; round < w->rounds; round++) {
    char agent_id[96];
    long runs = 0;
    snprintf(agent_id, sizeof agent_id, "chaos-%ld-%d-%d", (long)getpid(), w->id, round);
    account(w);
    workspace_round(w, round);
    if (!create_agent(w, agent_id)) {
      wrong(w, __LINE__, "no agent %s after %d tries", agent_id, TRIES);
      continue;
    }
    agents_round(w, agent_id);
    instructions_round(w, agent_id, round);
    schedules_round(w, agent_id);
    webhooks_round(w, agent_id);
    runs_round(w, agent_id, &runs);
    delete_agent(w, agent_id);
  }
  /* deleting the workspace deletes what is left in it */
  for (i = 0; i < TRIES; i++) {
    twin_status st = CALL(w, SAFE, 404, twin_workspaces_delete(w->client, w->workspace));
    if (st == TWIN_OK) {
      break;
    }
    if (st == TWIN_ERR_API && twin_last_error_http_status() == 404) {
      w->st.repeats++;
      break;
    }
  }
  return NULL;
}

/* ---------------------------------------------------------------------------------- summary */

static void add(struct stats *total, const struct stats *s) {
  int i;
  total->calls += s->calls;
  total->ok += s->ok;
  for (i = 0; i < STATUSES; i++) {
    total->failed[i] += s->failed[i];
  }
  total->api_429 += s->api_429;
  total->api_503 += s->api_503;
  total->answered += s->answered;
  total->repeats += s->repeats;
  total->safe += s->safe;
  total->safe_ok += s->safe_ok;
  total->unsafe += s->unsafe;
  total->unsafe_ok += s->unsafe_ok;
  total->starts += s->starts;
  total->starts_ok += s->starts_ok;
  total->starts_refused += s->starts_refused;
  total->starts_unknown += s->starts_unknown;
  total->unknown_started += s->unknown_started;
  total->duplicates += s->duplicates;
  total->hasty += s->hasty;
  total->hasty_ok += s->hasty_ok;
  total->hasty_timeouts += s->hasty_timeouts;
  total->undocumented += s->undocumented;
  total->wrong += s->wrong;
  if (s->max_overrun > total->max_overrun) {
    total->max_overrun = s->max_overrun;
  }
  if (s->max_seconds > total->max_seconds) {
    total->max_seconds = s->max_seconds;
  }
}

static void print_summary(const struct stats *t, double seconds) {
  printf("chaos: max_retries=%u total_timeout_ms=%llu calls=%ld ok=%ld answered=%ld repeats=%ld"
         " api_429=%ld api_503=%ld connection=%ld timeout=%ld other=%ld"
         " safe=%ld safe_ok=%ld safe_ok_pct=%.2f unsafe=%ld unsafe_ok=%ld"
         " starts=%ld starts_ok=%ld starts_refused=%ld starts_unknown=%ld unknown_started=%ld"
         " duplicates=%ld hasty=%ld hasty_ok=%ld hasty_timeouts=%ld"
         " max_call_ms=%.0f max_overrun_ms=%.0f wrong=%ld seconds=%.1f\n",
         max_retries, (unsigned long long)total_ms, t->calls, t->ok, t->answered, t->repeats, t->api_429, t->api_503,
         t->failed[TWIN_ERR_CONNECTION], t->failed[TWIN_ERR_TIMEOUT], t->undocumented,
         t->safe, t->safe_ok, t->safe ? 100.0 * (double)t->safe_ok / (double)t->safe : 0.0,
         t->unsafe, t->unsafe_ok, t->starts, t->starts_ok, t->starts_refused, t->starts_unknown,
         t->unknown_started, t->duplicates, t->hasty, t->hasty_ok, t->hasty_timeouts,
         t->max_seconds * 1000.0, t->max_overrun * 1000.0, t->wrong, seconds);
}

static twin_client *make_client(uint64_t attempt_ms, uint64_t total_ms) {
  twin_client *client = NULL;
  twin_client_options *options = twin_client_options_new();
  if (options == NULL || twin_client_options_set_max_retries(options, max_retries) != TWIN_OK ||
      twin_client_options_set_connect_timeout_ms(options, 1000) != TWIN_OK ||
      twin_client_options_set_timeout_ms(options, attempt_ms) != TWIN_OK ||
      twin_client_options_set_total_timeout_ms(options, total_ms) != TWIN_OK ||
      twin_client_new(options, &client) != TWIN_OK) {
    fprintf(stderr, "cannot make a client: %s\n", twin_last_error_message());
  }
  twin_client_options_free(options);
  return client;
}

int main(int argc, char **argv) {
  int workers, rounds, i, started = 0;
  struct worker *w = NULL;
  pthread_t *threads = NULL;
  struct stats total;
  twin_client *client = NULL;
  twin_client *hasty = NULL;
  double begin = now_s();
  int rc = 1;

  if ((argc != 3 && argc != 5) || (workers = atoi(argv[1])) < 1 || (rounds = atoi(argv[2])) < 1) {
    fprintf(stderr, "usage: %s WORKERS ROUNDS [MAX_RETRIES TOTAL_TIMEOUT_MS]\n", argv[0]);
    return 2;
  }
  if (argc == 5) {
    max_retries = (uint32_t)strtoul(argv[3], NULL, 10);
    total_ms = strtoull(argv[4], NULL, 10);
  }
  require_env("TWIN_BASE_URL");
  memset(&total, 0, sizeof total);
  total.max_overrun = -1e9;
  client = make_client(ATTEMPT_MS, total_ms);
  hasty = make_client(HASTY_ATTEMPT_MS, HASTY_TOTAL_MS);
  w = calloc((size_t)workers, sizeof *w);
  threads = calloc((size_t)workers, sizeof *threads);
  if (client == NULL || hasty == NULL || w == NULL || threads == NULL) {
    goto cleanup;
  }
  for (i = 0; i < workers; i++) {
    w[i].id = i;
    w[i].rounds = rounds;
    w[i].client = client;
    w[i].hasty = hasty;
    w[i].st.max_overrun = -1e9;
    if (pthread_create(&threads[i], NULL, worker_main, &w[i]) != 0) {
      fprintf(stderr, "cannot start worker %d\n", i);
      break;
    }
    started++;
  }
  for (i = 0; i < started; i++) {
    pthread_join(threads[i], NULL);
    add(&total, &w[i].st);
  }
  print_summary(&total, now_s() - begin);
  rc = started == workers && total.wrong == 0 && total.duplicates == 0 ? 0 : 1;
cleanup:
  free(w);
  free(threads);
  twin_client_free(client);
  twin_client_free(hasty);
  return rc;
}
