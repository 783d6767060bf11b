/* /v1/agents: list (cursor paging), create with parameters, get, move, delete, and the
 * twin_agent getters. */
#include "check.h"

#define AGENTS 5

static int test_create_get_move_delete(const twin_client *client) {
  int rc = 1;
  twin_agent_create_params *params = twin_agent_create_params_new();
  twin_agent *agent = NULL;
  twin_agent *fetched = NULL;
  twin_agent *moved = NULL;
  twin_agent *derived = NULL;
  twin_workspace *workspace = NULL;
  bool has_value = false;

  CHECK(params != NULL);
  CHECK_OK(twin_workspaces_create(client, "C agents", &workspace));
  CHECK_OK(twin_agent_create_params_set_agent_id(params, "c-test-agent-1"));
  CHECK_OK(twin_agent_create_params_set_owner_user_id(params, "user_01KPPW8HKFNH8CH1GEQ73Y6VB3"));
  CHECK_OK(twin_agent_create_params_set_is_subagent(params, false));
  CHECK_OK(twin_agents_create(client, params, &agent));
  CHECK_STR(twin_agent_id(agent), "c-test-agent-1");
  CHECK(twin_agent_name(agent) == NULL); /* named later, by its first instructions */
  CHECK(twin_agent_workspace_id(agent) != NULL);
  CHECK_STR(twin_agent_deployment_state(agent), "draft");
  CHECK(!twin_agent_has_runs(agent));
  CHECK(twin_agent_latest_run_id(agent) == NULL);
  CHECK(twin_agent_latest_run_status(agent) == NULL);
  CHECK(!twin_agent_latest_run_is_finished(agent));
  CHECK(!twin_agent_latest_run_has_pending_input(agent));
  CHECK(twin_agent_last_activity_at(agent, &has_value) > 1700000000);
  CHECK(has_value);
  CHECK_CONTAINS(twin_agent_icon_config(agent), "backgroundColor");
  CHECK_CONTAINS(twin_agent_json(agent), "\"agent_id\":\"c-test-agent-1\"");

  /* an explicit id that exists already: 409 */
  CHECK_STATUS(twin_agents_create(client, params, &fetched), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 409);
  CHECK(fetched == NULL);

  CHECK_OK(twin_instructions_update(client, "c-test-agent-1", "# Inbox helper\nSummarise.", NULL));
  CHECK_OK(twin_agents_get(client, "c-test-agent-1", &fetched));
  CHECK_STR(twin_agent_name(fetched), "Inbox helper");

  CHECK_OK(twin_agents_move(client, "c-test-agent-1", twin_workspace_id(workspace)));
  CHECK_OK(twin_agents_get(client, "c-test-agent-1", &moved));
  CHECK_STR(twin_agent_workspace_id(moved), twin_workspace_id(workspace));
  CHECK_STATUS(twin_agents_move(client, "c-test-agent-1", "no-such-workspace"), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 404);

  twin_agent_create_params_free(params);
  params = twin_agent_create_params_new();
  CHECK_OK(twin_agent_create_params_set_derived_from_agent_id(params, "c-test-agent-1"));
  CHECK_OK(twin_agent_create_params_set_workspace_id(params, twin_workspace_id(workspace)));
  CHECK_OK(twin_agents_create(client, params, &derived));
  CHECK_STR(twin_agent_workspace_id(derived), twin_workspace_id(workspace));

  CHECK_OK(twin_agents_delete(client, twin_agent_id(derived)));
  CHECK_OK(twin_agents_delete(client, "c-test-agent-1"));
  CHECK_STATUS(twin_agents_delete(client, "c-test-agent-1"), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 403);
  CHECK_OK(twin_workspaces_delete(client, twin_workspace_id(workspace)));
  rc = 0;
cleanup:
  twin_agent_create_params_free(params);
  twin_agent_free(agent);
  twin_agent_free(fetched);
  twin_agent_free(moved);
  twin_agent_free(derived);
  twin_workspace_free(workspace);
  return rc;
}

static int test_unknown_agent_is_403_with_problem(const twin_client *client) {
  int rc = 1;
  twin_agent *agent = NULL;
  CHECK_STATUS(twin_agents_get(client, "00000000-0000-7000-8000-000000000000", &agent),
               TWIN_ERR_API);
  CHECK(agent == NULL);
  CHECK(twin_last_error_http_status() == 403);
  CHECK_STR(twin_last_error_detail(), "you do not have access to this agent");
  CHECK_STR(twin_last_error_title(), "Forbidden");
  CHECK(twin_last_error_problem_type() != NULL);
  CHECK_STR(twin_last_error_message(), "403 forbidden: you do not have access to this agent");
  /* an id with a slash stays one path segment: still the agent route's 403 */
  CHECK_STATUS(twin_agents_get(client, "a/../../v1/me", &agent), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 403);
  CHECK_STATUS(twin_agents_get(client, "", &agent), TWIN_ERR_INVALID_ARGUMENT);
  rc = 0;
cleanup:
  twin_agent_free(agent);
  return rc;
}

static int test_list_pages_by_cursor(const twin_client *client) {
  int rc = 1;
  twin_workspace *workspace = NULL;
  twin_agent_create_params *params = twin_agent_create_params_new();
  twin_agent *created[AGENTS] = {NULL};
  twin_agent_iter *iter = NULL;
  twin_agent *item = NULL;
  twin_agent_list_params *list_params = twin_agent_list_params_new();
  int i;
  int seen = 0;

  CHECK(params != NULL && list_params != NULL);
  CHECK_OK(twin_workspaces_create(client, "C paging", &workspace));
  CHECK_OK(twin_agent_create_params_set_workspace_id(params, twin_workspace_id(workspace)));
  for (i = 0; i < AGENTS; i++) {
    CHECK_OK(twin_agents_create(client, params, &created[i]));
  }
  /* 5 agents, 2 a page: 3 pages, newest first, the filter kept on every page */
  CHECK_OK(twin_agent_list_params_set_workspace_id(list_params, twin_workspace_id(workspace)));
  CHECK_OK(twin_agent_list_params_set_page_size(list_params, 2));
  CHECK_OK(twin_agents_list(client, list_params, &iter));
  for (;;) {
    CHECK_OK(twin_agent_iter_next(iter, &item));
    if (item == NULL) {
      break;
    }
    CHECK(seen < AGENTS);
    CHECK_STR(twin_agent_id(item), twin_agent_id(created[AGENTS - 1 - seen]));
    CHECK_STR(twin_agent_workspace_id(item), twin_workspace_id(workspace));
    seen++;
    twin_agent_free(item);
    item = NULL;
  }
  CHECK(seen == AGENTS);
  CHECK_OK(twin_agent_iter_next(iter, &item)); /* still the end */
  CHECK(item == NULL);
  twin_agent_iter_free(iter);
  iter = NULL;

  /* NULL params: every workspace, default page size */
  seen = 0;
  CHECK_OK(twin_agents_list(client, NULL, &iter));
  for (;;) {
    CHECK_OK(twin_agent_iter_next(iter, &item));
    if (item == NULL) {
      break;
    }
    seen++;
    twin_agent_free(item);
    item = NULL;
  }
  CHECK(seen >= AGENTS);
  twin_agent_iter_free(iter);
  iter = NULL;

  /* a page size of 0 is refused at once; one the service refuses (it takes 1 to 100) fails on
     the first fetch, then the iteration is over */
  twin_agent_list_params_free(list_params);
  list_params = twin_agent_list_params_new();
  CHECK(list_params != NULL);
  CHECK_STATUS(twin_agent_list_params_set_page_size(list_params, 0), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_OK(twin_agent_list_params_set_page_size(list_params, 1000));
  CHECK_OK(twin_agents_list(client, list_params, &iter));
  CHECK_STATUS(twin_agent_iter_next(iter, &item), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 400);
  CHECK(item == NULL);
  CHECK_OK(twin_agent_iter_next(iter, &item));
  CHECK(item == NULL);
  CHECK_OK(twin_workspaces_delete(client, twin_workspace_id(workspace)));
  rc = 0;
cleanup:
  for (i = 0; i < AGENTS; i++) {
    twin_agent_free(created[i]);
  }
  twin_agent_free(item);
  twin_agent_iter_free(iter);
  twin_agent_create_params_free(params);
  twin_agent_list_params_free(list_params);
  twin_workspace_free(workspace);
  return rc;
}

int main(void) {
  int failures = 0;
  twin_client *client = test_client();
  if (client == NULL) {
    return 1;
  }
  RUN(failures, test_create_get_move_delete(client));
  RUN(failures, test_unknown_agent_is_403_with_problem(client));
  RUN(failures, test_list_pages_by_cursor(client));
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
