/*
 * Every loop bounded (issue 11): lists and follows against a server whose pages never advance.
 * The driver (test_c.py) prepares agents and runs, sets one of the emulator's paging faults
 * (ignore_after_index, repeat_cursor, inflate_totals, or latency while events keep coming) and
 * runs one case:
 *
 *   test_hostile_paging list_events AGENT RUN LIMIT|- MAX_ITEMS
 *       ends with TWIN_ERR_DECODE ("does not advance"), indexes strictly increasing, at most
 *       MAX_ITEMS events
 *   test_hostile_paging list_agents WORKSPACE LIMIT|- MAX_ITEMS
 *       ends with TWIN_ERR_DECODE ("does not advance"), at most MAX_ITEMS agents
 *   test_hostile_paging list_runs AGENT PAGE_SIZE|- EXPECTED
 *       each run at most once, EXPECTED runs, then the end or TWIN_ERR_DECODE ("does not
 *       advance")
 *   test_hostile_paging follow AGENT RUN TIMEOUT_MS SLACK_MS timeout|timeout_or_decode
 *       indexes strictly increasing; ends with TWIN_ERR_TIMEOUT (or TWIN_ERR_DECODE "does not
 *       advance" when allowed) within TIMEOUT_MS + SLACK_MS
 *
 * Every iteration is bounded here (MAX_GUARD items, GUARD_MS of wall clock) and stops at the
 * first repeated item, so a client that loops makes this program fail, not hang.
 */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "check.h"

#define MAX_GUARD 10000
#define GUARD_MS 20000ULL

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000ULL + (uint64_t)ts.tv_nsec / 1000000ULL;
}

/* NULL for "-", else the number in `text` stored in `*value`. */
static const uint32_t *optional_u32(const char *text, uint32_t *value) {
  if (strcmp(text, "-") == 0) {
    return NULL;
  }
  *value = (uint32_t)strtoul(text, NULL, 10);
  return value;
}

static bool does_not_advance(twin_status status) {
  return status == TWIN_ERR_DECODE && strstr(twin_last_error_message(), "does not advance") != NULL;
}

static void report(const char *name, int items, twin_status status, uint64_t elapsed_ms) {
  printf("%s: items=%d status=%s elapsed_ms=%llu message=%s\n", name, items,
         twin_status_str((int)status), (unsigned long long)elapsed_ms,
         status == TWIN_OK ? "-" : twin_last_error_message());
}

/* Drains an event iterator under the guards; fails at the first index not above the last. */
static int drain_events(twin_event_iter *iter, uint64_t guard_ms, int *count, twin_status *end,
                        uint64_t *elapsed_ms) {
  int rc = 1;
  twin_event *event = NULL;
  uint64_t start = now_ms();
  uint64_t previous = 0;
  *count = 0;
  *end = TWIN_OK;
  for (;;) {
    if (*count >= MAX_GUARD) {
      fprintf(stderr, "guard: still going after %d events\n", *count);
      goto cleanup;
    }
    if (now_ms() - start > guard_ms) {
      fprintf(stderr, "guard: still going after %llu ms (%d events)\n",
              (unsigned long long)guard_ms, *count);
      goto cleanup;
    }
    *end = twin_event_iter_next(iter, &event);
    if (*end != TWIN_OK || event == NULL) {
      break;
    }
    if (*count > 0 && twin_event_index(event) <= previous) {
      fprintf(stderr, "event_index %llu yielded after %llu (%d events yielded)\n",
              (unsigned long long)twin_event_index(event), (unsigned long long)previous, *count);
      goto cleanup;
    }
    previous = twin_event_index(event);
    (*count)++;
    twin_event_free(event);
    event = NULL;
  }
  rc = 0;
cleanup:
  *elapsed_ms = now_ms() - start;
  twin_event_free(event);
  return rc;
}

static int list_events(const twin_client *client, const char *agent_id, const char *run_id,
                       const char *limit_text, int max_items) {
  int rc = 1;
  twin_event_list_params *params = twin_event_list_params_new();
  twin_event_iter *iter = NULL;
  uint32_t limit = 0;
  int count = 0;
  twin_status end = TWIN_OK;
  uint64_t elapsed = 0;
  CHECK(params != NULL);
  if (optional_u32(limit_text, &limit) != NULL) {
    CHECK_OK(twin_event_list_params_set_page_size(params, limit));
  }
  CHECK_OK(twin_events_list(client, agent_id, run_id, params, &iter));
  CHECK(drain_events(iter, GUARD_MS, &count, &end, &elapsed) == 0);
  report("list_events", count, end, elapsed);
  CHECK(does_not_advance(end));
  CHECK(count <= max_items);
  rc = 0;
cleanup:
  twin_event_iter_free(iter);
  twin_event_list_params_free(params);
  return rc;
}

static int list_agents(const twin_client *client, const char *workspace_id, const char *limit_text,
                       int max_items) {
  int rc = 1;
  twin_agent_list_params *params = twin_agent_list_params_new();
  twin_agent_iter *iter = NULL;
  twin_agent *agent = NULL;
  uint32_t limit = 0;
  int count = 0;
  twin_status end = TWIN_OK;
  uint64_t start = now_ms();
  CHECK(params != NULL);
  CHECK_OK(twin_agent_list_params_set_workspace_id(params, workspace_id));
  if (optional_u32(limit_text, &limit) != NULL) {
    CHECK_OK(twin_agent_list_params_set_page_size(params, limit));
  }
  CHECK_OK(twin_agents_list(client, params, &iter));
  for (;;) {
    if (count >= MAX_GUARD || now_ms() - start > GUARD_MS) {
      fprintf(stderr, "guard: still going after %d agents, %llu ms\n", count,
              (unsigned long long)(now_ms() - start));
      goto cleanup;
    }
    end = twin_agent_iter_next(iter, &agent);
    if (end != TWIN_OK || agent == NULL) {
      break;
    }
    count++;
    twin_agent_free(agent);
    agent = NULL;
  }
  report("list_agents", count, end, now_ms() - start);
  CHECK(does_not_advance(end));
  CHECK(count <= max_items);
  rc = 0;
cleanup:
  twin_agent_free(agent);
  twin_agent_iter_free(iter);
  twin_agent_list_params_free(params);
  return rc;
}

static int list_runs(const twin_client *client, const char *agent_id, const char *page_size_text,
                     int expected) {
  int rc = 1;
  twin_run_list_params *params = twin_run_list_params_new();
  twin_run_iter *iter = NULL;
  twin_run *run = NULL;
  char **seen = calloc(MAX_GUARD, sizeof *seen);
  uint32_t page_size = 0;
  int count = 0;
  twin_status end = TWIN_OK;
  uint64_t start = now_ms();
  CHECK(params != NULL && seen != NULL);
  if (optional_u32(page_size_text, &page_size) != NULL) {
    CHECK_OK(twin_run_list_params_set_page_size(params, page_size));
  }
  CHECK_OK(twin_runs_list(client, agent_id, params, &iter));
  for (;;) {
    if (count >= MAX_GUARD || now_ms() - start > GUARD_MS) {
      fprintf(stderr, "guard: still going after %d runs, %llu ms\n", count,
              (unsigned long long)(now_ms() - start));
      goto cleanup;
    }
    end = twin_run_iter_next(iter, &run);
    if (end != TWIN_OK || run == NULL) {
      break;
    }
    for (int i = 0; i < count; i++) {
      if (strcmp(seen[i], twin_run_id(run)) == 0) {
        fprintf(stderr, "run %s listed twice (%d runs yielded)\n", twin_run_id(run), count + 1);
        goto cleanup;
      }
    }
    seen[count] = malloc(strlen(twin_run_id(run)) + 1);
    CHECK(seen[count] != NULL);
    strcpy(seen[count], twin_run_id(run));
    count++;
    twin_run_free(run);
    run = NULL;
  }
  report("list_runs", count, end, now_ms() - start);
  CHECK(end == TWIN_OK || does_not_advance(end));
  CHECK(count == expected);
  rc = 0;
cleanup:
  if (seen != NULL) {
    for (int i = 0; i < MAX_GUARD && seen[i] != NULL; i++) {
      free(seen[i]);
    }
    free(seen);
  }
  twin_run_free(run);
  twin_run_iter_free(iter);
  twin_run_list_params_free(params);
  return rc;
}

static int follow(const twin_client *client, const char *agent_id, const char *run_id,
                  uint64_t timeout_ms, uint64_t slack_ms, bool decode_allowed) {
  int rc = 1;
  twin_follow_options *options = twin_follow_options_new();
  twin_event_iter *iter = NULL;
  int count = 0;
  twin_status end = TWIN_OK;
  uint64_t elapsed = 0;
  CHECK(options != NULL);
  CHECK_OK(twin_follow_options_set_timeout_ms(options, timeout_ms));
  CHECK_OK(twin_events_follow(client, agent_id, run_id, options, &iter));
  CHECK(drain_events(iter, timeout_ms + slack_ms + 3000, &count, &end, &elapsed) == 0);
  report("follow", count, end, elapsed);
  CHECK(end == TWIN_ERR_TIMEOUT || (decode_allowed && does_not_advance(end)));
  CHECK(elapsed <= timeout_ms + slack_ms);
  rc = 0;
cleanup:
  twin_event_iter_free(iter);
  twin_follow_options_free(options);
  return rc;
}

static int usage(const char *name) {
  fprintf(stderr,
          "usage: %s list_events AGENT RUN LIMIT|- MAX_ITEMS\n"
          "       %s list_agents WORKSPACE LIMIT|- MAX_ITEMS\n"
          "       %s list_runs AGENT PAGE_SIZE|- EXPECTED\n"
          "       %s follow AGENT RUN TIMEOUT_MS SLACK_MS timeout|timeout_or_decode\n",
          name, name, name, name);
  return 2;
}

int main(int argc, char **argv) {
  int failures = 0;
  twin_client *client = NULL;
  if (argc < 2) {
    return usage(argv[0]);
  }
  client = test_client();
  if (client == NULL) {
    return 1;
  }
  if (strcmp(argv[1], "list_events") == 0 && argc == 6) {
    RUN(failures, list_events(client, argv[2], argv[3], argv[4], atoi(argv[5])));
  } else if (strcmp(argv[1], "list_agents") == 0 && argc == 5) {
    RUN(failures, list_agents(client, argv[2], argv[3], atoi(argv[4])));
  } else if (strcmp(argv[1], "list_runs") == 0 && argc == 5) {
    RUN(failures, list_runs(client, argv[2], argv[3], atoi(argv[4])));
  } else if (strcmp(argv[1], "follow") == 0 && argc == 7) {
    RUN(failures, follow(client, argv[2], argv[3], strtoull(argv[4], NULL, 10),
                         strtoull(argv[5], NULL, 10), strcmp(argv[6], "timeout_or_decode") == 0));
  } else {
    twin_client_free(client);
    return usage(argv[0]);
  }
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
