/*
 * The hostile-server suite (issue 11) through the C API: one call against tests/hostile/server.py,
 * whose scenario is chosen by the path of TWIN_BASE_URL (see that file). The driver,
 * test_hostile_c.py, starts the server, runs this program once per attack (built with ASan and
 * UBSan, and a few attacks under valgrind too) and asserts on what it prints and on the requests
 * the server received.
 *
 *   test_hostile CALL [MAX_RETRIES [TOTAL_TIMEOUT_MS]]
 *
 * CALL is one of: me, agents_get, agents_list, agents_delete, agents_create_id, runs_get,
 * runs_list, runs_start, runs_wait, events_list, events_follow, webhooks_create,
 * instructions_update. MAX_RETRIES defaults to 2 (the library's default), TOTAL_TIMEOUT_MS to
 * the library's default. TWIN_API_KEY and TWIN_BASE_URL come from the environment.
 *
 * Prints `name value` lines: strings hex-encoded (`-` for NULL) so that control characters and
 * escapes reach the driver exactly; numbers in decimal. `status`, `http`, `message`, `type`,
 * `title`, `detail`, `request_id`, `retry_after_ms`, `maybe_sent` describe the failure (when the
 * call failed); `value` lines carry what a successful call returned; `elapsed_ms`,
 * `hwm_before_kb` and `hwm_after_kb` (peak resident memory, from /proc/self/status) what it cost.
 * Exits 0 whatever the call returned (the driver judges); 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L

#include <time.h>

#include "check.h"

static const char *agent_id = "a1";
static const char *run_id = "r1";

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* VmHWM (the peak resident set) of this process in kB, or 0 if unknown. */
static long peak_kb(void) {
  char line[256];
  long kb = 0;
  FILE *f = fopen("/proc/self/status", "r");
  if (f == NULL) {
    return 0;
  }
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, "VmHWM:", 6) == 0) {
      kb = strtol(line + 6, NULL, 10);
      break;
    }
  }
  fclose(f);
  return kb;
}

static void print_hex(const char *name, const char *text) {
  const unsigned char *p = (const unsigned char *)text;
  printf("%s ", name);
  if (text == NULL) {
    printf("-");
  } else if (*p == '\0') {
    printf("=");  /* an empty string */
  }
  for (; p != NULL && *p != '\0'; p++) {
    printf("%02x", *p);
  }
  printf("\n");
}

static void print_failure(twin_status status) {
  bool has_retry = false;
  uint64_t retry_ms = twin_last_error_retry_after_ms(&has_retry);
  printf("status %s\n", twin_status_str((int)status));
  printf("http %d\n", (int)twin_last_error_http_status());
  print_hex("message", twin_last_error_message());
  print_hex("type", twin_last_error_problem_type());
  print_hex("title", twin_last_error_title());
  print_hex("detail", twin_last_error_detail());
  print_hex("request_id", twin_last_error_request_id());
  if (has_retry) {
    printf("retry_after_ms %llu\n", (unsigned long long)retry_ms);
  } else {
    printf("retry_after_ms -\n");
  }
  printf("maybe_sent %d\n", twin_last_error_maybe_sent() ? 1 : 0);
}

static twin_client *make_client(uint32_t max_retries, uint64_t total_ms) {
  twin_client *client = NULL;
  twin_client_options *options = twin_client_options_new();
  if (options == NULL ||
      twin_client_options_set_api_key(options, require_env("TWIN_API_KEY")) != TWIN_OK ||
      twin_client_options_set_base_url(options, require_env("TWIN_BASE_URL")) != TWIN_OK ||
      twin_client_options_set_max_retries(options, max_retries) != TWIN_OK ||
      (total_ms != 0 && twin_client_options_set_total_timeout_ms(options, total_ms) != TWIN_OK) ||
      twin_client_new(options, &client) != TWIN_OK) {
    fprintf(stderr, "cannot make a client: %s\n", twin_last_error_message());
    client = NULL;
  }
  twin_client_options_free(options);
  return client;
}

/* Reads an event iterator to its end or its failure, printing each event. */
static twin_status drain_events(twin_event_iter *iter) {
  twin_status status = TWIN_OK;
  twin_event *event = NULL;
  int count = 0;
  while ((status = twin_event_iter_next(iter, &event)) == TWIN_OK && event != NULL) {
    count++;
    print_hex("value_kind", twin_event_kind(event));
    print_hex("value_payload", twin_event_payload_json(event));
    print_hex("value_json", twin_event_json(event));
    twin_event_free(event);
    event = NULL;
  }
  printf("value_events %d\n", count);
  return status;
}

static twin_status call(const twin_client *client, const char *name, bool *known) {
  twin_status status = TWIN_OK;
  *known = true;
  if (strcmp(name, "me") == 0) {
    twin_user *me = NULL;
    status = twin_me_get(client, &me);
    if (status == TWIN_OK) {
      print_hex("value_user_id", twin_user_id(me));
    }
    twin_user_free(me);
  } else if (strcmp(name, "agents_get") == 0) {
    twin_agent *agent = NULL;
    status = twin_agents_get(client, agent_id, &agent);
    if (status == TWIN_OK) {
      print_hex("value_agent_id", twin_agent_id(agent));
    }
    twin_agent_free(agent);
  } else if (strcmp(name, "agents_list") == 0) {
    twin_agent_iter *iter = NULL;
    twin_agent *agent = NULL;
    int count = 0;
    status = twin_agents_list(client, NULL, &iter);
    while (status == TWIN_OK && (status = twin_agent_iter_next(iter, &agent)) == TWIN_OK &&
           agent != NULL) {
      count++;
      twin_agent_free(agent);
      agent = NULL;
    }
    printf("value_agents %d\n", count);
    twin_agent_iter_free(iter);
  } else if (strcmp(name, "agents_delete") == 0) {
    status = twin_agents_delete(client, "no-such-agent");
  } else if (strcmp(name, "agents_create_id") == 0) {
    twin_agent_create_params *params = twin_agent_create_params_new();
    twin_agent *agent = NULL;
    status = twin_agent_create_params_set_agent_id(params, "taken");
    if (status == TWIN_OK) {
      status = twin_agents_create(client, params, &agent);
    }
    if (status == TWIN_OK) {
      print_hex("value_agent_id", twin_agent_id(agent));
      print_hex("value_agent_json", twin_agent_json(agent));
    }
    twin_agent_free(agent);
    twin_agent_create_params_free(params);
  } else if (strcmp(name, "runs_get") == 0) {
    twin_run *run = NULL;
    status = twin_runs_get(client, agent_id, run_id, &run);
    if (status == TWIN_OK) {
      bool has = false;
      uint64_t n = twin_run_number(run, &has);
      printf("value_run_number %llu\n", (unsigned long long)n);
    }
    twin_run_free(run);
  } else if (strcmp(name, "runs_list") == 0) {
    twin_run_iter *iter = NULL;
    twin_run *run = NULL;
    int count = 0;
    status = twin_runs_list(client, agent_id, NULL, &iter);
    while (status == TWIN_OK && (status = twin_run_iter_next(iter, &run)) == TWIN_OK &&
           run != NULL) {
      count++;
      twin_run_free(run);
      run = NULL;
    }
    printf("value_runs %d\n", count);
    twin_run_iter_free(iter);
  } else if (strcmp(name, "runs_start") == 0) {
    twin_run *run = NULL;
    twin_run_start_params *params = twin_run_start_params_new();
    status = twin_run_start_params_set_message(params, "hello");
    if (status == TWIN_OK) {
      status = twin_runs_start(client, agent_id, params, &run);
    }
    if (status == TWIN_OK) {
      print_hex("value_run_id", twin_run_id(run));
    }
    twin_run_free(run);
    twin_run_start_params_free(params);
  } else if (strcmp(name, "runs_wait") == 0) {
    twin_run *run = NULL;
    twin_wait_options *options = twin_wait_options_new();
    status = twin_wait_options_set_timeout_ms(options, 2000);
    if (status == TWIN_OK) {
      status = twin_runs_wait(client, agent_id, run_id, options, &run);
    }
    if (status == TWIN_OK) {
      print_hex("value_run_status", twin_run_status(run));
    }
    twin_run_free(run);
    twin_wait_options_free(options);
  } else if (strcmp(name, "events_list") == 0) {
    twin_event_iter *iter = NULL;
    status = twin_events_list(client, agent_id, run_id, NULL, &iter);
    if (status == TWIN_OK) {
      status = drain_events(iter);
    }
    twin_event_iter_free(iter);
  } else if (strcmp(name, "events_follow") == 0) {
    twin_event_iter *iter = NULL;
    twin_follow_options *options = twin_follow_options_new();
    status = twin_follow_options_set_timeout_ms(options, 2000);
    if (status == TWIN_OK) {
      status = twin_events_follow(client, agent_id, run_id, options, &iter);
    }
    if (status == TWIN_OK) {
      status = drain_events(iter);
    }
    twin_event_iter_free(iter);
    twin_follow_options_free(options);
  } else if (strcmp(name, "webhooks_create") == 0) {
    const char *events[1] = {"run.completed"};
    twin_webhook *webhook = NULL;
    status = twin_webhooks_create(client, agent_id, "https://example.com/h", events, 1, &webhook);
    if (status == TWIN_OK) {
      print_hex("value_webhook_id", twin_webhook_id(webhook));
    }
    twin_webhook_free(webhook);
  } else if (strcmp(name, "instructions_update") == 0) {
    status = twin_instructions_update(client, agent_id, "version two", NULL);
  } else {
    *known = false;
  }
  return status;
}

int main(int argc, char **argv) {
  twin_client *client = NULL;
  uint32_t max_retries = 2;
  uint64_t total_ms = 0;
  uint64_t started;
  long before;
  bool known = false;
  twin_status status;
  if (argc < 2) {
    fprintf(stderr, "usage: %s CALL [MAX_RETRIES [TOTAL_TIMEOUT_MS]]\n", argv[0]);
    return 2;
  }
  if (argc > 2) {
    max_retries = (uint32_t)strtoul(argv[2], NULL, 10);
  }
  if (argc > 3) {
    total_ms = strtoull(argv[3], NULL, 10);
  }
  client = make_client(max_retries, total_ms);
  if (client == NULL) {
    return 2;
  }
  before = peak_kb();
  started = now_ms();
  status = call(client, argv[1], &known);
  printf("elapsed_ms %llu\n", (unsigned long long)(now_ms() - started));
  printf("hwm_before_kb %ld\nhwm_after_kb %ld\n", before, peak_kb());
  if (!known) {
    fprintf(stderr, "unknown call %s\n", argv[1]);
    twin_client_free(client);
    return 2;
  }
  if (status == TWIN_OK) {
    printf("status TWIN_OK\n");
  } else {
    print_failure(status);
  }
  twin_client_free(client);
  return 0;
}
