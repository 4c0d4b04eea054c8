/**
 * Every built-in metric name, in one place (k6 builtin.go). Prometheus adds
 * the `agentload_` prefix. docs/metrics.md documents each one.
 */

/** Latency of one HTTP request, from its scheduled start to the last body byte. */
export const HTTP_REQ_DURATION = 'http_req_duration';
/** Latency of one JSON-RPC call (tool-rpc engine). */
export const RPC_CALL_DURATION = 'rpc_call_duration';
/** WebSocket connect time (TCP + upgrade). */
export const WS_CONNECTING = 'ws_connecting';
/** Virtual users currently running a scenario. */
export const VUSERS_ACTIVE = 'vusers_active';
/** Virtual users started since the run began. */
export const VUSERS_CREATED = 'vusers_created';
/** Virtual users that finished their scenario. */
export const VUSERS_COMPLETED = 'vusers_completed';
/** Open-model arrivals not started because maxVusers was reached. */
export const ARRIVALS_DROPPED = 'arrivals_dropped';
/** Open-model arrivals started later than the lateness threshold. */
export const ARRIVALS_LATE = 'arrivals_late';
/** Requests still in flight when the grace period ended. */
export const REQUESTS_ABANDONED = 'requests_abandoned';
/** Generator event-loop lag, milliseconds (gauge, max per interval). */
export const EVENT_LOOP_LAG_MS = 'event_loop_lag_ms';
/** Retries the tool-rpc engine performed (each re-send counts one; first attempts do not). */
export const RPC_RETRIES = 'rpc_retries';
/** Calls whose last permitted attempt still matched `retry.on` (the final outcome is recorded as usual). */
export const RPC_RETRIES_EXHAUSTED = 'rpc_retries_exhausted';
/** Batch responses carrying an id that no call of the batch (or the socket's pending call) sent. */
export const RPC_FOREIGN_IDS = 'rpc_foreign_ids';
/** Accounted calls (with an identifier) that succeeded; per identifier as `quota_ok:<identifier>`. */
export const QUOTA_OK = 'quota_ok';
/** Accounted calls answered `quota_exceeded`; per identifier as `quota_exceeded:<identifier>`. */
export const QUOTA_EXCEEDED = 'quota_exceeded';
/**
 * Successes sent after a quota_exceeded answer for the same identifier, within
 * the accounting window: the target let through what it had refused (a false
 * negative). Per identifier as `quota_inconsistencies:<identifier>`.
 */
export const QUOTA_INCONSISTENCIES = 'quota_inconsistencies';
