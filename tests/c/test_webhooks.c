/* /v1/agents/{id}/webhooks: create, list, get, update, delete, the twin_webhook getters, and a
 * real delivery: the emulator POSTs signed run events to a tiny HTTP receiver in this program,
 * which checks them with twin_signature_unwrap() and the webhook's signing secret. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

#define MAX_REQUEST 65536

/* Frees `old` and gives new, empty update parameters (a set field cannot be unset). */
static twin_webhook_update_params *fresh_update(twin_webhook_update_params *old) {
  twin_webhook_update_params_free(old);
  return twin_webhook_update_params_new();
}

static int test_crud(const twin_client *client, const char *agent_id) {
  int rc = 1;
  const char *events[] = {"run.started", "run.completed"};
  const char *one_event[] = {"run.failed"};
  const char *no_such_event[] = {"run.finished"};
  twin_webhook *created = NULL;
  twin_webhook *fetched = NULL;
  twin_webhook *updated = NULL;
  twin_webhook_update_params *update = NULL;
  twin_webhook_list *list = NULL;
  const twin_webhook *listed = NULL;
  bool has_value = false;
  char id[64];

  CHECK_OK(twin_webhooks_create(client, agent_id, "https://example.com/hook", events, 2, &created));
  snprintf(id, sizeof id, "%s", twin_webhook_id(created));
  CHECK(strlen(id) == 36);
  CHECK_STR(twin_webhook_agent_id(created), agent_id); /* filled in from the request */
  CHECK_STR(twin_webhook_url(created), "https://example.com/hook");
  CHECK(twin_webhook_events_len(created) == 2);
  CHECK_STR(twin_webhook_events_get(created, 0), "run.started");
  CHECK_STR(twin_webhook_events_get(created, 1), "run.completed");
  CHECK(twin_webhook_events_get(created, 2) == NULL);
  CHECK_STR(twin_webhook_status(created), "active");
  CHECK(twin_webhook_created_at(created, &has_value) > 1700000000);
  CHECK(has_value);
  twin_webhook_updated_at(created, NULL);
  CHECK(twin_webhook_signing_secret(created) != NULL);
  CHECK(strlen(twin_webhook_signing_secret(created)) > 8);
  CHECK_CONTAINS(twin_webhook_json(created), "signing_secret");

  CHECK_OK(twin_webhooks_list(client, agent_id, &list));
  CHECK(twin_webhook_list_len(list) == 1);
  listed = twin_webhook_list_get(list, 0);
  CHECK_STR(twin_webhook_id(listed), id);
  CHECK(twin_webhook_signing_secret(listed) == NULL); /* shown only at creation */
  CHECK(strstr(twin_webhook_json(listed), twin_webhook_signing_secret(created)) == NULL);

  CHECK_OK(twin_webhooks_get(client, agent_id, id, &fetched));
  CHECK_STR(twin_webhook_url(fetched), "https://example.com/hook");
  CHECK_STR(twin_webhook_agent_id(fetched), agent_id);

  update = fresh_update(update);
  CHECK(update != NULL);
  CHECK_OK(twin_webhook_update_params_set_url(update, "https://example.com/other"));
  CHECK_OK(twin_webhook_update_params_set_events(update, one_event, 1));
  CHECK_OK(twin_webhook_update_params_set_status(update, "disabled"));
  CHECK_OK(twin_webhooks_update(client, agent_id, id, update, &updated));
  CHECK_STR(twin_webhook_url(updated), "https://example.com/other");
  CHECK(twin_webhook_events_len(updated) == 1);
  CHECK_STR(twin_webhook_events_get(updated, 0), "run.failed");
  CHECK_STR(twin_webhook_status(updated), "disabled");
  twin_webhook_free(updated);
  updated = NULL;
  /* a field not set stays as it is */
  update = fresh_update(update);
  CHECK(update != NULL);
  CHECK_OK(twin_webhook_update_params_set_status(update, "active"));
  CHECK_OK(twin_webhooks_update(client, agent_id, id, update, &updated));
  CHECK_STR(twin_webhook_url(updated), "https://example.com/other");
  CHECK(twin_webhook_events_len(updated) == 1);
  CHECK_STR(twin_webhook_status(updated), "active");
  twin_webhook_updated_at(updated, &has_value);
  CHECK(has_value);
  twin_webhook_free(updated);
  updated = NULL;
  /* NULL params: nothing changes */
  CHECK_OK(twin_webhooks_update(client, agent_id, id, NULL, &updated));
  CHECK_STR(twin_webhook_url(updated), "https://example.com/other");
  CHECK(twin_webhook_events_len(updated) == 1);
  CHECK_STR(twin_webhook_events_get(updated, 0), "run.failed");
  CHECK_STR(twin_webhook_status(updated), "active");

  /* refused locally */
  update = fresh_update(update);
  CHECK(update != NULL);
  CHECK_OK(twin_webhook_update_params_set_url(update, "ftp://example.com"));
  CHECK_STATUS(twin_webhooks_update(client, agent_id, id, update, &fetched), TWIN_ERR_INVALID_ARGUMENT);
  update = fresh_update(update);
  CHECK(update != NULL);
  CHECK_OK(twin_webhook_update_params_set_events(update, events, 0));
  CHECK_STATUS(twin_webhooks_update(client, agent_id, id, update, &fetched), TWIN_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(twin_webhooks_create(client, agent_id, "https://example.com", no_such_event, 1, &fetched),
               TWIN_ERR_INVALID_ARGUMENT);
  CHECK_CONTAINS(twin_last_error_message(), "run.finished");
  CHECK_STATUS(twin_webhooks_create(client, agent_id, "example.com", events, 2, &fetched),
               TWIN_ERR_INVALID_ARGUMENT);
  /* refused by the service */
  update = fresh_update(update);
  CHECK(update != NULL);
  CHECK_OK(twin_webhook_update_params_set_status(update, "sleeping"));
  CHECK_STATUS(twin_webhooks_update(client, agent_id, id, update, &fetched), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 400 || twin_last_error_http_status() == 422);

  CHECK_OK(twin_webhooks_delete(client, agent_id, id));
  twin_webhook_free(fetched);
  fetched = NULL;
  CHECK_STATUS(twin_webhooks_get(client, agent_id, id, &fetched), TWIN_ERR_API);
  CHECK(twin_last_error_http_status() == 404);
  CHECK(fetched == NULL);
  CHECK_STATUS(twin_webhooks_delete(client, agent_id, id), TWIN_ERR_API);
  rc = 0;
cleanup:
  twin_webhook_free(created);
  twin_webhook_free(fetched);
  twin_webhook_free(updated);
  twin_webhook_update_params_free(update);
  twin_webhook_list_free(list);
  return rc;
}

/* A listening socket on 127.0.0.1 with a free port (written to *port), or -1. */
static int listen_local(int *port) {
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return -1;
  }
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 8) != 0 ||
      getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

/* The value of header `name` in the request head `head` (NUL-terminated), copied to `out`. */
static bool header_value(const char *head, const char *name, char *out, size_t out_len) {
  const char *line = strstr(head, "\r\n");
  size_t name_len = strlen(name);
  while (line != NULL && line[2] != '\r' && line[2] != '\0') {
    const char *start = line + 2;
    const char *end = strstr(start, "\r\n");
    if (end == NULL) {
      return false;
    }
    if ((size_t)(end - start) > name_len && strncasecmp(start, name, name_len) == 0 &&
        start[name_len] == ':') {
      const char *value = start + name_len + 1;
      size_t n;
      while (*value == ' ') {
        value++;
      }
      n = (size_t)(end - value);
      if (n >= out_len) {
        return false;
      }
      memcpy(out, value, n);
      out[n] = '\0';
      return true;
    }
    line = end;
  }
  return false;
}

/* Receives one HTTP request on `listener` within `timeout_ms`: its body into `body` (length in
 * *body_len) and its two webhook headers. Answers 200 and closes. */
static bool receive_delivery(int listener, int timeout_ms, char *body, size_t *body_len,
                             char *signature, char *event) {
  static char buf[MAX_REQUEST + 1];
  struct pollfd pfd;
  size_t got = 0;
  const char *head_end = NULL;
  char length_text[32];
  size_t content_length = 0;
  size_t head_len = 0;
  bool ok = false;
  int conn;
  const char *reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

  pfd.fd = listener;
  pfd.events = POLLIN;
  if (poll(&pfd, 1, timeout_ms) != 1) {
    return false;
  }
  conn = accept(listener, NULL, NULL);
  if (conn < 0) {
    return false;
  }
  for (;;) {
    ssize_t n;
    pfd.fd = conn;
    if (poll(&pfd, 1, 5000) != 1) {
      goto done;
    }
    n = read(conn, buf + got, MAX_REQUEST - got);
    if (n <= 0) {
      goto done;
    }
    got += (size_t)n;
    buf[got] = '\0';
    if (head_end == NULL && (head_end = strstr(buf, "\r\n\r\n")) != NULL) {
      head_len = (size_t)(head_end - buf) + 4;
      if (!header_value(buf, "content-length", length_text, sizeof length_text)) {
        goto done;
      }
      content_length = strtoul(length_text, NULL, 10);
    }
    if (head_end != NULL && got >= head_len + content_length) {
      break;
    }
    if (got == MAX_REQUEST) {
      goto done;
    }
  }
  if (!header_value(buf, "x-cobb-signature", signature, 128) ||
      !header_value(buf, "x-cobb-event", event, 64)) {
    goto done;
  }
  memcpy(body, buf + head_len, content_length);
  *body_len = content_length;
  ok = write(conn, reply, strlen(reply)) == (ssize_t)strlen(reply);
done:
  close(conn);
  return ok;
}

static int test_real_delivery(const twin_client *client, const char *agent_id) {
  int rc = 1;
  int port = 0;
  int listener = listen_local(&port);
  char url[64];
  const char *events[] = {"run.started", "run.completed"};
  twin_webhook *webhook = NULL;
  twin_run *run = NULL;
  twin_run_start_params *start = twin_run_start_params_new();
  twin_delivery *event = NULL;
  static char body[MAX_REQUEST];
  char signature[128];
  char event_name[64];
  size_t body_len = 0;
  const char *secrets[2] = {"whsec_old_secret", NULL};
  const char *wrong[1] = {"whsec_wrong"};
  bool saw_started = false;
  bool saw_completed = false;
  int deliveries;

  CHECK(listener >= 0 && start != NULL);
  snprintf(url, sizeof url, "http://127.0.0.1:%d/hook", port);
  CHECK_OK(twin_webhooks_create(client, agent_id, url, events, 2, &webhook));
  secrets[1] = twin_webhook_signing_secret(webhook); /* rotation: the old secret goes first */
  CHECK_OK(twin_run_start_params_set_message(start, "[emulator: events=8 step_ms=5]"));
  CHECK_OK(twin_runs_start(client, agent_id, start, &run));

  for (deliveries = 0; deliveries < 6 && !(saw_started && saw_completed); deliveries++) {
    CHECK(receive_delivery(listener, 15000, body, &body_len, signature, event_name));
    CHECK_OK(twin_signature_verify((const uint8_t *)body, body_len, signature, secrets, 2));
    CHECK_STATUS(twin_signature_verify((const uint8_t *)body, body_len, signature, wrong, 1),
                 TWIN_ERR_SIGNATURE);
    CHECK_STR(twin_last_error_signature_kind(), "NoMatch");
    CHECK_OK(twin_signature_unwrap((const uint8_t *)body, body_len, signature, event_name, secrets, 2,
                                   NULL, &event));
    CHECK_STR(twin_delivery_run_id(event), twin_run_id(run));
    CHECK_STR(twin_delivery_agent_id(event), agent_id);
    CHECK_STR(twin_delivery_event(event), event_name);
    if (twin_delivery_kind(event) == TWIN_DELIVERY_RUN_STARTED) {
      saw_started = true;
    } else if (twin_delivery_kind(event) == TWIN_DELIVERY_RUN_COMPLETED) {
      saw_completed = true;
      CHECK_STR(twin_delivery_outcome(event), "success");
      CHECK_STR(twin_delivery_status(event), "completed");
      CHECK(twin_delivery_finished_at(event, NULL) > 1700000000);
    }
    twin_delivery_free(event);
    event = NULL;
  }
  CHECK(saw_started);
  CHECK(saw_completed);
  CHECK_OK(twin_webhooks_delete(client, agent_id, twin_webhook_id(webhook)));
  rc = 0;
cleanup:
  if (listener >= 0) {
    close(listener);
  }
  twin_webhook_free(webhook);
  twin_run_free(run);
  twin_run_start_params_free(start);
  twin_delivery_free(event);
  return rc;
}

int main(void) {
  int failures = 0;
  twin_client *client = test_client();
  twin_agent *agent = NULL;
  if (client == NULL || (agent = new_agent(client)) == NULL) {
    twin_client_free(client);
    return 1;
  }
  RUN(failures, test_crud(client, twin_agent_id(agent)));
  RUN(failures, test_real_delivery(client, twin_agent_id(agent)));
  if (twin_agents_delete(client, twin_agent_id(agent)) != TWIN_OK) {
    failures++;
  }
  twin_agent_free(agent);
  twin_client_free(client);
  return failures == 0 ? 0 : 1;
}
