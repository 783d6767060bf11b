/* Call overhead of libtwin (issue 7, row 9): twin_agents_get + a getter, per call.
 *
 *   agents_get URL KEY AGENT_ID
 *
 * Speaks bench.py's line protocol: reads a count per line on stdin, makes that many calls,
 * answers the nanoseconds they took. Built against the release libtwin by `make bench`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twin.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void fail(const char *what) {
  fprintf(stderr, "agents_get: %s: %s\n", what, twin_last_error_message());
  exit(1);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: agents_get URL KEY AGENT_ID\n");
    return 2;
  }
  twin_client_options *options = twin_client_options_new();
  twin_client *client = NULL;
  if (options == NULL || twin_client_options_set_base_url(options, argv[1]) != TWIN_OK ||
      twin_client_options_set_api_key(options, argv[2]) != TWIN_OK ||
      twin_client_new(options, &client) != TWIN_OK)
    fail("client");
  twin_client_options_free(options);

  char line[64];
  while (fgets(line, sizeof line, stdin) != NULL) {
    long n = strtol(line, NULL, 10);
    size_t sink = 0;
    uint64_t start = now_ns();
    for (long i = 0; i < n; i++) {
      twin_agent *agent = NULL;
      if (twin_agents_get(client, argv[3], &agent) != TWIN_OK) fail("twin_agents_get");
      sink += strlen(twin_agent_id(agent));
      twin_agent_free(agent);
    }
    uint64_t elapsed = now_ns() - start;
    if (n > 0 && sink == 0) fail("empty agent id");
    printf("%llu\n", (unsigned long long)elapsed);
    fflush(stdout);
  }
  twin_client_free(client);
  return 0;
}
