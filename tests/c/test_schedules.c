/* /v1/agents/{id}/schedule and /v1/schedules: get, set, pause, resume, list, delete, and the
 * twin_schedule getters (checked against twin_cron_next_times). */
#include <time.h>

#include "check.h"

#define DAILY_NOON "0 0 12 * * * *"

static const twin_schedule *find_schedule(const twin_schedule_list *list, const char *agent_id) {
  size_t i;
  for (i = 0; i < twin_schedule_list_len(list); i++) {
    const twin_schedule *s = twin_schedule_list_get(list, i);
    if (strcmp(twin_schedule_agent_id(s), agent_id) == 0) {
      return s;
    }
  }
  return NULL;
}

static int test_schedule_lifecycle(const twin_client *client) {
  int rc = 1;
  twin_agent *agent = new_agent(client);
  twin_schedule *schedule = NULL;
  twin_schedule_list *list = NULL;
  const twin_schedule *listed = NULL;
  int64_t next[1] = {0};
  bool has_value = false;
  const char *id = NULL;

  CHECK(agent != NULL);
  id = twin_agent_id(agent);
  CHECK_OK(twin_schedules_get(client, id, &schedule));
  CHECK(schedule == NULL); /* none: the service answers {} */

  CHECK_OK(twin_schedules_set(client, id, DAILY_NOON));
  CHECK_OK(twin_schedules_get(client, id, &schedule));
  CHECK(schedule != NULL);
  CHECK_STR(twin_schedule_agent_id(schedule), id);
  CHECK_STR(twin_schedule_cron(schedule), DAILY_NOON);
  CHECK(!twin_schedule_paused(schedule));
  CHECK(!twin_schedule_auto_paused(schedule));
  CHECK(twin_schedule_consecutive_failures(schedule) == 0);
  CHECK_OK(twin_cron_next_times(DAILY_NOON, (int64_t)time(NULL), 1, next));
  CHECK(twin_schedule_next_run(schedule, &has_value) == next[0]); /* computed, not invented */
  CHECK(has_value);
  CHECK_CONTAINS(twin_schedule_json(schedule), "\"cron\"");
  twin_schedule_free(schedule);
  schedule = NULL;

  CHECK_OK(twin_schedules_pause(client, id));
  CHECK_OK(twin_schedules_get(client, id, &schedule));
  CHECK(twin_schedule_paused(schedule));
  twin_schedule_free(schedule);
  schedule = NULL;

  CHECK_OK(twin_schedules_list(client, &list));
  listed = find_schedule(list, id);
  CHECK(listed != NULL);
  CHECK(twin_schedule_paused(listed));
  CHECK(twin_schedule_list_get(list, twin_schedule_list_len(list)) == NULL);

  CHECK_OK(twin_schedules_resume(client, id));
  CHECK_OK(twin_schedules_get(client, id, &schedule));
  CHECK(!twin_schedule_paused(schedule));
  twin_schedule_free(schedule);
  schedule = NULL;

  /* a bad expression is refused locally, naming the field */
  CHECK_STATUS(twin_schedules_set(client, id, "0 12 * * *"), TWIN_ERR_INVALID_CRON);
  CHECK_CONTAINS(twin_last_error_message(), "5 fields");
  CHECK_STATUS(twin_schedules_set(client, id, "0 0 25 * * * *"), TWIN_ERR_INVALID_CRON);
  CHECK_CONTAINS(twin_last_error_message(), "hour");

  CHECK_OK(twin_schedules_delete(client, id));
  CHECK_OK(twin_schedules_get(client, id, &schedule));
  CHECK(schedule == NULL);
  CHECK_STATUS(twin_schedules_pause(client, id), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 404);
  CHECK_STATUS(twin_schedules_resume(client, id), TWIN_ERR_API);
  CHECK_STATUS(twin_schedules_get(client, "no-such-agent", &schedule), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 403);
  CHECK_OK(twin_agents_delete(client, id));
  rc = 0;
cleanup:
  twin_schedule_free(schedule);
  twin_schedule_list_free(list);
  twin_agent_free(agent);
  return rc;
}

int main(void) {
  int failures = 0;
  twin_client *client = test_client();
  if (client == NULL) {
    return 1;
  }
  RUN(failures, test_schedule_lifecycle(client));
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
