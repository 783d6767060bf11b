/* A 2xx answer that says the operation was not done ({"success": false}, {"deleted": false},
 * {"revoked": false}, {"workspace": null}) is TWIN_ERR_OPERATION_FAILED, with the service's
 * words in twin_last_error_detail() and the answer's status in twin_last_error_http_status().
 * test_c.py creates the objects, turns the emulator's `refuse` fault on (error text "nope"),
 * runs this program with their ids, then checks that nothing changed.
 *
 * Usage: test_refusals AGENT_ID WORKSPACE_ID KEY_ID RUN_ID */
#include "check.h"

/* Fails unless the last call was refused with `detail` (NULL: the service gave none). */
#define CHECK_REFUSED(call, detail)                                                     \
  do {                                                                                  \
    CHECK_STATUS(call, TWIN_ERR_OPERATION_FAILED);                                      \
    CHECK(twin_last_error_http_status() == 200);                                        \
    CHECK_STR(twin_last_error_detail(), (detail));                                      \
    CHECK(!twin_last_error_maybe_sent());                                               \
    CHECK_CONTAINS(twin_last_error_message(), "operation failed");                     \
  } while (0)

static int test_every_refusal(const twin_client *client, char **ids) {
  int rc = 1;
  const char *agent = ids[0], *workspace = ids[1], *key = ids[2], *run = ids[3];
  const char *order[1];
  twin_cancel_result *cancelled = NULL;
  twin_workspace *renamed = NULL;
  order[0] = workspace;

  CHECK_REFUSED(twin_schedules_set(client, agent, "0 0 10 * * Tue *"), "nope");
  CHECK_REFUSED(twin_schedules_pause(client, agent), "nope");
  CHECK_REFUSED(twin_schedules_resume(client, agent), "nope");
  CHECK_REFUSED(twin_schedules_delete(client, agent), "nope");
  CHECK_REFUSED(twin_agents_move(client, agent, workspace), "nope");
  CHECK_REFUSED(twin_instructions_update(client, agent, "After.", NULL), "nope");
  CHECK_REFUSED(twin_runs_cancel(client, agent, run, NULL, &cancelled), "nope");
  CHECK(cancelled == NULL); /* outputs are written only on success */
  /* The live schemas give these no `error` member. */
  CHECK_REFUSED(twin_workspaces_reorder(client, order, 1), NULL);
  CHECK_REFUSED(twin_api_keys_revoke(client, key), NULL);
  CHECK_REFUSED(twin_workspaces_update(client, workspace, "renamed", NULL, &renamed), NULL);
  CHECK(renamed == NULL);
  CHECK_REFUSED(twin_workspaces_delete(client, workspace), "nope");
  CHECK_STR(twin_status_str(TWIN_ERR_OPERATION_FAILED), "TWIN_ERR_OPERATION_FAILED");
  rc = 0;
cleanup:
  twin_cancel_result_free(cancelled);
  twin_workspace_free(renamed);
  return rc;
}

int main(int argc, char **argv) {
  int failures = 0;
  twin_client *client = NULL;
  if (argc != 5) {
    fprintf(stderr, "usage: %s AGENT_ID WORKSPACE_ID KEY_ID RUN_ID\n", argv[0]);
    return 2;
  }
  if (twin_client_new(NULL, &client) != TWIN_OK) {
    fprintf(stderr, "client: %s\n", twin_last_error_message());
    return 1;
  }
  RUN(failures, test_every_refusal(client, argv + 1));
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
