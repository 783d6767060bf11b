/*
 * Cron: twin_cron_validate and twin_cron_next_times over every case of tests/vectors/cron.json,
 * fed by the driver as tab-separated lines on stdin (expressions hex-encoded):
 *   N expr after_unix n time...        (valid: the expected fire times, maybe fewer than n)
 *   I expr field|-                     (invalid: the field the message must name)
 * It prints one line per case and "cases: N" at the end.
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"

#define MAX_TIMES 16

static void unhex(char *text) {
  size_t n = strlen(text);
  size_t i;
  for (i = 0; i + 1 < n; i += 2) {
    unsigned int byte = 0;
    if (sscanf(text + i, "%2x", &byte) != 1) {
      byte = '?';
    }
    text[i / 2] = (char)byte;
  }
  text[n / 2] = '\0';
}

static int valid_case(char *expr, int64_t after, size_t n, const int64_t *expected, size_t expected_len) {
  int rc = 1;
  int64_t times[MAX_TIMES];
  size_t i;
  CHECK(n <= MAX_TIMES && expected_len <= n);
  CHECK_OK(twin_cron_validate(expr));
  CHECK_OK(twin_cron_next_times(expr, after, n, times));
  for (i = 0; i < n; i++) {
    int64_t want = i < expected_len ? expected[i] : TWIN_CRON_NO_TIME;
    if (times[i] != want) {
      fprintf(stderr, "time %zu of \"%s\": %lld, expected %lld\n", i, expr, (long long)times[i],
              (long long)want);
      goto cleanup;
    }
  }
  CHECK_OK(twin_cron_next_times(expr, after, 0, NULL)); /* nothing asked, nothing written */
  rc = 0;
cleanup:
  return rc;
}

static int invalid_case(const char *expr, const char *field) {
  int rc = 1;
  int64_t times[1] = {42};
  CHECK_STATUS(twin_cron_validate(expr), TWIN_ERR_INVALID_CRON);
  CHECK_CONTAINS(twin_last_error_message(), "invalid cron expression");
  if (field != NULL) {
    CHECK_CONTAINS(twin_last_error_message(), field);
  }
  CHECK_STATUS(twin_cron_next_times(expr, 0, 1, times), TWIN_ERR_INVALID_CRON);
  CHECK(times[0] == 42); /* outputs are written only on success */
  rc = 0;
cleanup:
  return rc;
}

static int limits(void) {
  int rc = 1;
  static int64_t many[10001];
  CHECK_STATUS(twin_cron_next_times("0 0 9 * * * *", 0, 10001, many), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_OK(twin_cron_next_times("0 0 9 * * * *", 0, 10000, many));
  CHECK(many[0] == 9 * 3600);
  CHECK_STATUS(twin_cron_next_times("0 0 9 * * * *", INT64_MAX, 1, many), TWIN_ERR_INVALID_ARGUMENT);
  rc = 0;
cleanup:
  return rc;
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  int cases = 0;
  int failures = 0;
  while (getline(&line, &cap, stdin) > 0) {
    char *fields[4 + MAX_TIMES];
    int n = 0;
    char *p = line;
    int result = 1;
    line[strcspn(line, "\n")] = '\0';
    while (n < 4 + MAX_TIMES) {
      char *tab = strchr(p, '\t');
      fields[n++] = p;
      if (tab == NULL) {
        break;
      }
      *tab = '\0';
      p = tab + 1;
    }
    if (n < 2) {
      continue;
    }
    unhex(fields[1]);
    if (fields[0][0] == 'N' && n >= 4) {
      int64_t expected[MAX_TIMES];
      int i;
      for (i = 4; i < n; i++) {
        expected[i - 4] = strtoll(fields[i], NULL, 10);
      }
      result = valid_case(fields[1], strtoll(fields[2], NULL, 10), strtoul(fields[3], NULL, 10),
                          expected, (size_t)(n - 4));
    } else if (fields[0][0] == 'I' && n == 3) {
      if (strcmp(fields[2], "-") != 0) {
        unhex(fields[2]);
      }
      result = invalid_case(fields[1], strcmp(fields[2], "-") == 0 ? NULL : fields[2]);
    }
    cases++;
    printf("%s %c \"%s\"\n", result == 0 ? "ok" : "FAIL", fields[0][0], fields[1]);
    failures += result != 0;
  }
  free(line);
  if (limits() != 0) {
    printf("FAIL limits\n");
    failures++;
  }
  printf("cases: %d\n", cases);
  return failures == 0 && cases > 0 ? 0 : 1;
}
