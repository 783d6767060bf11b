/*
 * twin.h: the C interface of libtwin, the client of the Twin REST API. C99 or later (or
 * C++11 or later).
 *
 * libtwin is a thin layer over the SDK's Rust core: every endpoint, the error model, retries,
 * paging, waiting for runs, following events, webhook verification and cron behave exactly as
 * in the Rust and Python SDKs. Link with `pkg-config --cflags --libs twin`, or in CMake with
 * `find_package(twin 0.1 REQUIRED)` and the target twin::twin (twin::twin_static).
 *
 * VERSIONS
 *   TWIN_VERSION_NUMBER is 0xMMmmpp; `#if TWIN_VERSION_AT_LEAST(0, 1, 0)` tests it, and
 *   twin_version_number() gives the library's at run time. The shared library's SONAME,
 *   libtwin.so.N, changes whenever the ABI breaks; while the version is 0.x a minor release
 *   may change the API (CHANGELOG.md).
 *
 * NAMING (checked by tests/c/test_header.py, which reads this header)
 *   Every name is twin_ followed by one of:
 *   - <resource>_<verb>: an endpoint call, e.g. twin_runs_start(). Resources are named as in
 *     the API, plural: me, api_keys, workspaces, agents, runs, events, webhooks, schedules,
 *     instructions. The first argument is the client; the result is a twin_status.
 *   - <type>_<field>: a getter on a handle of type twin_<type> (its first argument), named after
 *     the JSON field it reads without repeating the type (twin_run_kind() reads `run_kind`,
 *     twin_run_id() reads `run_id`). Types are singular: user, api_key, workspace, agent, run,
 *     cancel_result, event, webhook, delivery (a received webhook call), schedule, instruction,
 *     instruction_version.
 *   - <type>_new/_free, <type>_set_<field> (and _add_<field> for a field that takes several
 *     values): make, free and fill a handle. Optional inputs of an endpoint always come in one
 *     params handle (twin_<type>_<verb>_params, e.g. twin_run_start_params) or, for waits,
 *     follows, clients and signature checks, one options handle (twin_wait_options,
 *     twin_follow_options, twin_client_options, twin_signature_options); NULL means all
 *     defaults. A new option is a new setter, never a new function. A string, string-array
 *     or cancel-token setter takes NULL to unset the field again; other fields keep their
 *     last value (start from a new handle to drop them).
 *   - <type>_list_len/_get/_free and <type>_iter_next/_free: lists and lazy iterators;
 *     <type>_<field>_len/_get for a field that is an array (twin_webhook_events_get()).
 *   - the library's own namespaces: version, string, status, last_error, log, cancel_token,
 *     cron, signature (verifying webhook deliveries: twin_signature_verify(), _sign(),
 *     _unwrap()).
 *   Every type is an opaque handle, used only through pointers.
 *
 * OWNERSHIP
 *   - A handle returned through an out-parameter (`twin_run **run_out`) or by a _new function
 *     belongs to the caller, who frees it with the matching _free function. Every _free
 *     function accepts NULL and does nothing.
 *   - Strings returned by getters are borrowed: NUL-terminated UTF-8, valid until the handle
 *     they came from is freed. Do not free them. An absent optional string is NULL.
 *   - A getter returns the same NULL (0, false) for an absent value and for a NULL handle; the
 *     difference is the last error: a NULL handle records TWIN_ERR_NULL_ARGUMENT, an absent
 *     value leaves the last error as it was. To tell them apart, call twin_last_error_clear()
 *     before the getter and twin_last_error_status() after it.
 *   - A getter never cuts a value short: a value containing a NUL byte (which a C string
 *     cannot carry) gives NULL and records TWIN_ERR_DECODE as the last error; the model's
 *     _json() getter has it, escaped as \u0000. Call twin_last_error_clear() before a getter
 *     to tell such a NULL (twin_last_error_status() is TWIN_ERR_DECODE) from an absent value.
 *   - An absent optional number is reported through a `bool *has_value` out-parameter (which may
 *     be NULL); the number is then 0. Timestamps are Unix seconds (UTC).
 *   - Items of a list (twin_<type>_list_get()) are borrowed from the list.
 *   - Strings the caller owns (`char **..._out`) are freed with twin_string_free().
 *   - Arguments are only borrowed for the duration of the call: the library copies what it
 *     keeps.
 *
 * ERRORS
 *   Every function that can fail returns a twin_status: TWIN_OK (0) on success, otherwise the
 *   kind of failure; it is declared TWIN_NODISCARD, so ignoring it is a compiler warning.
 *   Outputs are written only on success: a failure leaves an out-parameter as it was, so
 *   initialise handle variables to NULL (`twin_run *run = NULL;`) and cleanup may free them
 *   unconditionally. A setter that fails leaves the handle as it was. Details of the last failure on the
 *   calling thread are read with twin_last_error_message(), twin_last_error_http_status(),
 *   twin_last_error_problem_type(), twin_last_error_title(), twin_last_error_detail(),
 *   twin_last_error_request_id(), twin_last_error_retry_after_ms() and, for webhook
 *   verification, twin_last_error_signature_kind(); the strings stay valid until the next
 *   failure on that thread or twin_last_error_clear(). twin_last_error_status() is the last
 *   failure's status (TWIN_OK when none); successes do not reset it, so clear it before a call
 *   whose failure only a NULL tells. Reading the last error during a thread's teardown (from
 *   a thread-specific destructor) is safe: it reports nothing. twin_status_str() names a
 *   status.
 *   A pointer argument that is NULL gives TWIN_ERR_NULL_ARGUMENT, unless its documentation says
 *   "may be NULL"; a NULL array is accepted when its length is 0. A string that is not valid
 *   UTF-8 gives TWIN_ERR_INVALID_ARGUMENT. A panic inside the library is caught and reported as
 *   TWIN_ERR_PANIC; it never unwinds into C. Error messages never contain the API key or a
 *   signing secret.
 *
 * THREADS
 *   A twin_client may be used from several threads at once. A twin_cancel_token may be cancelled
 *   from any thread. Models (twin_run, twin_agent, ...) and lists never change after they are
 *   returned, so several threads may read one, but only one may free it. Iterators and the
 *   option and parameter handles (twin_client_options, twin_run_list_params, ...) must be used
 *   by one thread at a time. The last error is kept per thread.
 */

#ifndef TWIN_H
#define TWIN_H

/* Generated by cbindgen from bindings-c/src (build.rs). Do not edit: change the Rust source. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/*
 * TWIN_NODISCARD marks every function that returns a twin_status: ignoring the status is a
 * compiler warning ([[nodiscard]] in C++17 and C23, warn_unused_result in GCC and Clang).
 * Below C23 and C++17, GCC warns even through a (void) cast: to ignore a status on purpose,
 * write `if (twin_..._set_...(...) != TWIN_OK) { }`, or define TWIN_NODISCARD empty before
 * including this header.
 */
#ifndef TWIN_NODISCARD
#if defined(__cplusplus) && __cplusplus >= 201703L
#define TWIN_NODISCARD [[nodiscard]]
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ > 201710L
#define TWIN_NODISCARD [[nodiscard]]
#elif defined(__GNUC__) || defined(__clang__)
#define TWIN_NODISCARD __attribute__((warn_unused_result))
#else
#define TWIN_NODISCARD
#endif
#endif

/** The version of this header, the same as twin_version() of the library it came with. */
#define TWIN_VERSION_MAJOR 0
#define TWIN_VERSION_MINOR 1
#define TWIN_VERSION_PATCH 0
#define TWIN_VERSION_STRING "0.1.0"
/**
 * The version as one number, 0xMMmmpp (major, minor and patch, 8 bits each), as
 * twin_version_number() gives it at run time: compare versions as numbers, not strings.
 */
#define TWIN_VERSION_NUMBER 0x000100
/**
 * True (at compile time) when this header is version major.minor.patch or later:
 * `#if TWIN_VERSION_AT_LEAST(0, 2, 0)`. At run time, compare twin_version_number().
 */
#define TWIN_VERSION_AT_LEAST(major, minor, patch) \
  (TWIN_VERSION_NUMBER >= (((major) << 16) | ((minor) << 8) | (patch)))


/**
 * The value twin_cron_next_times() writes after the last fire time of a schedule that runs out
 * (a past year, a date that never exists): never a real fire time.
 */
#define TWIN_CRON_NO_TIME INT64_MIN

/**
 * What a fallible function returns: `TWIN_OK` (0) on success, otherwise the kind of failure.
 * Details are read with the `twin_last_error_*` functions.
 */
typedef enum {
  /**
   * Success; the outputs were written.
   */
  TWIN_OK = 0,
  /**
   * A pointer argument that must not be NULL was NULL.
   */
  TWIN_ERR_NULL_ARGUMENT = 1,
  /**
   * An argument was refused before any request was sent: a string that is not UTF-8, an
   * empty id, an unknown run mode, an index out of range, a missing API key, ...
   */
  TWIN_ERR_INVALID_ARGUMENT = 2,
  /**
   * The service answered with a status outside 2xx; see twin_last_error_http_status() and
   * the problem details (twin_last_error_problem_type(), twin_last_error_title(),
   * twin_last_error_detail()).
   */
  TWIN_ERR_API = 3,
  /**
   * No usable response arrived: the connection failed, dropped, or the body was cut off.
   * twin_last_error_maybe_sent() says whether the request may have reached the service.
   */
  TWIN_ERR_CONNECTION = 4,
  /**
   * The call, an attempt, or a wait ran past its time limit.
   */
  TWIN_ERR_TIMEOUT = 5,
  /**
   * A response could not be read as the expected answer: JSON that is not the expected
   * object, a body over the endpoint's size limit ("response too large": 4 MiB for one
   * object, 32 MiB for a page of agents or runs, 64 MiB for a page of events), or a list
   * whose pages do not advance. Never retried.
   */
  TWIN_ERR_DECODE = 6,
  /**
   * A 2xx response that is not an API answer (application/grpc, text/html, not JSON).
   */
  TWIN_ERR_UNEXPECTED_RESPONSE = 7,
  /**
   * A webhook delivery failed verification; see twin_last_error_signature_kind().
   */
  TWIN_ERR_SIGNATURE = 8,
  /**
   * A cron expression is not a valid 7-field Twin schedule.
   */
  TWIN_ERR_INVALID_CRON = 9,
  /**
   * A wait or a follow was stopped through its twin_cancel_token.
   */
  TWIN_ERR_CANCELLED = 10,
  /**
   * A bug: the library panicked. The panic was caught; the message says where.
   */
  TWIN_ERR_PANIC = 11,
  /**
   * The service answered 2xx but said the operation was not done (`{"success": false,
   * "error": "..."}`, `{"deleted": false}`, `{"revoked": false}`, `{"workspace": null}`):
   * nothing was changed. twin_last_error_detail() has the service's words, if any;
   * twin_last_error_http_status() the answer's status.
   */
  TWIN_ERR_OPERATION_FAILED = 12,
} twin_status;

/**
 * How much the library logs, from nothing to everything.
 */
typedef enum {
  TWIN_LOG_OFF = 0,
  TWIN_LOG_ERROR = 1,
  TWIN_LOG_WARN = 2,
  TWIN_LOG_INFO = 3,
  /**
   * One line per HTTP attempt.
   */
  TWIN_LOG_DEBUG = 4,
  TWIN_LOG_TRACE = 5,
} twin_log_level;

/**
 * The type of a webhook delivery, from its `event` name.
 */
typedef enum {
  /**
   * An event name this version does not know (read it with twin_delivery_event()).
   */
  TWIN_DELIVERY_UNKNOWN = 0,
  /**
   * `run.started`: a run began.
   */
  TWIN_DELIVERY_RUN_STARTED = 1,
  /**
   * `run.completed`: a run finished, whatever its outcome.
   */
  TWIN_DELIVERY_RUN_COMPLETED = 2,
  /**
   * `run.failed`: a run hit a policy error.
   */
  TWIN_DELIVERY_RUN_FAILED = 3,
  /**
   * `run.stopped`: a user stopped the run.
   */
  TWIN_DELIVERY_RUN_STOPPED = 4,
  /**
   * `run.paused`: the run was paused.
   */
  TWIN_DELIVERY_RUN_PAUSED = 5,
} twin_delivery_type;

/**
 * An agent.
 */
typedef struct twin_agent twin_agent;

/**
 * What a new agent gets; every field optional. Use from one thread at a time.
 */
typedef struct twin_agent_create_params twin_agent_create_params;

/**
 * Iterates over agents, fetching pages lazily. Use from one thread at a time; free
 * with twin_agent_iter_free().
 */
typedef struct twin_agent_iter twin_agent_iter;

/**
 * The optional inputs of twin_agents_list(). Use from one thread at a time.
 */
typedef struct twin_agent_list_params twin_agent_list_params;

/**
 * An API key. A listed key never carries its secret; a key just created by
 * twin_api_keys_create() does (twin_api_key_secret()).
 */
typedef struct twin_api_key twin_api_key;

/**
 * A list of API keys; its items are borrowed from it. Free with twin_api_key_list_free().
 */
typedef struct twin_api_key_list twin_api_key_list;

/**
 * The answer to twin_runs_cancel(). Cancelling is best-effort and idempotent: a run that has
 * already finished still gives success, with a note in twin_cancel_result_error().
 */
typedef struct twin_cancel_result twin_cancel_result;

/**
 * A flag another thread sets to stop a twin_runs_wait() or a twin_events_follow() whose options
 * hold it (twin_wait_options_set_cancel_token(), twin_follow_options_set_cancel_token()),
 * which then fail with TWIN_ERR_CANCELLED. May be cancelled
 * from any thread; functions that take it keep their own reference, so it may be freed while
 * they run.
 */
typedef struct twin_cancel_token twin_cancel_token;

/**
 * A client of the Twin API. Thread-safe: one client may serve several threads at once.
 */
typedef struct twin_client twin_client;

/**
 * Settings for twin_client_new(). Unset values come from the environment (`TWIN_API_KEY`,
 * `TWIN_BASE_URL`) or the defaults: base URL `https://build.twin.so`, connect timeout 10 s,
 * 60 s per attempt, 120 s per call including retries, 2 retries. Use from one thread at a time.
 */
typedef struct twin_client_options twin_client_options;

/**
 * A verified webhook delivery, from twin_signature_unwrap().
 */
typedef struct twin_delivery twin_delivery;

/**
 * One event of a run, with its nested type unwrapped (twin_event_kind()) and its protobuf Value
 * trees decoded to plain JSON (twin_event_payload_json()).
 */
typedef struct twin_event twin_event;

/**
 * Iterates over events (listed or followed), fetching pages lazily. Use from one thread at a time; free
 * with twin_event_iter_free().
 */
typedef struct twin_event_iter twin_event_iter;

/**
 * The optional inputs of twin_events_list(). Use from one thread at a time.
 */
typedef struct twin_event_list_params twin_event_list_params;

/**
 * How twin_events_follow() polls and when it gives up. Use from one thread at a time.
 */
typedef struct twin_follow_options twin_follow_options;

/**
 * An agent's current instructions.
 */
typedef struct twin_instruction twin_instruction;

/**
 * The optional inputs of twin_instructions_history(). Use from one thread at a time.
 */
typedef struct twin_instruction_history_params twin_instruction_history_params;

/**
 * The optional inputs of twin_instructions_update(). Use from one thread at a time.
 */
typedef struct twin_instruction_update_params twin_instruction_update_params;

/**
 * One version in an agent's instruction history.
 */
typedef struct twin_instruction_version twin_instruction_version;

/**
 * A list of instruction versions; its items are borrowed from it. Free with twin_instruction_version_list_free().
 */
typedef struct twin_instruction_version_list twin_instruction_version_list;

/**
 * A run of an agent. From a list it also carries its summary fields (`outcome`, `summary`,
 * `credits_consumed`).
 */
typedef struct twin_run twin_run;

/**
 * The optional inputs of twin_runs_cancel(). Use from one thread at a time.
 */
typedef struct twin_run_cancel_params twin_run_cancel_params;

/**
 * Iterates over runs, fetching pages lazily. Use from one thread at a time; free
 * with twin_run_iter_free().
 */
typedef struct twin_run_iter twin_run_iter;

/**
 * Filters and page size for twin_runs_list(); every field optional. Use from one thread at a time.
 */
typedef struct twin_run_list_params twin_run_list_params;

/**
 * The optional inputs of twin_runs_start(). Use from one thread at a time.
 */
typedef struct twin_run_start_params twin_run_start_params;

/**
 * An agent's cron schedule.
 */
typedef struct twin_schedule twin_schedule;

/**
 * A list of schedules; its items are borrowed from it. Free with twin_schedule_list_free().
 */
typedef struct twin_schedule_list twin_schedule_list;

/**
 * How twin_signature_unwrap() checks a delivery beyond its signature. Use from one thread at a time.
 */
typedef struct twin_signature_options twin_signature_options;

/**
 * The user an API key belongs to (GET /v1/me).
 */
typedef struct twin_user twin_user;

/**
 * How twin_runs_wait() polls and when it gives up. Use from one thread at a time.
 */
typedef struct twin_wait_options twin_wait_options;

/**
 * A webhook of an agent. Only a webhook just created by twin_webhooks_create() carries its
 * signing secret (twin_webhook_signing_secret()).
 */
typedef struct twin_webhook twin_webhook;

/**
 * A list of webhooks; its items are borrowed from it. Free with twin_webhook_list_free().
 */
typedef struct twin_webhook_list twin_webhook_list;

/**
 * What twin_webhooks_update() changes; what is not set stays as it is. Use from one thread at a time.
 */
typedef struct twin_webhook_update_params twin_webhook_update_params;

/**
 * A workspace: a folder of agents.
 */
typedef struct twin_workspace twin_workspace;

/**
 * A list of workspaces; its items are borrowed from it. Free with twin_workspace_list_free().
 */
typedef struct twin_workspace_list twin_workspace_list;

/**
 * The optional inputs of twin_workspaces_update(). Use from one thread at a time.
 */
typedef struct twin_workspace_update_params twin_workspace_update_params;

/**
 * One HTTP attempt of a call, as passed to a twin_attempt_fn. Never the key, a query string
 * or a body. The strings are NUL-terminated UTF-8, valid only during the call.
 */
typedef struct {
  /**
   * The HTTP method, e.g. "GET".
   */
  const char *method;
  /**
   * The route with its ids replaced by names, e.g. "/v1/agents/{agent_id}/runs".
   */
  const char *route;
  /**
   * The HTTP status (any, 2xx or not); 0 when no answer came.
   */
  uint16_t status;
  /**
   * 1 for the first attempt, 2 for the first retry, ...
   */
  uint32_t attempt;
  /**
   * Microseconds from sending the request to the end of reading the answer (or the failure).
   */
  uint64_t duration_us;
  /**
   * The request id the service sent (x-request-id), or NULL.
   */
  const char *request_id;
  /**
   * Why no answer came: "timeout", "connection", "too_large" or "other"; NULL when an
   * answer came.
   */
  const char *error;
} twin_attempt;

/**
 * Receives a twin_attempt and the `user_data` given to twin_client_options_set_on_attempt().
 * It is called on the thread making the call, before the call goes on (keep it short),
 * possibly from several threads at once.
 */
typedef void (*twin_attempt_fn)(const twin_attempt *attempt, void *user_data);

/**
 * Receives a log line: its level, the line (NUL-terminated UTF-8, valid only during the call)
 * and the `user_data` given to twin_log_set_handler(). It is called on the thread whose call
 * logged, possibly several threads at once; it must not call twin_log_set_handler().
 */
typedef void (*twin_log_fn)(twin_log_level level, const char *message, void *user_data);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * The library's version, e.g. `0.1.0`: the same as TWIN_VERSION_STRING of the header it was
 * built with. A static string.
 */
const char *twin_version(void);

/**
 * The library's version as one number, 0xMMmmpp (major, minor and patch, 8 bits each): the
 * TWIN_VERSION_NUMBER of the header it was built with. A program built against one header and
 * run with another library can check what it got: `twin_version_number() >= 0x000100`.
 */
uint32_t twin_version_number(void);

/**
 * Frees a string the library gave to the caller (a `char **..._out` argument). NULL does
 * nothing.
 */
void twin_string_free(char *string);

/**
 * The status of the last failure on this thread, or TWIN_OK when nothing failed since the
 * thread started or since twin_last_error_clear(). Successful calls do not change it: check
 * it only after a function returned a failure, or clear it first.
 */
TWIN_NODISCARD twin_status twin_last_error_status(void);

/**
 * Forgets the last failure of this thread: twin_last_error_status() is TWIN_OK and the other
 * twin_last_error_* functions report nothing until the next failure. Strings they returned
 * before become invalid. Use it before a call whose failure is told only by a NULL (a getter
 * of an optional value), to tell "absent" from "failed".
 */
void twin_last_error_clear(void);

/**
 * The message of the last failure on this thread, e.g. `403 forbidden: you do not have access
 * to this agent`; an empty string if nothing failed yet. Valid until the next failure on this
 * thread.
 */
const char *twin_last_error_message(void);

/**
 * The HTTP status of the last failure on this thread (TWIN_ERR_API, or
 * TWIN_ERR_UNEXPECTED_RESPONSE), or 0 when it had none.
 */
uint16_t twin_last_error_http_status(void);

/**
 * The problem type URI of the last TWIN_ERR_API failure on this thread (`about:blank` when the
 * service did not say), or NULL for other failures.
 */
const char *twin_last_error_problem_type(void);

/**
 * The problem title of the last TWIN_ERR_API failure on this thread (the HTTP reason phrase,
 * e.g. `Forbidden`, when the service did not say), or NULL for other failures.
 */
const char *twin_last_error_title(void);

/**
 * The problem detail of the last TWIN_ERR_API failure on this thread, e.g. `you do not have
 * access to this agent`, or NULL when there is none.
 */
const char *twin_last_error_detail(void);

/**
 * The request id (`x-request-id`) of the last TWIN_ERR_API failure on this thread, or NULL.
 */
const char *twin_last_error_request_id(void);

/**
 * How long the service asked to wait (`Retry-After`) in the last TWIN_ERR_API failure on this
 * thread, in milliseconds. `has_value` may be NULL; it is set to whether there was one.
 */
uint64_t twin_last_error_retry_after_ms(bool *has_value);

/**
 * Whether the request of the last failure on this thread may have reached the service and
 * been acted on although no answer says so: the connection dropped or timed out after
 * sending (TWIN_ERR_CONNECTION, TWIN_ERR_TIMEOUT), or the answer was 408 or 5xx
 * (TWIN_ERR_API). After such a failure of a call that is not safe to repeat
 * (twin_runs_start, creating an object without an id) check before trying again: it may
 * have happened. False when the request certainly did not get through (refused, DNS, TLS,
 * an argument refused before sending) and for other failures.
 */
bool twin_last_error_maybe_sent(void);

/**
 * Why the last TWIN_ERR_SIGNATURE failure on this thread happened, as a stable name:
 * `MissingHeader`, `MalformedHeader`, `NoMatch`, `NoSecrets`, `BodyTooLarge`, `EventMismatch`,
 * `StaleTimestamp` or `InvalidPayload`; NULL for other failures.
 */
const char *twin_last_error_signature_kind(void);

/**
 * The name of a status as a static string, e.g. `TWIN_ERR_API`; `TWIN_ERR_UNKNOWN` for a value
 * that is not a twin_status.
 */
const char *twin_status_str(int status);

/**
 * Sets a function that receives a twin_attempt for every HTTP attempt of the client's calls
 * (retries included), with `user_data`, for metrics and traces; see twin_attempt_fn.
 * `callback` may be NULL (no hook); `user_data` may be NULL.
 */
TWIN_NODISCARD
twin_status twin_client_options_set_on_attempt(twin_client_options *options,
                                               twin_attempt_fn callback,
                                               void *user_data);

/**
 * Makes a client. `options` may be NULL: everything then comes from the environment and the
 * defaults. Fails with TWIN_ERR_INVALID_ARGUMENT when there is no API key, the base URL is not
 * an http(s) URL, or a timeout is 0. Free the client with twin_client_free().
 */
TWIN_NODISCARD
twin_status twin_client_new(const twin_client_options *options,
                            twin_client **client_out);

/**
 * Frees a client. NULL does nothing. Calls still running on other threads must have returned.
 */
void twin_client_free(twin_client *client);

/**
 * New, empty client options, freed with twin_client_options_free(). NULL only if the library panicked.
 */
twin_client_options *twin_client_options_new(void);

/**
 * Sets the API key sent as `x-api-key` (otherwise `TWIN_API_KEY`). The key is never shown in
 * an error message.
 * `api_key` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_client_options_set_api_key(twin_client_options *options,
                                            const char *api_key);

/**
 * Sets the API's base URL, e.g. `http://127.0.0.1:8080` for a local emulator (otherwise
 * `TWIN_BASE_URL`, else `https://build.twin.so`). Checked by twin_client_new().
 * `base_url` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_client_options_set_base_url(twin_client_options *options,
                                             const char *base_url);

/**
 * Sets the time to establish a connection, in milliseconds (default 10000; 0 is refused by
 * twin_client_new()).
 */
TWIN_NODISCARD
twin_status twin_client_options_set_connect_timeout_ms(twin_client_options *options,
                                                       uint64_t connect_timeout_ms);

/**
 * Sets the time one attempt may take, from sending to the last byte of the response, in
 * milliseconds (default 60000; 0 is refused by twin_client_new()).
 */
TWIN_NODISCARD
twin_status twin_client_options_set_timeout_ms(twin_client_options *options,
                                               uint64_t timeout_ms);

/**
 * Sets the time a whole call may take, retries and pauses included, in milliseconds (default
 * 120000; 0 is refused by twin_client_new()).
 */
TWIN_NODISCARD
twin_status twin_client_options_set_total_timeout_ms(twin_client_options *options,
                                                     uint64_t total_timeout_ms);

/**
 * Sets how many times a failed call is retried (default 2). Connections that failed before
 * sending are always retried; 429, timeouts, 408 and 5xx only for calls that are safe to
 * repeat (never starting a run, writing instructions, nor creating a key, webhook, workspace
 * or an agent without an explicit id).
 */
TWIN_NODISCARD
twin_status twin_client_options_set_max_retries(twin_client_options *options,
                                                uint32_t max_retries);

/**
 * Trusts the PEM certificate (or bundle) `root_certificate_pem` in addition to the default
 * roots (see twin_client_options_set_system_roots()), e.g. a private CA; it never replaces
 * them. Certificates are always verified. May be called several times. A PEM without a
 * certificate is refused by twin_client_new().
 */
TWIN_NODISCARD
twin_status twin_client_options_add_root_certificate_pem(twin_client_options *options,
                                                         const char *root_certificate_pem);

/**
 * Sets whether the operating system's trust store is trusted beside Mozilla's roots, which
 * are built in (default: true). The store is read once per process, at the first client
 * made: the files `SSL_CERT_FILE` and `SSL_CERT_DIR` name when set, else the system's bundle.
 * false: Mozilla's roots and the added certificates only.
 */
TWIN_NODISCARD
twin_status twin_client_options_set_system_roots(twin_client_options *options,
                                                 bool system_roots);

/**
 * Frees a twin_client_options. NULL does nothing.
 */
void twin_client_options_free(twin_client_options *options);

/**
 * Sends the library's log lines of `max_level` (a twin_log_level) and more severe to
 * `handler`; TWIN_LOG_OFF turns the log off. `handler` may be NULL: lines then go to stderr.
 * `user_data` may be NULL; it is passed to `handler` as is. It applies to the whole process
 * and overrides the `TWIN_LOG` environment variable (which otherwise sends lines to stderr
 * once a client is made). At TWIN_LOG_DEBUG there is one line per HTTP attempt, e.g.
 * `GET /v1/me -> 200 (attempt 1, 3 ms)`; no line contains the API key, a signing secret or a
 * body. Fails with TWIN_ERR_INVALID_ARGUMENT for an unknown level, or when a Rust program
 * linking the library has installed a logger of Rust's `log` crate itself. A call already
 * logging on another thread may still reach the previous handler just after this returns:
 * keep its `user_data` alive until no client call is under way.
 */
TWIN_NODISCARD
twin_status twin_log_set_handler(twin_log_fn handler,
                                 int32_t max_level,
                                 void *user_data);

/**
 * A token not cancelled yet, freed with twin_cancel_token_free(). NULL only if the library
 * panicked.
 */
twin_cancel_token *twin_cancel_token_new(void);

/**
 * Asks every wait and follow holding this token to stop. Safe to call from any thread, and
 * more than once.
 */
TWIN_NODISCARD twin_status twin_cancel_token_cancel(const twin_cancel_token *token);

/**
 * Whether twin_cancel_token_cancel() was called; false for NULL.
 */
bool twin_cancel_token_is_cancelled(const twin_cancel_token *token);

/**
 * Frees a token. NULL does nothing.
 */
void twin_cancel_token_free(twin_cancel_token *token);

/**
 * The user the API key belongs to (`GET /v1/me`): a cheap check that the key works. On
 * success `*user_out` is a new twin_user, freed with twin_user_free().
 */
TWIN_NODISCARD twin_status twin_me_get(const twin_client *client, twin_user **user_out);

/**
 * The user's id (`user_id`): `user_` followed by a ULID.
 */
const char *twin_user_id(const twin_user *user);

/**
 * The complete JSON object as received, unknown fields included.
 */
const char *twin_user_json(const twin_user *user);

/**
 * Frees a twin_user. NULL does nothing.
 */
void twin_user_free(twin_user *user);

/**
 * Every API key of the account (not paginated). On success `*list_out` is a new list, freed
 * with twin_api_key_list_free().
 */
TWIN_NODISCARD
twin_status twin_api_keys_list(const twin_client *client,
                               twin_api_key_list **list_out);

/**
 * Creates an API key named `name` (1 to 128 characters). On success `*key_out` is a new
 * twin_api_key whose twin_api_key_secret() is the full key: store it, it is never shown
 * again. Never retried once sent.
 */
TWIN_NODISCARD
twin_status twin_api_keys_create(const twin_client *client,
                                 const char *name,
                                 twin_api_key **key_out);

/**
 * Revokes the key `key_id`: requests using it fail from now on.
 */
TWIN_NODISCARD twin_status twin_api_keys_revoke(const twin_client *client, const char *key_id);

/**
 * The key's id (`key_id`): 32 lowercase hex characters.
 */
const char *twin_api_key_id(const twin_api_key *key);

/**
 * The name given at creation (`name`).
 */
const char *twin_api_key_name(const twin_api_key *key);

/**
 * The first characters of the key's secret, to recognise it (`display_prefix`).
 */
const char *twin_api_key_display_prefix(const twin_api_key *key);

/**
 * When the key was created (`created_at`), in Unix seconds. `has_value` may be NULL.
 */
int64_t twin_api_key_created_at(const twin_api_key *key, bool *has_value);

/**
 * When the key was last used (`last_used_at`), in Unix seconds; absent if never. `has_value`
 * may be NULL.
 */
int64_t twin_api_key_last_used_at(const twin_api_key *key, bool *has_value);

/**
 * The full key (`api_key`), to send as `x-api-key`: only for a key just created by
 * twin_api_keys_create(), NULL for listed keys.
 */
const char *twin_api_key_secret(const twin_api_key *key);

/**
 * The complete JSON object as received, unknown fields included (with `api_key` for a key just created).
 */
const char *twin_api_key_json(const twin_api_key *key);

/**
 * Frees a twin_api_key. NULL does nothing.
 */
void twin_api_key_free(twin_api_key *key);

/**
 * The number of items in the list; 0 for NULL.
 */
size_t twin_api_key_list_len(const twin_api_key_list *list);

/**
 * Item `index` of the list, borrowed from it (valid until the list is freed); NULL when
 * `index` is out of range.
 */
const twin_api_key *twin_api_key_list_get(const twin_api_key_list *list, size_t index);

/**
 * Frees a list and its items. NULL does nothing.
 */
void twin_api_key_list_free(twin_api_key_list *list);

/**
 * Every workspace, in display order (not paginated). On success `*list_out` is a new list,
 * freed with twin_workspace_list_free().
 */
TWIN_NODISCARD
twin_status twin_workspaces_list(const twin_client *client,
                                 twin_workspace_list **list_out);

/**
 * Creates a workspace named `name`; it goes first in the display order. On success
 * `*workspace_out` is a new twin_workspace. Never retried once sent.
 */
TWIN_NODISCARD
twin_status twin_workspaces_create(const twin_client *client,
                                   const char *name,
                                   twin_workspace **workspace_out);

/**
 * Renames a workspace and optionally sets its icon. `params` may be NULL: the icon is left as
 * it is (twin_workspace_update_params_set_icon_config() sets a JSON text such as
 * `{"icon":"Code"}`, checked before sending). On success `*workspace_out` is the updated
 * workspace.
 */
TWIN_NODISCARD
twin_status twin_workspaces_update(const twin_client *client,
                                   const char *workspace_id,
                                   const char *name,
                                   const twin_workspace_update_params *params,
                                   twin_workspace **workspace_out);

/**
 * Deletes a workspace **and every agent in it**.
 */
TWIN_NODISCARD
twin_status twin_workspaces_delete(const twin_client *client,
                                   const char *workspace_id);

/**
 * Puts the `workspace_ids_len` workspaces of `workspace_ids` first, in this order (at least
 * one).
 */
TWIN_NODISCARD
twin_status twin_workspaces_reorder(const twin_client *client,
                                    const char *const *workspace_ids,
                                    size_t workspace_ids_len);

/**
 * The workspace's id (`workspace_id`), a UUIDv7.
 */
const char *twin_workspace_id(const twin_workspace *workspace);

/**
 * The display name (`name`).
 */
const char *twin_workspace_name(const twin_workspace *workspace);

/**
 * The display position (`position`), 0 first.
 */
int64_t twin_workspace_position(const twin_workspace *workspace);

/**
 * The number of agents in the workspace (`agent_count`).
 */
uint64_t twin_workspace_agent_count(const twin_workspace *workspace);

/**
 * The icon settings as JSON text (`icon_config`), e.g. `{"icon":"Code"}`; NULL when unset.
 */
const char *twin_workspace_icon_config(const twin_workspace *workspace);

/**
 * When the workspace was created (`created_at`), in Unix seconds. `has_value` may be NULL.
 */
int64_t twin_workspace_created_at(const twin_workspace *workspace, bool *has_value);

/**
 * When the workspace last changed (`updated_at`), in Unix seconds. `has_value` may be NULL.
 */
int64_t twin_workspace_updated_at(const twin_workspace *workspace, bool *has_value);

/**
 * The complete JSON object as received, unknown fields included.
 */
const char *twin_workspace_json(const twin_workspace *workspace);

/**
 * Frees a twin_workspace. NULL does nothing.
 */
void twin_workspace_free(twin_workspace *workspace);

/**
 * The number of items in the list; 0 for NULL.
 */
size_t twin_workspace_list_len(const twin_workspace_list *list);

/**
 * Item `index` of the list, borrowed from it (valid until the list is freed); NULL when
 * `index` is out of range.
 */
const twin_workspace *twin_workspace_list_get(const twin_workspace_list *list, size_t index);

/**
 * Frees a list and its items. NULL does nothing.
 */
void twin_workspace_list_free(twin_workspace_list *list);

/**
 * New, empty workspace update parameters, freed with twin_workspace_update_params_free(). NULL
 * only if the library panicked.
 */
twin_workspace_update_params *twin_workspace_update_params_new(void);

/**
 * The icon, as JSON text (`icon_config`), e.g. `{"icon":"Code"}`; twin_workspaces_update() checks
 * it is JSON before sending.
 * `icon_config` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_workspace_update_params_set_icon_config(twin_workspace_update_params *params,
                                                         const char *icon_config);

/**
 * Frees a twin_workspace_update_params. NULL does nothing.
 */
void twin_workspace_update_params_free(twin_workspace_update_params *params);

/**
 * Every agent, newest first, fetched lazily page by page (following `next_cursor`).
 * `params` may be NULL: agents of every workspace, the service's page size (10). Nothing is
 * fetched until twin_agent_iter_next(). On success `*iter_out` is a new iterator.
 */
TWIN_NODISCARD
twin_status twin_agents_list(const twin_client *client,
                             const twin_agent_list_params *params,
                             twin_agent_iter **iter_out);

/**
 * Creates an agent. `params` may be NULL: all defaults. Retried on failure only when an
 * explicit agent id is given. On success `*agent_out` is the new agent.
 */
TWIN_NODISCARD
twin_status twin_agents_create(const twin_client *client,
                               const twin_agent_create_params *params,
                               twin_agent **agent_out);

/**
 * One agent. An unknown or deleted agent fails with TWIN_ERR_API, HTTP status 403 and the
 * detail `you do not have access to this agent` (the service never says 404 for agents).
 */
TWIN_NODISCARD
twin_status twin_agents_get(const twin_client *client,
                            const char *agent_id,
                            twin_agent **agent_out);

/**
 * Deletes an agent and its runs.
 */
TWIN_NODISCARD twin_status twin_agents_delete(const twin_client *client, const char *agent_id);

/**
 * Moves an agent to the workspace `workspace_id`.
 */
TWIN_NODISCARD
twin_status twin_agents_move(const twin_client *client,
                             const char *agent_id,
                             const char *workspace_id);

/**
 * The agent's id (`agent_id`).
 */
const char *twin_agent_id(const twin_agent *agent);

/**
 * The display name (`agent_name.name`); NULL until the platform names the agent.
 */
const char *twin_agent_name(const twin_agent *agent);

/**
 * The workspace the agent belongs to (`workspace_id`), or NULL.
 */
const char *twin_agent_workspace_id(const twin_agent *agent);

/**
 * Whether the agent is deployed (`deployment_state`): `draft`, `deployed`, `not_deployed` or a
 * newer value; NULL when absent.
 */
const char *twin_agent_deployment_state(const twin_agent *agent);

/**
 * Whether the agent has ever run (`has_runs`).
 */
bool twin_agent_has_runs(const twin_agent *agent);

/**
 * The latest run's id (`latest_run_id`), or NULL.
 */
const char *twin_agent_latest_run_id(const twin_agent *agent);

/**
 * The latest run's status (`latest_run_status`), or NULL.
 */
const char *twin_agent_latest_run_status(const twin_agent *agent);

/**
 * Whether the latest run has finished (`latest_run_is_finished`).
 */
bool twin_agent_latest_run_is_finished(const twin_agent *agent);

/**
 * Whether the latest run waits for a person's input (`latest_run_has_pending_input`).
 */
bool twin_agent_latest_run_has_pending_input(const twin_agent *agent);

/**
 * When anything last happened to the agent (`last_activity_at`), in Unix seconds. `has_value`
 * may be NULL.
 */
int64_t twin_agent_last_activity_at(const twin_agent *agent, bool *has_value);

/**
 * The icon settings as JSON text (`icon_config`), or NULL.
 */
const char *twin_agent_icon_config(const twin_agent *agent);

/**
 * The complete JSON object as received, unknown fields included.
 */
const char *twin_agent_json(const twin_agent *agent);

/**
 * Frees a twin_agent. NULL does nothing.
 */
void twin_agent_free(twin_agent *agent);

/**
 * Fetches the next item: on success `*item_out` is a new twin_agent (free it with
 * twin_agent_free()), or NULL at the end of the list. After a failure the iteration ends.
 */
TWIN_NODISCARD twin_status twin_agent_iter_next(twin_agent_iter *iter, twin_agent **item_out);

/**
 * Frees an iterator. NULL does nothing.
 */
void twin_agent_iter_free(twin_agent_iter *iter);

/**
 * New, empty agent list parameters (every agent, the service's page size), freed with
 * twin_agent_list_params_free(). NULL only if the library panicked.
 */
twin_agent_list_params *twin_agent_list_params_new(void);

/**
 * Only agents of this workspace (`workspace_id`).
 * `workspace_id` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_agent_list_params_set_workspace_id(twin_agent_list_params *params,
                                                    const char *workspace_id);

/**
 * Agents per page (`limit`; the service takes 1 to 100, 0 is refused here); the iterator still walks every page.
 */
TWIN_NODISCARD
twin_status twin_agent_list_params_set_page_size(twin_agent_list_params *params,
                                                 uint32_t page_size);

/**
 * Frees a twin_agent_list_params. NULL does nothing.
 */
void twin_agent_list_params_free(twin_agent_list_params *params);

/**
 * New, empty agent creation parameters, freed with twin_agent_create_params_free(). NULL only if
 * the library panicked.
 */
twin_agent_create_params *twin_agent_create_params_new(void);

/**
 * The workspace to create the agent in (`workspace_id`).
 * `workspace_id` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_agent_create_params_set_workspace_id(twin_agent_create_params *params,
                                                      const char *workspace_id);

/**
 * The user who owns it (`owner_user_id`).
 * `owner_user_id` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_agent_create_params_set_owner_user_id(twin_agent_create_params *params,
                                                       const char *owner_user_id);

/**
 * Whether it is a subagent (`is_subagent`).
 */
TWIN_NODISCARD
twin_status twin_agent_create_params_set_is_subagent(twin_agent_create_params *params,
                                                     bool is_subagent);

/**
 * The agent it is derived from (`derived_from_agent_id`).
 * `derived_from_agent_id` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_agent_create_params_set_derived_from_agent_id(twin_agent_create_params *params,
                                                               const char *derived_from_agent_id);

/**
 * The id to create it with (`agent_id`), a UUID: makes the creation safe to retry (a repeat
 * finds the agent already there).
 * `agent_id` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_agent_create_params_set_agent_id(twin_agent_create_params *params,
                                                  const char *agent_id);

/**
 * Frees a twin_agent_create_params. NULL does nothing.
 */
void twin_agent_create_params_free(twin_agent_create_params *params);

/**
 * The agent's runs, newest first, fetched lazily page by page; the filters apply to every page.
 * `params` may be NULL: every run. Nothing is fetched until twin_run_iter_next(). On success
 * `*iter_out` is a new iterator.
 */
TWIN_NODISCARD
twin_status twin_runs_list(const twin_client *client,
                           const char *agent_id,
                           const twin_run_list_params *params,
                           twin_run_iter **iter_out);

/**
 * Starts a run of the agent. `params` may be NULL: a `run` with no user message (see
 * twin_run_start_params_new()). Never retried once it may have reached the service (a repeat
 * could start, and bill, a second run). On success `*run_out` is the new run.
 */
TWIN_NODISCARD
twin_status twin_runs_start(const twin_client *client,
                            const char *agent_id,
                            const twin_run_start_params *params,
                            twin_run **run_out);

/**
 * One run. A missing run fails with TWIN_ERR_API and HTTP status 404; an unknown agent with
 * 403.
 */
TWIN_NODISCARD
twin_status twin_runs_get(const twin_client *client,
                          const char *agent_id,
                          const char *run_id,
                          twin_run **run_out);

/**
 * Cancels a run. `params` may be NULL: no reason. Succeeds unless the service refuses; a run
 * that had already finished gives success with a note (twin_cancel_result_error()). On
 * success `*result_out` is a new twin_cancel_result.
 */
TWIN_NODISCARD
twin_status twin_runs_cancel(const twin_client *client,
                             const char *agent_id,
                             const char *run_id,
                             const twin_run_cancel_params *params,
                             twin_cancel_result **result_out);

/**
 * Deletes a run.
 */
TWIN_NODISCARD
twin_status twin_runs_delete(const twin_client *client,
                             const char *agent_id,
                             const char *run_id);

/**
 * Polls the run (with a growing pause, 0.5 s up to 5 s) until it is terminal (`completed`,
 * `error`, `stopped`) or `paused` (a person must act). `options` may be NULL: at most 10
 * minutes (then TWIN_ERR_TIMEOUT), not cancellable; twin_wait_options_new() sets another
 * limit, the pauses and a cancel token (then TWIN_ERR_CANCELLED). On success `*run_out` is
 * the run in its final state.
 */
TWIN_NODISCARD
twin_status twin_runs_wait(const twin_client *client,
                           const char *agent_id,
                           const char *run_id,
                           const twin_wait_options *options,
                           twin_run **run_out);

/**
 * The run's id (`run_id`), a UUIDv7.
 */
const char *twin_run_id(const twin_run *run);

/**
 * The agent the run belongs to (`agent_id`).
 */
const char *twin_run_agent_id(const twin_run *run);

/**
 * The run's status (`status`): `in_progress`, `completed`, `error`, `stopped`, `paused`, or a
 * newer value; NULL when the service sent none (twin_run_is_terminal() then goes by
 * `is_finished`).
 */
const char *twin_run_status(const twin_run *run);

/**
 * Whether the service reports the run finished (`is_finished`).
 */
bool twin_run_is_finished(const twin_run *run);

/**
 * What the run was asked to do (`goal`), or NULL when the service does not say.
 */
const char *twin_run_goal(const twin_run *run);

/**
 * The email of the user who started the run (`user_email`), or NULL when the service does
 * not say.
 */
const char *twin_run_user_email(const twin_run *run);

/**
 * Whether the status is terminal (`completed`, `error` or `stopped`): the run will not change
 * again. Not a JSON field; computed from `status`.
 */
bool twin_run_is_terminal(const twin_run *run);

/**
 * The outcome of a completed run (`outcome`): `success`, `partial`, `fail`, or a newer value;
 * NULL when absent.
 */
const char *twin_run_outcome(const twin_run *run);

/**
 * A sentence on what happened (`summary`), or NULL.
 */
const char *twin_run_summary(const twin_run *run);

/**
 * Credits used (`credits_consumed`). `has_value` may be NULL.
 */
uint64_t twin_run_credits_consumed(const twin_run *run, bool *has_value);

/**
 * The run's position among the agent's runs, from 1 (`run_number`; 0 in the start response).
 * `has_value` may be NULL.
 */
uint64_t twin_run_number(const twin_run *run, bool *has_value);

/**
 * `run` or `build` (`run_kind`), or NULL.
 */
const char *twin_run_kind(const twin_run *run);

/**
 * The policy (`policy_type`), e.g. `runner_v2`, or NULL.
 */
const char *twin_run_policy_type(const twin_run *run);

/**
 * The model (`policy_model`), or NULL.
 */
const char *twin_run_policy_model(const twin_run *run);

/**
 * When the run started (`started_at`), in Unix seconds. `has_value` may be NULL.
 */
int64_t twin_run_started_at(const twin_run *run, bool *has_value);

/**
 * When the run's last event was recorded (`last_event_at`), in Unix seconds. `has_value` may
 * be NULL.
 */
int64_t twin_run_last_event_at(const twin_run *run, bool *has_value);

/**
 * The complete JSON object as received, unknown fields included.
 */
const char *twin_run_json(const twin_run *run);

/**
 * Frees a twin_run. NULL does nothing.
 */
void twin_run_free(twin_run *run);

/**
 * Fetches the next item: on success `*item_out` is a new twin_run (free it with
 * twin_run_free()), or NULL at the end of the list. After a failure the iteration ends.
 */
TWIN_NODISCARD twin_status twin_run_iter_next(twin_run_iter *iter, twin_run **item_out);

/**
 * Frees an iterator. NULL does nothing.
 */
void twin_run_iter_free(twin_run_iter *iter);

/**
 * Whether the cancel succeeded (`success`): always true for a returned result.
 */
bool twin_cancel_result_success(const twin_cancel_result *result);

/**
 * The service's informational note (`error`), e.g. `run already completed`, or NULL.
 */
const char *twin_cancel_result_error(const twin_cancel_result *result);

/**
 * The result as JSON: `{"success": true}` plus `error` when the service sent a note.
 */
const char *twin_cancel_result_json(const twin_cancel_result *result);

/**
 * Frees a twin_cancel_result. NULL does nothing.
 */
void twin_cancel_result_free(twin_cancel_result *result);

/**
 * New, empty run list parameters, freed with twin_run_list_params_free(). NULL only if the library panicked.
 */
twin_run_list_params *twin_run_list_params_new(void);

/**
 * Only runs with this status (`filter_status`), e.g. `completed`.
 * `status` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_run_list_params_set_status(twin_run_list_params *params,
                                            const char *status);

/**
 * Only the run with this id (`filter_run_id`).
 * `run_id` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_run_list_params_set_run_id(twin_run_list_params *params,
                                            const char *run_id);

/**
 * Only runs of this policy type (`filter_policy_type`), e.g. `runner_v2`.
 * `policy_type` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_run_list_params_set_policy_type(twin_run_list_params *params,
                                                 const char *policy_type);

/**
 * Only `builder` or `runner` runs (`filter_policy_group`).
 * `policy_group` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_run_list_params_set_policy_group(twin_run_list_params *params,
                                                  const char *policy_group);

/**
 * Only runs started by the user with this email (`filter_user_email`).
 * `user_email` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_run_list_params_set_user_email(twin_run_list_params *params,
                                                const char *user_email);

/**
 * Only runs whose goal matches this text (`filter_goal`).
 * `goal` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_run_list_params_set_goal(twin_run_list_params *params,
                                          const char *goal);

/**
 * Only runs started at or after this time (`filter_started_after`), in Unix seconds.
 */
TWIN_NODISCARD
twin_status twin_run_list_params_set_started_after(twin_run_list_params *params,
                                                   int64_t started_after);

/**
 * Only runs started at or before this time (`filter_started_before`), in Unix seconds.
 */
TWIN_NODISCARD
twin_status twin_run_list_params_set_started_before(twin_run_list_params *params,
                                                    int64_t started_before);

/**
 * Runs per page (`page_size`; the service's default is 100; 0 is refused); the iterator still walks every page.
 */
TWIN_NODISCARD
twin_status twin_run_list_params_set_page_size(twin_run_list_params *params,
                                               uint32_t page_size);

/**
 * Frees a twin_run_list_params. NULL does nothing.
 */
void twin_run_list_params_free(twin_run_list_params *params);

/**
 * New run start parameters with the defaults (mode `run`, no message), freed with
 * twin_run_start_params_free(). NULL only if the library panicked.
 */
twin_run_start_params *twin_run_start_params_new(void);

/**
 * `run` (the default) or `build` (`run_mode`; any case, sent lowercase).
 * `mode` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_run_start_params_set_mode(twin_run_start_params *params,
                                           const char *mode);

/**
 * The user's message to the agent (`user_message`).
 * `message` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_run_start_params_set_message(twin_run_start_params *params,
                                              const char *message);

/**
 * Skip the deployment check (`skip_deploy_check`).
 */
TWIN_NODISCARD
twin_status twin_run_start_params_set_skip_deploy_check(twin_run_start_params *params,
                                                        bool skip_deploy_check);

/**
 * Frees a twin_run_start_params. NULL does nothing.
 */
void twin_run_start_params_free(twin_run_start_params *params);

/**
 * New, empty run cancel parameters, freed with twin_run_cancel_params_free(). NULL only if the library panicked.
 */
twin_run_cancel_params *twin_run_cancel_params_new(void);

/**
 * Why the run is cancelled (`reason`), recorded by the service.
 * `reason` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_run_cancel_params_set_reason(twin_run_cancel_params *params,
                                              const char *reason);

/**
 * Frees a twin_run_cancel_params. NULL does nothing.
 */
void twin_run_cancel_params_free(twin_run_cancel_params *params);

/**
 * New wait options with the defaults (at most 10 minutes, polls every 0.5 s growing to 5 s, no
 * cancel token), freed with twin_wait_options_free(). NULL only if the library panicked.
 */
twin_wait_options *twin_wait_options_new(void);

/**
 * Give up with TWIN_ERR_TIMEOUT after this many milliseconds (default 600000); the run is
 * looked at once even with 0; UINT64_MAX (any value too large to represent as a deadline) waits
 * without a limit.
 */
TWIN_NODISCARD
twin_status twin_wait_options_set_timeout_ms(twin_wait_options *options,
                                             uint64_t timeout_ms);

/**
 * The first pause between polls, in milliseconds (default 500); it grows by half each poll; 0 is refused.
 */
TWIN_NODISCARD
twin_status twin_wait_options_set_poll_interval_ms(twin_wait_options *options,
                                                   uint64_t poll_interval_ms);

/**
 * The longest pause between polls, in milliseconds (default 5000); 0 is refused.
 */
TWIN_NODISCARD
twin_status twin_wait_options_set_max_poll_interval_ms(twin_wait_options *options,
                                                       uint64_t max_poll_interval_ms);

/**
 * Another thread stops the wait with twin_cancel_token_cancel(`cancel_token`): it then fails
 * with TWIN_ERR_CANCELLED within a few tens of milliseconds. The options keep their own
 * reference to the token; free them in either order.
 * `cancel_token` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_wait_options_set_cancel_token(twin_wait_options *options,
                                               const twin_cancel_token *cancel_token);

/**
 * Frees a twin_wait_options. NULL does nothing.
 */
void twin_wait_options_free(twin_wait_options *options);

/**
 * The run's events in order, fetched lazily page by page, each page starting after the last
 * `event_index` seen: a snapshot (see twin_events_follow() for events still to come).
 * `params` may be NULL: from the first event, 500 per page. Nothing is fetched until
 * twin_event_iter_next(). On success `*iter_out` is a new iterator.
 */
TWIN_NODISCARD
twin_status twin_events_list(const twin_client *client,
                             const char *agent_id,
                             const char *run_id,
                             const twin_event_list_params *params,
                             twin_event_iter **iter_out);

/**
 * Every event of the run as it appears, each once and in order, until the run is terminal (or
 * paused) and every event has been read; twin_event_iter_next() blocks while it polls.
 * `options` may be NULL: the defaults (no time limit, not cancellable); with a cancel token
 * (twin_follow_options_set_cancel_token()) another thread can stop it. On success `*iter_out`
 * is a new iterator.
 */
TWIN_NODISCARD
twin_status twin_events_follow(const twin_client *client,
                               const char *agent_id,
                               const char *run_id,
                               const twin_follow_options *options,
                               twin_event_iter **iter_out);

/**
 * The event's index (`event_index`): large, sparse, growing within a run. Pass the last one as
 * `after_index` to continue.
 */
uint64_t twin_event_index(const twin_event *event);

/**
 * When the service recorded the event (`recorded_at`), in Unix seconds. `has_value` may be
 * NULL.
 */
int64_t twin_event_recorded_at(const twin_event *event, bool *has_value);

/**
 * The event type as sent (the key under the nested `event`), e.g. `Started`,
 * `ToolCallResolved`, `Finished`.
 */
const char *twin_event_kind(const twin_event *event);

/**
 * The agent (`agent_id`), or NULL.
 */
const char *twin_event_agent_id(const twin_event *event);

/**
 * The run (`run_id`), or NULL.
 */
const char *twin_event_run_id(const twin_event *event);

/**
 * The type's body as JSON text, with every protobuf Value tree decoded to plain JSON; `{}` for
 * types without a body.
 */
const char *twin_event_payload_json(const twin_event *event);

/**
 * The complete JSON item as received.
 */
const char *twin_event_json(const twin_event *event);

/**
 * Frees a twin_event. NULL does nothing.
 */
void twin_event_free(twin_event *event);

/**
 * Fetches the next item: on success `*item_out` is a new twin_event (free it with
 * twin_event_free()), or NULL at the end of the list. After a failure the iteration ends.
 */
TWIN_NODISCARD twin_status twin_event_iter_next(twin_event_iter *iter, twin_event **item_out);

/**
 * Frees an iterator. NULL does nothing.
 */
void twin_event_iter_free(twin_event_iter *iter);

/**
 * New, empty event list parameters (from the first event, 500 per page), freed with
 * twin_event_list_params_free(). NULL only if the library panicked.
 */
twin_event_list_params *twin_event_list_params_new(void);

/**
 * Only events with a greater `event_index` (default: from the first event).
 */
TWIN_NODISCARD
twin_status twin_event_list_params_set_after_index(twin_event_list_params *params,
                                                   uint64_t after_index);

/**
 * Events per page (`limit`, default and most 500; 0 is refused); the iterator still walks every page.
 */
TWIN_NODISCARD
twin_status twin_event_list_params_set_page_size(twin_event_list_params *params,
                                                 uint32_t page_size);

/**
 * Frees a twin_event_list_params. NULL does nothing.
 */
void twin_event_list_params_free(twin_event_list_params *params);

/**
 * New follow options with the defaults (from the first event, no time limit, polls every
 * 100 ms growing to 500 ms while idle, no cancel token), freed with twin_follow_options_free().
 * NULL only if the library panicked.
 */
twin_follow_options *twin_follow_options_new(void);

/**
 * Start after this `event_index` (default: from the first event).
 */
TWIN_NODISCARD
twin_status twin_follow_options_set_after_index(twin_follow_options *options,
                                                uint64_t after_index);

/**
 * Give up with TWIN_ERR_TIMEOUT after this many milliseconds (default: no limit; UINT64_MAX is
 * no limit too).
 */
TWIN_NODISCARD
twin_status twin_follow_options_set_timeout_ms(twin_follow_options *options,
                                               uint64_t timeout_ms);

/**
 * The pause after a poll that found nothing new, in milliseconds (default 100); it grows by a
 * quarter each idle poll up to the maximum; 0 is refused.
 */
TWIN_NODISCARD
twin_status twin_follow_options_set_poll_interval_ms(twin_follow_options *options,
                                                     uint64_t poll_interval_ms);

/**
 * The longest pause between idle polls, in milliseconds (default 500); 0 is refused.
 */
TWIN_NODISCARD
twin_status twin_follow_options_set_max_poll_interval_ms(twin_follow_options *options,
                                                         uint64_t max_poll_interval_ms);

/**
 * Another thread stops the follow with twin_cancel_token_cancel(`cancel_token`): the pending
 * twin_event_iter_next() then fails with TWIN_ERR_CANCELLED within a few tens of milliseconds.
 * The options keep their own reference to the token; free them in either order.
 * `cancel_token` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_follow_options_set_cancel_token(twin_follow_options *options,
                                                 const twin_cancel_token *cancel_token);

/**
 * Frees a twin_follow_options. NULL does nothing.
 */
void twin_follow_options_free(twin_follow_options *options);

/**
 * The number of subscribed event types (`events`); 0 for NULL.
 */
size_t twin_webhook_events_len(const twin_webhook *webhook);

/**
 * Subscribed event type `index` (`events`), e.g. `run.completed`; NULL when `index` is out of
 * range (TWIN_ERR_INVALID_ARGUMENT) or the name holds a NUL byte (TWIN_ERR_DECODE).
 */
const char *twin_webhook_events_get(const twin_webhook *webhook, size_t index);

/**
 * Registers `url` (http or https) for the `events_len` event types of `events` (`run.started`,
 * `run.completed`, `run.failed`, `run.stopped`, `run.paused`) of the agent's runs. On success
 * `*webhook_out` is the new webhook with its signing secret: store it, it is shown only now.
 * Never retried once sent.
 */
TWIN_NODISCARD
twin_status twin_webhooks_create(const twin_client *client,
                                 const char *agent_id,
                                 const char *url,
                                 const char *const *events,
                                 size_t events_len,
                                 twin_webhook **webhook_out);

/**
 * The agent's webhooks (not paginated). On success `*list_out` is a new list, freed with
 * twin_webhook_list_free().
 */
TWIN_NODISCARD
twin_status twin_webhooks_list(const twin_client *client,
                               const char *agent_id,
                               twin_webhook_list **list_out);

/**
 * One webhook.
 */
TWIN_NODISCARD
twin_status twin_webhooks_get(const twin_client *client,
                              const char *agent_id,
                              const char *webhook_id,
                              twin_webhook **webhook_out);

/**
 * Changes a webhook's URL, event types or status, as set in `params`; what is not set stays
 * as it is. `params` may be NULL: nothing changes (an empty update is still sent). On success
 * `*webhook_out` is the updated webhook.
 */
TWIN_NODISCARD
twin_status twin_webhooks_update(const twin_client *client,
                                 const char *agent_id,
                                 const char *webhook_id,
                                 const twin_webhook_update_params *params,
                                 twin_webhook **webhook_out);

/**
 * Deletes a webhook: no further deliveries.
 */
TWIN_NODISCARD
twin_status twin_webhooks_delete(const twin_client *client,
                                 const char *agent_id,
                                 const char *webhook_id);

/**
 * The webhook's id (`webhook_id`), a UUIDv7.
 */
const char *twin_webhook_id(const twin_webhook *webhook);

/**
 * The agent the webhook belongs to (`agent_id`).
 */
const char *twin_webhook_agent_id(const twin_webhook *webhook);

/**
 * Where deliveries go (`url`).
 */
const char *twin_webhook_url(const twin_webhook *webhook);

/**
 * Whether deliveries are sent (`status`): `active`, `disabled`, or a newer value.
 */
const char *twin_webhook_status(const twin_webhook *webhook);

/**
 * When the webhook was created (`created_at`), in Unix seconds. `has_value` may be NULL.
 */
int64_t twin_webhook_created_at(const twin_webhook *webhook, bool *has_value);

/**
 * When the webhook last changed (`updated_at`, absent from the create response), in Unix
 * seconds. `has_value` may be NULL.
 */
int64_t twin_webhook_updated_at(const twin_webhook *webhook, bool *has_value);

/**
 * The HMAC-SHA256 key of the deliveries' `X-Cobb-Signature` (`signing_secret`): only for a
 * webhook just created by twin_webhooks_create(), NULL otherwise.
 */
const char *twin_webhook_signing_secret(const twin_webhook *webhook);

/**
 * The complete JSON object as received, unknown fields included (with `signing_secret` for a
 * webhook just created).
 */
const char *twin_webhook_json(const twin_webhook *webhook);

/**
 * Frees a twin_webhook. NULL does nothing.
 */
void twin_webhook_free(twin_webhook *webhook);

/**
 * The number of items in the list; 0 for NULL.
 */
size_t twin_webhook_list_len(const twin_webhook_list *list);

/**
 * Item `index` of the list, borrowed from it (valid until the list is freed); NULL when
 * `index` is out of range.
 */
const twin_webhook *twin_webhook_list_get(const twin_webhook_list *list, size_t index);

/**
 * Frees a list and its items. NULL does nothing.
 */
void twin_webhook_list_free(twin_webhook_list *list);

/**
 * New, empty webhook update parameters (nothing changes), freed with
 * twin_webhook_update_params_free(). NULL only if the library panicked.
 */
twin_webhook_update_params *twin_webhook_update_params_new(void);

/**
 * The new URL (`url`), http or https.
 * `url` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_webhook_update_params_set_url(twin_webhook_update_params *params,
                                               const char *url);

/**
 * The new event types (`events`): the `events_len` names of `events` (`run.started`,
 * `run.completed`, `run.failed`, `run.stopped`, `run.paused`), at least one.
 * `events` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_webhook_update_params_set_events(twin_webhook_update_params *params,
                                                  const char *const *events,
                                                  size_t events_len);

/**
 * `active` or `disabled` (`status`).
 * `status` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_webhook_update_params_set_status(twin_webhook_update_params *params,
                                                  const char *status);

/**
 * Frees a twin_webhook_update_params. NULL does nothing.
 */
void twin_webhook_update_params_free(twin_webhook_update_params *params);

/**
 * Checks `signature_header` (the value of `X-Cobb-Signature`, `sha256=<hex>`) against the raw
 * body with each of the `secrets_len` secrets (several while rotating), in constant time.
 * `signature_header` may be NULL: the request had no such header. Fails with
 * TWIN_ERR_SIGNATURE; twin_last_error_signature_kind() then says why (`MissingHeader`,
 * `MalformedHeader`, `NoMatch`, `NoSecrets`). Empty secrets are ignored.
 */
TWIN_NODISCARD
twin_status twin_signature_verify(const uint8_t *body,
                                  size_t body_len,
                                  const char *signature_header,
                                  const char *const *secrets,
                                  size_t secrets_len);

/**
 * Signs a body the way Twin does, for tests and tools: on success `*signature_out` is
 * `sha256=` followed by the lowercase hex HMAC-SHA256 of the body keyed with `secret`, a new
 * string freed with twin_string_free().
 */
TWIN_NODISCARD
twin_status twin_signature_sign(const uint8_t *body,
                                size_t body_len,
                                const char *secret,
                                char **signature_out);

/**
 * Verifies and reads a delivery: a body over the cap (1 MiB) is refused before hashing; the
 * signature is checked (see twin_signature_verify()); the body is parsed; `event_header`
 * (`X-Cobb-Event`), when not NULL, must name the body's `event`; the body's `timestamp` must
 * be within the tolerance (300 s) of now, either way. `options` may be NULL: those defaults
 * and the system clock (twin_signature_options_new() changes them). `signature_header` may be
 * NULL. `event_header` may be NULL. Failures are TWIN_ERR_SIGNATURE with
 * twin_last_error_signature_kind() set. On success `*delivery_out` is a new twin_delivery.
 * Deliveries can repeat: deduplicate on (agent id, run id, event).
 */
TWIN_NODISCARD
twin_status twin_signature_unwrap(const uint8_t *body,
                                  size_t body_len,
                                  const char *signature_header,
                                  const char *event_header,
                                  const char *const *secrets,
                                  size_t secrets_len,
                                  const twin_signature_options *options,
                                  twin_delivery **delivery_out);

/**
 * The delivery's type, from its `event` name; TWIN_DELIVERY_UNKNOWN for NULL.
 */
twin_delivery_type twin_delivery_kind(const twin_delivery *delivery);

/**
 * The event's name as sent (`event`), e.g. `run.completed`.
 */
const char *twin_delivery_event(const twin_delivery *delivery);

/**
 * When Twin emitted the event (`timestamp`), in Unix seconds.
 */
int64_t twin_delivery_timestamp(const twin_delivery *delivery);

/**
 * The run the event is about (`data.run_id`).
 */
const char *twin_delivery_run_id(const twin_delivery *delivery);

/**
 * The agent the run belongs to (`data.agent_id`).
 */
const char *twin_delivery_agent_id(const twin_delivery *delivery);

/**
 * The run's status (`data.status`), or NULL.
 */
const char *twin_delivery_status(const twin_delivery *delivery);

/**
 * The run's outcome (`data.outcome`; only on `run.completed`), or NULL.
 */
const char *twin_delivery_outcome(const twin_delivery *delivery);

/**
 * When the run finished (`data.finished_at`; only on terminal events), in Unix seconds.
 * `has_value` may be NULL.
 */
int64_t twin_delivery_finished_at(const twin_delivery *delivery, bool *has_value);

/**
 * The whole body as JSON text.
 */
const char *twin_delivery_json(const twin_delivery *delivery);

/**
 * Frees a twin_delivery. NULL does nothing.
 */
void twin_delivery_free(twin_delivery *delivery);

/**
 * New unwrap options with the defaults (timestamps within 300 s of now, bodies up to 1 MiB, the
 * system clock), freed with twin_signature_options_free(). NULL only if the library panicked.
 */
twin_signature_options *twin_signature_options_new(void);

/**
 * The largest allowed difference between the body's `timestamp` and now, either way, in
 * seconds (default 300); UINT64_MAX accepts any timestamp.
 */
TWIN_NODISCARD
twin_status twin_signature_options_set_tolerance_secs(twin_signature_options *options,
                                                      uint64_t tolerance_secs);

/**
 * The largest accepted body, in bytes, checked before hashing (default 1 MiB).
 */
TWIN_NODISCARD
twin_status twin_signature_options_set_max_body(twin_signature_options *options,
                                                size_t max_body);

/**
 * The time to compare timestamps with, in Unix seconds (default: the system clock), for tests.
 */
TWIN_NODISCARD
twin_status twin_signature_options_set_now(twin_signature_options *options,
                                           int64_t now);

/**
 * Frees a twin_signature_options. NULL does nothing.
 */
void twin_signature_options_free(twin_signature_options *options);

/**
 * The agent's schedule. On success `*schedule_out` is a new twin_schedule, or NULL when the
 * agent has none.
 */
TWIN_NODISCARD
twin_status twin_schedules_get(const twin_client *client,
                               const char *agent_id,
                               twin_schedule **schedule_out);

/**
 * Creates or replaces the agent's schedule: a 7-field cron expression (`sec min hour
 * day-of-month month day-of-week year`, UTC, 1 = Sunday), checked locally first
 * (TWIN_ERR_INVALID_CRON, nothing sent).
 */
TWIN_NODISCARD
twin_status twin_schedules_set(const twin_client *client,
                               const char *agent_id,
                               const char *cron);

/**
 * Removes the agent's schedule.
 */
TWIN_NODISCARD twin_status twin_schedules_delete(const twin_client *client, const char *agent_id);

/**
 * Stops the agent's schedule from firing until resumed.
 */
TWIN_NODISCARD twin_status twin_schedules_pause(const twin_client *client, const char *agent_id);

/**
 * Lets a paused schedule fire again.
 */
TWIN_NODISCARD twin_status twin_schedules_resume(const twin_client *client, const char *agent_id);

/**
 * Every schedule of the user, across agents. On success `*list_out` is a new list, freed with
 * twin_schedule_list_free().
 */
TWIN_NODISCARD
twin_status twin_schedules_list(const twin_client *client,
                                twin_schedule_list **list_out);

/**
 * The agent the schedule starts (`agent_id`): a schedule's key.
 */
const char *twin_schedule_agent_id(const twin_schedule *schedule);

/**
 * The 7-field cron expression (`cron`).
 */
const char *twin_schedule_cron(const twin_schedule *schedule);

/**
 * Whether a user paused the schedule (`paused`).
 */
bool twin_schedule_paused(const twin_schedule *schedule);

/**
 * Whether the service paused the schedule after repeated failures (`auto_paused`).
 */
bool twin_schedule_auto_paused(const twin_schedule *schedule);

/**
 * Failed scheduled runs in a row (`consecutive_failures`).
 */
uint64_t twin_schedule_consecutive_failures(const twin_schedule *schedule);

/**
 * The next fire time (`next_run`), in Unix seconds. `has_value` may be NULL.
 */
int64_t twin_schedule_next_run(const twin_schedule *schedule, bool *has_value);

/**
 * The complete JSON object as received, unknown fields included.
 */
const char *twin_schedule_json(const twin_schedule *schedule);

/**
 * Frees a twin_schedule. NULL does nothing.
 */
void twin_schedule_free(twin_schedule *schedule);

/**
 * The number of items in the list; 0 for NULL.
 */
size_t twin_schedule_list_len(const twin_schedule_list *list);

/**
 * Item `index` of the list, borrowed from it (valid until the list is freed); NULL when
 * `index` is out of range.
 */
const twin_schedule *twin_schedule_list_get(const twin_schedule_list *list, size_t index);

/**
 * Frees a list and its items. NULL does nothing.
 */
void twin_schedule_list_free(twin_schedule_list *list);

/**
 * The agent's current instructions. On success `*instruction_out` is a new twin_instruction,
 * or NULL when the agent has none.
 */
TWIN_NODISCARD
twin_status twin_instructions_get(const twin_client *client,
                                  const char *agent_id,
                                  twin_instruction **instruction_out);

/**
 * Replaces the agent's instructions with `content` (Markdown); each write adds a version to the
 * history. `params` may be NULL: no `source_type` (the service then records `checkpoint`,
 * with a `source_id` of its own) and no `source_id`.
 */
TWIN_NODISCARD
twin_status twin_instructions_update(const twin_client *client,
                                     const char *agent_id,
                                     const char *content,
                                     const twin_instruction_update_params *params);

/**
 * The agent's instruction versions, newest first. `params` may be NULL: every version. On
 * success `*list_out` is a new list, freed with twin_instruction_version_list_free().
 */
TWIN_NODISCARD
twin_status twin_instructions_history(const twin_client *client,
                                      const char *agent_id,
                                      const twin_instruction_history_params *params,
                                      twin_instruction_version_list **list_out);

/**
 * The text, in Markdown (`content`).
 */
const char *twin_instruction_content(const twin_instruction *instruction);

/**
 * The SHA-256 of the content in hex (`content_hash`), or NULL.
 */
const char *twin_instruction_content_hash(const twin_instruction *instruction);

/**
 * When this version was written (`updated_at`), in Unix seconds. `has_value` may be NULL.
 */
int64_t twin_instruction_updated_at(const twin_instruction *instruction, bool *has_value);

/**
 * Where the text came from (`source_id`), e.g. `api:...`, or NULL.
 */
const char *twin_instruction_source_id(const twin_instruction *instruction);

/**
 * The complete JSON object as received, unknown fields included.
 */
const char *twin_instruction_json(const twin_instruction *instruction);

/**
 * Frees a twin_instruction. NULL does nothing.
 */
void twin_instruction_free(twin_instruction *instruction);

/**
 * The version's integer id (`id`).
 */
uint64_t twin_instruction_version_id(const twin_instruction_version *version);

/**
 * The text (`content`).
 */
const char *twin_instruction_version_content(const twin_instruction_version *version);

/**
 * The SHA-256 of the content in hex (`content_hash`), or NULL.
 */
const char *twin_instruction_version_content_hash(const twin_instruction_version *version);

/**
 * When the version was written (`created_at`), in Unix seconds. `has_value` may be NULL.
 */
int64_t twin_instruction_version_created_at(const twin_instruction_version *version,
                                            bool *has_value);

/**
 * Where the version came from (`source_type`): `api`, `checkpoint`, ..., or NULL.
 */
const char *twin_instruction_version_source_type(const twin_instruction_version *version);

/**
 * The writer's reference (`source_id`), or NULL.
 */
const char *twin_instruction_version_source_id(const twin_instruction_version *version);

/**
 * The complete JSON object as received, unknown fields included.
 */
const char *twin_instruction_version_json(const twin_instruction_version *version);

/**
 * Frees a twin_instruction_version. NULL does nothing.
 */
void twin_instruction_version_free(twin_instruction_version *version);

/**
 * The number of items in the list; 0 for NULL.
 */
size_t twin_instruction_version_list_len(const twin_instruction_version_list *list);

/**
 * Item `index` of the list, borrowed from it (valid until the list is freed); NULL when
 * `index` is out of range.
 */
const twin_instruction_version *twin_instruction_version_list_get(const twin_instruction_version_list *list,
                                                                  size_t index);

/**
 * Frees a list and its items. NULL does nothing.
 */
void twin_instruction_version_list_free(twin_instruction_version_list *list);

/**
 * New, empty instruction update parameters, freed with twin_instruction_update_params_free().
 * NULL only if the library panicked.
 */
twin_instruction_update_params *twin_instruction_update_params_new(void);

/**
 * Where the text comes from (`source_type`); unset, the service records `checkpoint`.
 * `source_type` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_instruction_update_params_set_source_type(twin_instruction_update_params *params,
                                                           const char *source_type);

/**
 * The writer's own reference (`source_id`).
 * `source_id` may be NULL: unset again (the default).
 */
TWIN_NODISCARD
twin_status twin_instruction_update_params_set_source_id(twin_instruction_update_params *params,
                                                         const char *source_id);

/**
 * Frees a twin_instruction_update_params. NULL does nothing.
 */
void twin_instruction_update_params_free(twin_instruction_update_params *params);

/**
 * New, empty history parameters (every version), freed with
 * twin_instruction_history_params_free(). NULL only if the library panicked.
 */
twin_instruction_history_params *twin_instruction_history_params_new(void);

/**
 * At most this many versions, newest first (`limit`; 0 is refused); default: all of them.
 */
TWIN_NODISCARD
twin_status twin_instruction_history_params_set_limit(twin_instruction_history_params *params,
                                                      uint32_t limit);

/**
 * Frees a twin_instruction_history_params. NULL does nothing.
 */
void twin_instruction_history_params_free(twin_instruction_history_params *params);

/**
 * Checks that `expr` is a valid Twin schedule: `sec min hour day-of-month month day-of-week
 * year`, UTC, day-of-week 1 = Sunday (or `SUN`-`SAT`). Fails with TWIN_ERR_INVALID_CRON and a
 * message naming the faulty field.
 */
TWIN_NODISCARD twin_status twin_cron_validate(const char *expr);

/**
 * Writes the next `count` fire times of `expr` strictly after `after_unix` (Unix seconds) into
 * `times_out` (room for `count` values), in order, as Unix seconds. When the schedule runs out
 * first, the remaining entries are TWIN_CRON_NO_TIME. `count` may be at most 10000.
 */
TWIN_NODISCARD
twin_status twin_cron_next_times(const char *expr,
                                 int64_t after_unix,
                                 size_t count,
                                 int64_t *times_out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* TWIN_H */
