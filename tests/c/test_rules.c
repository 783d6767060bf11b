/*
 * The interface's general rules (issue 16), on a delivery the library verifies itself, so no
 * service is needed: what a getter returns for an absent value and for a NULL handle and how
 * the last error tells them apart, has_value on every path, outputs untouched by a failure, and
 * the settings where 0 is refused.
 */
#include "check.h"

static const char BODY[] =
    "{\"event\":\"run.started\",\"timestamp\":1700000000,"
    "\"data\":{\"run_id\":\"r1\",\"agent_id\":\"a1\"}}";

/* A verified delivery of BODY (no outcome, no finished_at), or NULL. */
static twin_delivery *delivery_of_body(void) {
  const char *secrets[1] = {"rules-secret"};
  char *signature = NULL;
  twin_signature_options *options = twin_signature_options_new();
  twin_delivery *delivery = NULL;
  if (twin_signature_sign((const uint8_t *)BODY, strlen(BODY), secrets[0], &signature) != TWIN_OK ||
      twin_signature_options_set_now(options, 1700000000) != TWIN_OK ||
      twin_signature_unwrap((const uint8_t *)BODY, strlen(BODY), signature, NULL, secrets, 1,
                            options, &delivery) != TWIN_OK) {
    fprintf(stderr, "cannot make a delivery: %s\n", twin_last_error_message());
  }
  twin_string_free(signature);
  twin_signature_options_free(options);
  return delivery;
}

static int test_absent_value_and_null_handle(void) {
  int rc = 1;
  bool has_value = true;
  twin_delivery *delivery = delivery_of_body();
  CHECK(delivery != NULL);
  /* absent: NULL (or 0 with has_value false), the last error as it was */
  twin_last_error_clear();
  CHECK(twin_delivery_outcome(delivery) == NULL);
  CHECK(twin_delivery_finished_at(delivery, &has_value) == 0 && !has_value);
  CHECK(twin_last_error_status() == TWIN_OK);
  CHECK_STR(twin_delivery_run_id(delivery), "r1");
  /* a NULL handle: the same NULL, 0 and false, with TWIN_ERR_NULL_ARGUMENT recorded */
  has_value = true;
  CHECK(twin_delivery_outcome(NULL) == NULL);
  CHECK(twin_last_error_status() == TWIN_ERR_NULL_ARGUMENT);
  twin_last_error_clear();
  CHECK(twin_delivery_finished_at(NULL, &has_value) == 0 && !has_value);
  CHECK(twin_last_error_status() == TWIN_ERR_NULL_ARGUMENT);
  rc = 0;
cleanup:
  twin_delivery_free(delivery);
  return rc;
}

static int test_a_failure_leaves_outputs_as_they_were(void) {
  int rc = 1;
  const char *secrets[1] = {"another-secret"};
  twin_delivery *delivery = delivery_of_body();
  twin_delivery *held = delivery;
  CHECK(delivery != NULL);
  CHECK_STATUS(twin_signature_unwrap((const uint8_t *)BODY, strlen(BODY), "sha256=00", NULL,
                                     secrets, 1, NULL, &delivery),
               TWIN_ERR_SIGNATURE);
  CHECK(delivery == held); /* still the caller's handle: nothing lost, nothing to double-free */
  CHECK_STR(twin_delivery_event(delivery), "run.started");
  rc = 0;
cleanup:
  twin_delivery_free(delivery);
  return rc;
}

static int test_zero_is_refused_where_it_means_nothing(void) {
  int rc = 1;
  twin_wait_options *wait = twin_wait_options_new();
  twin_follow_options *follow = twin_follow_options_new();
  twin_event_list_params *events = twin_event_list_params_new();
  twin_agent_list_params *agents = twin_agent_list_params_new();
  twin_instruction_history_params *history = twin_instruction_history_params_new();
  CHECK(wait && follow && events && agents && history);
  /* a poll loop without a pause, an empty page, an empty history */
  CHECK_STATUS(twin_wait_options_set_poll_interval_ms(wait, 0), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(twin_wait_options_set_max_poll_interval_ms(wait, 0), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(twin_follow_options_set_poll_interval_ms(follow, 0), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(twin_event_list_params_set_page_size(events, 0), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(twin_agent_list_params_set_page_size(agents, 0), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(twin_instruction_history_params_set_limit(history, 0), TWIN_ERR_INVALID_ARGUMENT);
  /* 1 is a real setting; a timeout of 0 is too (one look at the run) */
  CHECK_OK(twin_wait_options_set_poll_interval_ms(wait, 1));
  CHECK_OK(twin_wait_options_set_timeout_ms(wait, 0));
  CHECK_OK(twin_event_list_params_set_page_size(events, 1));
  rc = 0;
cleanup:
  twin_wait_options_free(wait);
  twin_follow_options_free(follow);
  twin_event_list_params_free(events);
  twin_agent_list_params_free(agents);
  twin_instruction_history_params_free(history);
  return rc;
}

int main(void) {
  int failures = 0;
  RUN(failures, test_absent_value_and_null_handle());
  RUN(failures, test_a_failure_leaves_outputs_as_they_were());
  RUN(failures, test_zero_is_refused_where_it_means_nothing());
  return failures == 0 ? 0 : 1;
}
