/*
 * check.h: the few helpers every C test shares. A test function returns 0 on success and 1 on
 * failure, leaving through one `cleanup:` label; main() returns 0 only if every test passed.
 * The emulator's URL and key come from TWIN_BASE_URL and TWIN_API_KEY (set by the driver).
 */
#ifndef TWIN_TEST_CHECK_H
#define TWIN_TEST_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twin.h"

/* Fails the current test (going to its cleanup label) unless `cond` holds. */
#define CHECK(cond)                                                                     \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);         \
      goto cleanup;                                                                     \
    }                                                                                   \
  } while (0)

/* Fails the current test unless `call` returns `expected`, printing the last error. */
#define CHECK_STATUS(call, expected)                                                    \
  do {                                                                                  \
    twin_status check_status_ = (call);                                                 \
    if (check_status_ != (expected)) {                                                  \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s (last error: %s)\n", __FILE__, \
              __LINE__, #call, twin_status_str((int)check_status_),                     \
              twin_status_str((int)(expected)), twin_last_error_message());             \
      goto cleanup;                                                                     \
    }                                                                                   \
  } while (0)

#define CHECK_OK(call) CHECK_STATUS(call, TWIN_OK)

/* Fails the current test unless the two strings are equal (NULL equals only NULL). */
#define CHECK_STR(actual, expected)                                                     \
  do {                                                                                  \
    const char *check_a_ = (actual);                                                    \
    const char *check_e_ = (expected);                                                  \
    if (!check_str_equal(check_a_, check_e_)) {                                         \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__,     \
              #actual, check_a_ ? check_a_ : "(null)", check_e_ ? check_e_ : "(null)"); \
      goto cleanup;                                                                     \
    }                                                                                   \
  } while (0)

/* Fails the current test unless `haystack` is not NULL and contains `needle`. */
#define CHECK_CONTAINS(haystack, needle)                                                \
  do {                                                                                  \
    const char *check_h_ = (haystack);                                                  \
    if (check_h_ == NULL || strstr(check_h_, (needle)) == NULL) {                       \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected it to contain \"%s\"\n", __FILE__, \
              __LINE__, #haystack, check_h_ ? check_h_ : "(null)", (needle));           \
      goto cleanup;                                                                     \
    }                                                                                   \
  } while (0)

/* Runs a test function and counts its failure. */
#define RUN(failures, test)                                                             \
  do {                                                                                  \
    if ((test) != 0) {                                                                  \
      fprintf(stderr, "FAIL %s\n", #test);                                              \
      (failures)++;                                                                     \
    } else {                                                                            \
      printf("ok %s\n", #test);                                                         \
    }                                                                                   \
  } while (0)

static inline bool check_str_equal(const char *a, const char *b) {
  if (a == NULL || b == NULL) {
    return a == b;
  }
  return strcmp(a, b) == 0;
}

/* A client for the emulator, configured from the environment; NULL (after printing why) if it
 * cannot be made. Retries are off so failures show at once. */
static inline twin_client *test_client(void) {
  twin_client *client = NULL;
  twin_client_options *options = twin_client_options_new();
  if (options == NULL || twin_client_options_set_max_retries(options, 0) != TWIN_OK ||
      twin_client_new(options, &client) != TWIN_OK) {
    fprintf(stderr, "cannot make a client: %s\n", twin_last_error_message());
  }
  twin_client_options_free(options);
  return client;
}

/* An environment variable that must be set; aborts the test program otherwise. */
static inline const char *require_env(const char *name) {
  const char *value = getenv(name);
  if (value == NULL || value[0] == '\0') {
    fprintf(stderr, "%s is not set: run the C tests through their driver\n", name);
    exit(2);
  }
  return value;
}

/* A new agent (freed by the caller), or NULL after printing why. */
static inline twin_agent *new_agent(const twin_client *client) {
  twin_agent *agent = NULL;
  if (twin_agents_create(client, NULL, &agent) != TWIN_OK) {
    fprintf(stderr, "cannot create an agent: %s\n", twin_last_error_message());
    return NULL;
  }
  return agent;
}

#endif /* TWIN_TEST_CHECK_H */
