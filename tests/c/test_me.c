/* GET /v1/me: twin_me_get and the twin_user getters. */
#include "check.h"

static int test_me(const twin_client *client) {
  int rc = 1;
  twin_user *me = NULL;
  CHECK_OK(twin_me_get(client, &me));
  CHECK(me != NULL);
  CHECK(strncmp(twin_user_id(me), "user_", 5) == 0);
  CHECK(strlen(twin_user_id(me)) == 5 + 26); /* user_ + ULID */
  CHECK_CONTAINS(twin_user_json(me), twin_user_id(me));
  CHECK(twin_user_json(me) == twin_user_json(me)); /* the same borrowed string each time */
  rc = 0;
cleanup:
  twin_user_free(me);
  return rc;
}

int main(void) {
  int failures = 0;
  twin_client *client = test_client();
  if (client == NULL) {
    return 1;
  }
  RUN(failures, test_me(client));
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
