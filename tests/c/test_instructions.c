/* /v1/agents/{id}/instructions: get, update, history, and the twin_instruction and
 * twin_instruction_version getters. */
#include "check.h"

static int test_instructions(const twin_client *client) {
  int rc = 1;
  twin_agent *agent = new_agent(client);
  twin_instruction *current = NULL;
  twin_instruction_version_list *history = NULL;
  const twin_instruction_version *newest = NULL;
  const twin_instruction_version *oldest = NULL;
  twin_instruction_update_params *source = twin_instruction_update_params_new();
  twin_instruction_history_params *newest_only = twin_instruction_history_params_new();
  bool has_value = false;

  CHECK(agent != NULL && source != NULL && newest_only != NULL);
  CHECK_OK(twin_instructions_get(client, twin_agent_id(agent), &current));
  CHECK(current == NULL); /* none yet: the service answers {} */
  CHECK_OK(twin_instructions_history(client, twin_agent_id(agent), NULL, &history));
  CHECK(twin_instruction_version_list_len(history) == 0);
  twin_instruction_version_list_free(history);
  history = NULL;

  CHECK_OK(twin_instructions_update(client, twin_agent_id(agent), "# First\nDo one thing.", NULL));
  CHECK_OK(twin_instruction_update_params_set_source_type(source, "checkpoint"));
  CHECK_OK(twin_instruction_update_params_set_source_id(source, "c-test:2"));
  CHECK_OK(twin_instructions_update(client, twin_agent_id(agent), "# Second\nDo two things. é✓", source));
  CHECK_OK(twin_instructions_get(client, twin_agent_id(agent), &current));
  CHECK(current != NULL);
  CHECK_STR(twin_instruction_content(current), "# Second\nDo two things. é✓");
  CHECK(strlen(twin_instruction_content_hash(current)) == 64);
  CHECK(twin_instruction_updated_at(current, &has_value) > 1700000000);
  CHECK(has_value);
  CHECK_STR(twin_instruction_source_id(current), "c-test:2");
  CHECK_CONTAINS(twin_instruction_json(current), "\"content\"");

  CHECK_OK(twin_instructions_history(client, twin_agent_id(agent), NULL, &history));
  CHECK(twin_instruction_version_list_len(history) == 2);
  newest = twin_instruction_version_list_get(history, 0);
  oldest = twin_instruction_version_list_get(history, 1);
  CHECK(twin_instruction_version_id(newest) > twin_instruction_version_id(oldest));
  CHECK_STR(twin_instruction_version_content(newest), "# Second\nDo two things. é✓");
  CHECK_STR(twin_instruction_version_source_type(newest), "checkpoint");
  CHECK_STR(twin_instruction_version_source_id(newest), "c-test:2");
  CHECK_STR(twin_instruction_version_source_type(oldest), "checkpoint"); /* no source_type sent: live records checkpoint */
  CHECK_STR(twin_instruction_version_content_hash(newest), twin_instruction_content_hash(current));
  CHECK(twin_instruction_version_created_at(oldest, &has_value) > 1700000000);
  CHECK(has_value);
  CHECK_CONTAINS(twin_instruction_version_json(oldest), "storage_key"); /* unknown fields kept */
  CHECK(twin_instruction_version_list_get(history, 2) == NULL);
  twin_instruction_version_list_free(history);
  history = NULL;

  CHECK_OK(twin_instruction_history_params_set_limit(newest_only, 1));
  CHECK_OK(twin_instructions_history(client, twin_agent_id(agent), newest_only, &history));
  CHECK(twin_instruction_version_list_len(history) == 1);

  CHECK_STATUS(twin_instructions_update(client, "no-such-agent", "x", NULL), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 403);
  CHECK_OK(twin_agents_delete(client, twin_agent_id(agent)));
  rc = 0;
cleanup:
  twin_agent_free(agent);
  twin_instruction_free(current);
  twin_instruction_version_list_free(history);
  twin_instruction_update_params_free(source);
  twin_instruction_history_params_free(newest_only);
  return rc;
}

int main(void) {
  int failures = 0;
  twin_client *client = test_client();
  if (client == NULL) {
    return 1;
  }
  RUN(failures, test_instructions(client));
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
