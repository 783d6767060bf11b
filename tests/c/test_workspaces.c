/* /v1/workspaces: list, create, update, reorder, delete, and the twin_workspace getters. */
#include "check.h"

static const twin_workspace *find_workspace(const twin_workspace_list *list, const char *id) {
  size_t i;
  for (i = 0; i < twin_workspace_list_len(list); i++) {
    const twin_workspace *ws = twin_workspace_list_get(list, i);
    if (strcmp(twin_workspace_id(ws), id) == 0) {
      return ws;
    }
  }
  return NULL;
}

static int test_workspace_lifecycle(const twin_client *client) {
  int rc = 1;
  twin_workspace *first = NULL;
  twin_workspace *second = NULL;
  twin_workspace *updated = NULL;
  twin_workspace_list *list = NULL;
  twin_agent_create_params *params = NULL;
  twin_workspace_update_params *update = NULL;
  twin_agent *agent = NULL;
  twin_agent *gone = NULL;
  const twin_workspace *listed = NULL;
  const char *order[2];
  bool has_value = false;

  CHECK_OK(twin_workspaces_create(client, "C first", &first));
  CHECK_OK(twin_workspaces_create(client, "C second", &second));
  CHECK(strlen(twin_workspace_id(first)) == 36); /* a UUID */
  CHECK_STR(twin_workspace_name(first), "C first");
  CHECK(twin_workspace_agent_count(first) == 0);
  CHECK(twin_workspace_created_at(first, &has_value) > 1700000000);
  CHECK(has_value);
  twin_workspace_updated_at(first, NULL);
  CHECK(twin_workspace_position(second) == 0); /* a new workspace goes first */
  CHECK_CONTAINS(twin_workspace_json(first), "\"workspace_id\"");

  /* an agent in the first workspace shows in its count */
  params = twin_agent_create_params_new();
  CHECK_OK(twin_agent_create_params_set_workspace_id(params, twin_workspace_id(first)));
  CHECK_OK(twin_agents_create(client, params, &agent));

  update = twin_workspace_update_params_new();
  CHECK(update != NULL);
  CHECK_OK(twin_workspace_update_params_set_icon_config(
      update, "{\"icon\":\"Code\",\"backgroundColor\":\"#FFD93D\"}"));
  CHECK_OK(twin_workspaces_update(client, twin_workspace_id(first), "C renamed", update, &updated));
  CHECK_STR(twin_workspace_name(updated), "C renamed");
  CHECK_STR(twin_workspace_icon_config(updated), "{\"icon\":\"Code\",\"backgroundColor\":\"#FFD93D\"}");
  CHECK(twin_workspace_agent_count(updated) == 1);
  CHECK_OK(twin_workspace_update_params_set_icon_config(update, "{not json"));
  CHECK_STATUS(twin_workspaces_update(client, twin_workspace_id(first), "x", update, &updated),
               TWIN_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(twin_last_error_message(), "icon_config");

  order[0] = twin_workspace_id(first);
  order[1] = twin_workspace_id(second);
  CHECK_OK(twin_workspaces_reorder(client, order, 2));
  CHECK_OK(twin_workspaces_list(client, &list));
  listed = find_workspace(list, twin_workspace_id(first));
  CHECK(listed != NULL);
  CHECK(twin_workspace_position(listed) == 0);
  CHECK(twin_workspace_position(find_workspace(list, twin_workspace_id(second))) == 1);
  CHECK(twin_workspace_icon_config(listed) != NULL);
  CHECK_STATUS(twin_workspaces_reorder(client, order, 0), TWIN_ERR_INVALID_ARGUMENT);
  order[1] = "not-a-workspace";
  CHECK_STATUS(twin_workspaces_reorder(client, order, 2), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 400);

  /* deleting a workspace deletes its agents */
  CHECK_OK(twin_workspaces_delete(client, twin_workspace_id(first)));
  CHECK_STATUS(twin_agents_get(client, twin_agent_id(agent), &gone), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 403);
  CHECK_STATUS(twin_workspaces_delete(client, twin_workspace_id(first)), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 404);
  CHECK_OK(twin_workspaces_delete(client, twin_workspace_id(second)));
  CHECK_STATUS(twin_workspaces_create(client, "  ", &updated), TWIN_ERR_INVALID_ARGUMENT);
  rc = 0;
cleanup:
  twin_workspace_free(first);
  twin_workspace_free(second);
  twin_workspace_free(updated);
  twin_workspace_list_free(list);
  twin_agent_create_params_free(params);
  twin_workspace_update_params_free(update);
  twin_agent_free(agent);
  twin_agent_free(gone);
  return rc;
}

int main(void) {
  int failures = 0;
  twin_client *client = test_client();
  if (client == NULL) {
    return 1;
  }
  RUN(failures, test_workspace_lifecycle(client));
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
