/*
 * receive_webhook.c: receive Twin's webhook deliveries in a minimal HTTP server (POSIX sockets)
 * and verify each one with twin_signature_unwrap before trusting it.
 *
 * handle_delivery() is the part to copy: read the raw body, verify it with the webhook's signing
 * secret(s) before parsing it, answer 2xx quickly, deduplicate on (agent, run, event). To show it
 * end to end, main() listens on a loopback port, subscribes an agent to it, starts a run and stops
 * after the run's final delivery; that works against the emulator, which runs on this machine. A
 * real Twin server needs a public https URL that reaches the receiver.
 *
 *   cc receive_webhook.c -o receive_webhook $(pkg-config --cflags --libs twin) && ./receive_webhook
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <twin.h>

#define MAX_REQUEST 65536

/* The value of header `name` in `head` (NUL-terminated header block), copied into `out`. */
static int header(const char *head, const char *name, char *out, size_t out_len) {
  size_t name_len = strlen(name);
  for (const char *line = head; line != NULL && *line != '\0';) {
    const char *end = strstr(line, "\r\n");
    if (strncasecmp(line, name, name_len) == 0 && line[name_len] == ':') {
      const char *value = line + name_len + 1;
      while (*value == ' ') {
        value++;
      }
      size_t len = end != NULL ? (size_t)(end - value) : strlen(value);
      if (len >= out_len) {
        return 0;
      }
      memcpy(out, value, len);
      out[len] = '\0';
      return 1;
    }
    line = end != NULL ? end + 2 : NULL;
  }
  return 0;
}

/* Reads one request from `fd`, verifies it, answers, and returns the verified event or NULL. */
static twin_delivery *handle_delivery(int fd, const char *const *secrets, size_t secrets_len) {
  static char request[MAX_REQUEST + 1];
  size_t used = 0;
  char *body = NULL;
  char length_text[32], signature[256], event_name[64];
  twin_delivery *event = NULL;

  /* the headers, then as much of the body as Content-Length announces */
  while (used < MAX_REQUEST) {
    ssize_t n = read(fd, request + used, MAX_REQUEST - used);
    if (n <= 0) {
      break;
    }
    used += (size_t)n;
    request[used] = '\0';
    if (body == NULL && (body = strstr(request, "\r\n\r\n")) != NULL) {
      *body = '\0'; /* ends the header block */
      body += 4;
    }
    if (body != NULL && header(request, "Content-Length", length_text, sizeof length_text) &&
        (size_t)(request + used - body) >= strtoul(length_text, NULL, 10)) {
      break;
    }
  }
  if (body != NULL && header(request, "Content-Length", length_text, sizeof length_text)) {
    size_t body_len = strtoul(length_text, NULL, 10);
    const char *sig = header(request, "X-Cobb-Signature", signature, sizeof signature) ? signature : NULL;
    const char *name = header(request, "X-Cobb-Event", event_name, sizeof event_name) ? event_name : NULL;
    if ((size_t)(request + used - body) >= body_len &&
        /* NULL options: the defaults, a timestamp within 300 s of the system clock */
        twin_signature_unwrap((const uint8_t *)body, body_len, sig, name, secrets, secrets_len, NULL, &event) != TWIN_OK) {
      fprintf(stderr, "rejected a delivery: %s\n", twin_last_error_message());
      event = NULL;
    }
  }
  const char *answer = event != NULL ? "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
                                     : "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  if (write(fd, answer, strlen(answer)) < 0) {
    perror("write");
  }
  return event;
}

int main(void) {
  int rc = 1;
  int server = -1;
  struct sockaddr_in address;
  socklen_t address_len = sizeof address;
  char url[64];
  const char *events[] = {"run.started", "run.completed", "run.failed", "run.stopped"};
  twin_client *client = NULL;
  twin_agent *agent = NULL;
  twin_webhook *webhook = NULL;
  twin_run *run = NULL;
  twin_run_start_params *start = twin_run_start_params_new();

  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if ((server = socket(AF_INET, SOCK_STREAM, 0)) < 0 || bind(server, (struct sockaddr *)&address, sizeof address) != 0 ||
      listen(server, 16) != 0 || getsockname(server, (struct sockaddr *)&address, &address_len) != 0) {
    perror("listen");
    goto cleanup;
  }
  snprintf(url, sizeof url, "http://127.0.0.1:%u/twin", (unsigned)ntohs(address.sin_port));
  printf("receiving on %s\n", url);

  if (twin_client_new(NULL, &client) != TWIN_OK || twin_agents_create(client, NULL, &agent) != TWIN_OK ||
      twin_webhooks_create(client, twin_agent_id(agent), url, events, 4, &webhook) != TWIN_OK ||
      twin_run_start_params_set_message(start, "Say hello") != TWIN_OK ||
      twin_runs_start(client, twin_agent_id(agent), start, &run) != TWIN_OK) {
    fprintf(stderr, "%s\n", twin_last_error_message());
    goto cleanup;
  }
  /* returned only once: store it safely (while rotating, pass the new and the old secret) */
  const char *secrets[] = {twin_webhook_signing_secret(webhook)};

  for (;;) {
    struct pollfd waiting = {.fd = server, .events = POLLIN};
    if (poll(&waiting, 1, 120000) <= 0) {
      fprintf(stderr, "no final delivery within 120 s\n");
      goto cleanup;
    }
    int connection = accept(server, NULL, NULL);
    if (connection < 0) {
      perror("accept");
      goto cleanup;
    }
    twin_delivery *event = handle_delivery(connection, secrets, 1);
    close(connection);
    if (event == NULL) {
      continue;
    }
    const char *name = twin_delivery_event(event);
    const char *outcome = twin_delivery_outcome(event);
    printf("verified %-14s run %s status %s outcome %s\n", name, twin_delivery_run_id(event),
           twin_delivery_status(event) ? twin_delivery_status(event) : "-", outcome ? outcome : "-");
    int final = strcmp(name, "run.started") != 0;
    twin_delivery_free(event);
    if (final) {
      break;
    }
  }
  rc = 0;
cleanup:
  if (agent != NULL && twin_agents_delete(client, twin_agent_id(agent)) != TWIN_OK) {
    rc = 1;
  }
  if (server >= 0) {
    close(server);
  }
  twin_run_free(run);
  twin_run_start_params_free(start);
  twin_webhook_free(webhook);
  twin_agent_free(agent);
  twin_client_free(client);
  return rc;
}
