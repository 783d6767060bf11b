/* /api/public/v1/access-api-keys: list, create, revoke, and the twin_api_key getters. */
#include "check.h"

static const twin_api_key *find_key(const twin_api_key_list *list, const char *key_id) {
  size_t i;
  for (i = 0; i < twin_api_key_list_len(list); i++) {
    const twin_api_key *key = twin_api_key_list_get(list, i);
    if (key != NULL && strcmp(twin_api_key_id(key), key_id) == 0) {
      return key;
    }
  }
  return NULL;
}

/* Whether a client using `api_key` is let in (1), refused with 401 (0), or neither (-1). */
static int key_works(const char *api_key) {
  int works = -1;
  twin_client_options *options = twin_client_options_new();
  twin_client *client = NULL;
  twin_user *me = NULL;
  twin_status status;
  CHECK_OK(twin_client_options_set_api_key(options, api_key));
  CHECK_OK(twin_client_options_set_max_retries(options, 0));
  CHECK_OK(twin_client_new(options, &client));
  status = twin_me_get(client, &me);
  if (status == TWIN_OK) {
    works = 1;
  } else if (status == TWIN_ERR_API && twin_last_error_http_status() == 401) {
    works = 0;
  }
cleanup:
  twin_user_free(me);
  twin_client_free(client);
  twin_client_options_free(options);
  return works;
}

static int test_create_list_revoke(const twin_client *client) {
  int rc = 1;
  twin_api_key *created = NULL;
  twin_api_key_list *list = NULL;
  const twin_api_key *listed = NULL;
  char key_id[64] = "";
  char secret[256] = "";
  bool has_value = false;

  CHECK_OK(twin_api_keys_create(client, "c test key", &created));
  CHECK(strlen(twin_api_key_id(created)) == 32);
  CHECK_STR(twin_api_key_name(created), "c test key");
  CHECK(strlen(twin_api_key_display_prefix(created)) == 8);
  CHECK(twin_api_key_secret(created) != NULL);
  CHECK_CONTAINS(twin_api_key_secret(created), twin_api_key_display_prefix(created));
  CHECK(twin_api_key_created_at(created, &has_value) > 1700000000);
  CHECK(has_value);
  CHECK(twin_api_key_last_used_at(created, &has_value) == 0);
  CHECK(!has_value);
  CHECK_CONTAINS(twin_api_key_json(created), "\"api_key\"");
  snprintf(key_id, sizeof key_id, "%s", twin_api_key_id(created));
  snprintf(secret, sizeof secret, "%s", twin_api_key_secret(created));

  CHECK(key_works(secret) == 1);

  CHECK_OK(twin_api_keys_list(client, &list));
  CHECK(twin_api_key_list_len(list) >= 1);
  listed = find_key(list, key_id);
  CHECK(listed != NULL);
  CHECK_STR(twin_api_key_name(listed), "c test key");
  CHECK(twin_api_key_secret(listed) == NULL); /* a listed key never carries its secret */
  CHECK(strstr(twin_api_key_json(listed), secret) == NULL);
  CHECK(twin_api_key_list_get(list, twin_api_key_list_len(list)) == NULL);
  CHECK_CONTAINS(twin_last_error_message(), "out of range");

  CHECK_OK(twin_api_keys_revoke(client, key_id));
  CHECK(key_works(secret) == 0);
  CHECK_STATUS(twin_api_keys_revoke(client, key_id), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 404);
  CHECK_CONTAINS(twin_last_error_detail(), key_id);
  rc = 0;
cleanup:
  twin_api_key_free(created);
  twin_api_key_list_free(list);
  return rc;
}

static int test_invalid_names(const twin_client *client) {
  int rc = 1;
  twin_api_key *key = NULL;
  char long_name[200];
  memset(long_name, 'k', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  CHECK_STATUS(twin_api_keys_create(client, "", &key), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(twin_api_keys_create(client, long_name, &key), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(twin_last_error_message(), "128");
  CHECK(key == NULL);
  CHECK_STATUS(twin_api_keys_revoke(client, ""), TWIN_ERR_INVALID_ARGUMENT);
  rc = 0;
cleanup:
  twin_api_key_free(key);
  return rc;
}

int main(void) {
  int failures = 0;
  twin_client *client = test_client();
  if (client == NULL) {
    return 1;
  }
  RUN(failures, test_create_list_revoke(client));
  RUN(failures, test_invalid_names(client));
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
