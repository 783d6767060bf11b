/*
 * verify_webhook.c: check a webhook delivery the way a receiver would, before trusting it.
 * Twin POSTs a JSON body with `X-Cobb-Signature: sha256=<hex HMAC>` and `X-Cobb-Event`; pass
 * the raw body bytes, both headers and your webhook's signing secret(s) to twin_signature_unwrap.
 * Here the delivery is made up and signed with twin_signature_sign, as a test would.
 *
 *   cc verify_webhook.c -o verify_webhook $(pkg-config --cflags --libs twin) && ./verify_webhook
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <twin.h>

int main(void) {
  int rc = 1;
  char body[512];
  char stamp[32];
  char *signature = NULL;
  twin_delivery *event = NULL;
  /* while rotating, pass the old and the new secret */
  const char *secrets[] = {"whsec_old_secret", "whsec_example_secret"};
  time_t now = time(NULL);
  twin_status status;

  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  snprintf(body, sizeof body,
           "{\"event\":\"run.completed\",\"timestamp\":\"%s\",\"data\":{\"run_id\":\"r1\","
           "\"agent_id\":\"a1\",\"status\":\"completed\",\"outcome\":\"success\"}}",
           stamp);
  if (twin_signature_sign((const uint8_t *)body, strlen(body), secrets[1], &signature) != TWIN_OK) {
    goto cleanup;
  }
  printf("X-Cobb-Signature: %s\n", signature);

  /* NULL options: the defaults, a timestamp within 300 s of the system clock */
  status = twin_signature_unwrap((const uint8_t *)body, strlen(body), signature, "run.completed",
                                 secrets, 2, NULL, &event);
  if (status != TWIN_OK) {
    fprintf(stderr, "rejected: %s (%s)\n", twin_last_error_message(), twin_last_error_signature_kind());
    goto cleanup;
  }
  printf("verified %s: run %s of agent %s, outcome %s\n", twin_delivery_event(event),
         twin_delivery_run_id(event), twin_delivery_agent_id(event),
         twin_delivery_outcome(event));

  /* a tampered body is refused */
  body[strlen(body) - 3] = 'X';
  status = twin_signature_verify((const uint8_t *)body, strlen(body), signature, secrets, 2);
  if (status != TWIN_ERR_SIGNATURE) {
    goto cleanup;
  }
  printf("tampered body rejected: %s (%s)\n", twin_last_error_message(), twin_last_error_signature_kind());
  rc = 0;
cleanup:
  twin_delivery_free(event);
  twin_string_free(signature);
  return rc;
}
