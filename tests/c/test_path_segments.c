/* Ids as path segments: agents created with ids holding `/`, `..`, `?`, `#`, `%`, spaces and
 * non-ASCII reach the emulator as one segment each: twin_agents_get (one segment) and
 * twin_runs_start/_get and twin_instructions_* (the id followed by more segments) find exactly
 * that agent, never a neighbour whose id is a prefix or a decoded form of it. */
#include "check.h"

static const char *const IDS[] = {
    "a/b",          "a/../b",       "..",          ".",          "../a",      "a/..",
    "a?b=c",        "?",            "a#b",         "#",          "100%",      "%",
    "%2F",          "a%2Fb",        "%41",         "%%",         "with space", " lead",
    "trail ",       "a+b",          "a;b=c",       "a\\b",       "a&b",       "a:b@c",
    "\xc3\xbcnic\xc3\xb8" "de", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x9a\x80 rocket",
    "tab\there",    "a//b",         "/",           "//",         "a/",        "~user",
};
#define N_IDS (sizeof IDS / sizeof IDS[0])

/* Neighbours that a wrong encoding would hit instead: created first, so a mix-up shows. */
static const char *const DECOYS[] = {"a", "b", "A", "a b", "user"};
#define N_DECOYS (sizeof DECOYS / sizeof DECOYS[0])

static twin_status create_with_id(const twin_client *client, const char *id, twin_agent **out) {
  twin_agent_create_params *params = twin_agent_create_params_new();
  twin_status status = twin_agent_create_params_set_agent_id(params, id);
  if (status == TWIN_OK) {
    status = twin_agents_create(client, params, out);
  }
  twin_agent_create_params_free(params);
  return status;
}

static int test_one_id(const twin_client *client, const char *id) {
  int rc = 1;
  twin_agent *created = NULL;
  twin_agent *fetched = NULL;
  twin_agent *gone = NULL;
  twin_run *run = NULL;
  twin_run *got = NULL;
  twin_instruction *instructions = NULL;
  twin_run_start_params *start = twin_run_start_params_new();

  CHECK(start != NULL);
  CHECK_OK(create_with_id(client, id, &created));
  CHECK_STR(twin_agent_id(created), id);
  CHECK_OK(twin_agents_get(client, id, &fetched));
  CHECK_STR(twin_agent_id(fetched), id);
  /* the id followed by more segments */
  CHECK_OK(twin_instructions_update(client, id, id, NULL));
  CHECK_OK(twin_instructions_get(client, id, &instructions));
  CHECK(instructions != NULL);
  CHECK_STR(twin_instruction_content(instructions), id);
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: events=7 step_ms=1]"));
  CHECK_OK(twin_runs_start(client, id, start, &run));
  CHECK_STR(twin_run_agent_id(run), id);
  CHECK_OK(twin_runs_get(client, id, twin_run_id(run), &got));
  CHECK_STR(twin_run_agent_id(got), id);
  /* deleted, it is gone under exactly that id */
  CHECK_OK(twin_agents_delete(client, id));
  CHECK_STATUS(twin_agents_get(client, id, &gone), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 403);
  rc = 0;
cleanup:
  if (rc != 0) {
    fprintf(stderr, "  with agent id \"%s\"\n", id);
  }
  twin_agent_free(created);
  twin_agent_free(fetched);
  twin_agent_free(gone);
  twin_run_free(run);
  twin_run_free(got);
  twin_instruction_free(instructions);
  twin_run_start_params_free(start);
  return rc;
}

static int test_ids_are_one_segment(const twin_client *client) {
  int rc = 1;
  size_t i;
  twin_agent *agent = NULL;
  for (i = 0; i < N_DECOYS; i++) {
    CHECK_OK(create_with_id(client, DECOYS[i], &agent));
    twin_agent_free(agent);
    agent = NULL;
  }
  for (i = 0; i < N_IDS; i++) {
    CHECK(test_one_id(client, IDS[i]) == 0);
  }
  /* the decoys are untouched */
  for (i = 0; i < N_DECOYS; i++) {
    CHECK_OK(twin_agents_get(client, DECOYS[i], &agent));
    CHECK_STR(twin_agent_id(agent), DECOYS[i]);
    twin_agent_free(agent);
    agent = NULL;
    CHECK_OK(twin_agents_delete(client, DECOYS[i]));
  }
  printf("ids: %zu\n", N_IDS);
  rc = 0;
cleanup:
  twin_agent_free(agent);
  return rc;
}

int main(void) {
  int failures = 0;
  twin_client *client = test_client();
  if (client == NULL) {
    return 1;
  }
  RUN(failures, test_ids_are_one_segment(client));
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
