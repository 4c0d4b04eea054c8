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
/** socket.io connect time (the `socketioConnect` step: an Artillery socketio scenario's connection, opened when it starts). */
export const SOCKETIO_CONNECTING = 'socketio_connecting';
/** Virtual users currently running a scenario. */
export const VUSERS_ACTIVE = 'vusers_active';
/** Virtual users started since the run began. */
export const VUSERS_CREATED = 'vusers_created';
/** Virtual users that finished their scenario. */
export const VUSERS_COMPLETED = 'vusers_completed';
/**
 * Virtual users cut off before the end of their scenario: still running when
 * the grace period after the last phase ended, or stopped by an interrupt.
 * Never counted in vusers_completed.
 */
export const VUSERS_INCOMPLETE = 'vusers_incomplete';
/** Virtual users whose scenario a processor function ended by failing (throw, rejection, next(err)); see docs/artillery-processor.md. */
export const VUSERS_FAILED = 'vusers_failed';
/**
 * Users started per scenario, as `vusers_created:<scenario name>` (Artillery's
 * vusers.created_by_name.<name>). Counted only when an `expect.conditions` check reads it.
 */
export const VUSERS_CREATED_BY_SCENARIO = 'vusers_created';
/**
 * How long each user that completed its scenario took, ms, from its scheduled start
 * (Artillery's vusers.session_length): a histogram tagged `custom=histogram`, recorded
 * only when an `expect.conditions` check reads it.
 */
export const VUSERS_SESSION_LENGTH = 'vusers_session_length';
/** Processor functions that failed; `processor_errors:<function>` counts them per function. */
export const PROCESSOR_ERRORS = 'processor_errors';
/**
 * Users that reached a flow step whose action neither Artillery nor agentload knows (`set:`), which ended
 * their scenario as failed, as in Artillery; `invalid_steps:<action>` counts them per action.
 */
export const INVALID_STEPS = 'invalid_steps';
/**
 * Non-strict captures (`strict: false`) that found nothing, per variable (`captures_missed:<as>`): the user goes on with
 * the variable unset, which renders empty, so the count is what says why a later request carried an empty value.
 */
export const CAPTURES_MISSED = 'captures_missed';
/**
 * The tag `custom=histogram` marks a histogram a processor emitted (`events.emit('histogram', name, v)`):
 * its values recorded × 1000 like µs, so its "ms" figures read as the values; not a request, so left out of the overall figures.
 */
export const CUSTOM_TAG = 'custom';
export const CUSTOM_HISTOGRAM = 'histogram';
/**
 * Checks of Artillery's expect plugin that held / failed, as the plugin names them; per check
 * type as `plugins.expect.ok.<type>` / `plugins.expect.failed.<type>` (expect-plugin-tally.ts).
 */
export const EXPECT_PLUGIN_OK = 'plugins.expect.ok';
export const EXPECT_PLUGIN_FAILED = 'plugins.expect.failed';
/** Open-model arrivals not started because maxVusers was reached. */
export const ARRIVALS_DROPPED = 'arrivals_dropped';
/** Open-model arrivals started later than the lateness threshold. */
export const ARRIVALS_LATE = 'arrivals_late';
/**
 * Steps after a think that started over 100 ms after the think's planned end
 * (both models): think timers that fired that late mean a stalled generator.
 */
export const STEPS_STALLED = 'steps_stalled';
/**
 * Requests cut off by the end of the run: still in flight, or still waiting for
 * a connection, when the engines closed after the grace period. Per request,
 * not per VU; kept out of the error rate (also per name as NameSummary.abandoned).
 */
export const REQUESTS_ABANDONED = 'requests_abandoned';
/** Generator event-loop lag, milliseconds (gauge, max per interval). */
export const EVENT_LOOP_LAG_MS = 'event_loop_lag_ms';
/**
 * The generator process's CPU over the interval, percent of one core (200 = two
 * cores busy). Process-wide, so every worker reports the same figure: merged by max.
 */
export const GENERATOR_CPU_PCT = 'generator_cpu_pct';
/**
 * Share of the interval the generator's event loop was busy rather than waiting
 * for I/O, percent (event-loop utilization). Per thread, so with workers it is the
 * busiest worker's (merged by max); unlike CPU time it is not lowered by a
 * hypervisor stealing the core. Near 100 the generator has no headroom left.
 */
export const EVENT_LOOP_BUSY_PCT = 'event_loop_busy_pct';
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
/** Round trip of one `ping` step or hold keep-alive (ws engine): probe sent → pong or matched reply. */
export const WS_PING = 'ws_ping';
/** Latency of one ws `waitFor`: from the preceding `send` (or the step's start) to the matched message. */
export const WS_MESSAGE = 'ws_message';
/** Outcomes of ws `send` steps (no latency: a send has no reply of its own). */
export const WS_SEND = 'ws_send';
/** Outcomes of ws `hold` steps: ok when the connection lasted the whole hold (no latency recorded). */
export const WS_HOLD = 'ws_hold';
/** WebSocket connections open now and not being closed by the plan (gauge; peak per interval and run). */
export const WS_CONNECTIONS = 'ws_connections';
/** WebSocket connections whose upgrade succeeded. */
export const WS_CONNECTIONS_OPENED = 'ws_connections_opened';
/**
 * WebSocket connections that never opened: the upgrade was refused (http_<status>), reset, timed
 * out, or the TCP connect failed. Counted against stability; their cause is in `ws_errors:<cause>`.
 */
export const WS_CONNECTIONS_FAILED = 'ws_connections_failed';
/** WebSocket connections the plan closed itself (close step or end of flow): they lasted as long as asked. */
export const WS_CONNECTIONS_COMPLETED = 'ws_connections_completed';
/** WebSocket connections still open when the run ended; cut by agentload, excluded from stability. */
export const WS_CONNECTIONS_ABANDONED = 'ws_connections_abandoned';
/** WebSocket connections closed by the server or the network before the plan closed them. */
export const WS_UNEXPECTED_CLOSES = 'ws_unexpected_closes';
/** WebSocket messages sent (text frames; protocol pings not included). */
export const WS_MESSAGES_SENT = 'ws_messages_sent';
/** WebSocket messages received. */
export const WS_MESSAGES_RECEIVED = 'ws_messages_received';
/** Payload bytes of the WebSocket messages sent. */
export const WS_BYTES_SENT = 'ws_bytes_sent';
/** Payload bytes of the WebSocket messages received. */
export const WS_BYTES_RECEIVED = 'ws_bytes_received';
/**
 * Every ws failure, by cause, as `ws_errors:<cause>` (e.g. `ws_errors:http_401`,
 * `ws_errors:unexpected_close`, `ws_errors:timeout`, `ws_errors:emfile`,
 * `ws_errors:malformed_json`).
 */
export const WS_ERRORS = 'ws_errors';
/**
 * Not a recorded metric: the derived ratio `ws_connections_completed /
 * (ws_connections_opened + ws_connections_failed − ws_connections_abandoned)`
 * that `ws.stability` expectations read.
 */
export const WS_STABILITY = 'ws_stability';
/** HTTP requests that waited over 5 ms for a free pooled connection (config.http.connections too low). */
export const HTTP_POOL_WAITS = 'http_pool_waits';
/** Redirects the http engine followed (each hop of a chain; the chain is one request). */
export const HTTP_REDIRECTS = 'http_redirects';
/** `set-cookie` values that could not be parsed, skipped (Artillery's cookie_parse_error_invalid_cookie). */
export const HTTP_COOKIE_ERRORS = 'http_cookie_errors';

// ── Streams (stream engine). Each is recorded per stream step under the tag `request=<step name>`;
// the step's own name carries the end-to-end duration and the outcome. docs/engines/stream.md gives the formulas.
/** Time to first byte: scheduled start → response headers. */
export const STREAM_TTFB = 'stream_ttfb';
/** Time to first token: scheduled start → the first event that carried a token. */
export const STREAM_TTFT = 'stream_ttft';
/** Inter-token latency: every gap between two token-carrying events of a stream. */
export const STREAM_ITL = 'stream_itl';
/** Time per output token, one sample per stream: (end − first token) / (tokens − 1). */
export const STREAM_TPOT = 'stream_tpot';
/**
 * Tokens per stream. Its histogram holds the count itself (exact up to 2047), and its
 * summary's `latencyMs` figures are that count, not milliseconds (COUNT_NAMES).
 */
export const STREAM_TOKENS = 'stream_tokens';
/**
 * Output tokens per second of one stream (tokens / end-to-end duration), recorded × 1000 so its
 * summary's `latencyMs` figures read as tokens per second with three decimals.
 */
export const STREAM_TOKENS_PER_SEC = 'stream_tokens_per_sec';
/** Streams that ended ok and met every SLO of their step (`slo:`): their count per second is goodput. */
export const STREAM_GOODPUT = 'stream_goodput';
/** Tokens received over all streams (counter): divided by the run's duration, aggregate tokens/s. */
export const STREAM_TOKENS_TOTAL = 'stream_tokens_total';

/** Names whose histogram holds a count, not µs: their summaries report the count (summarize.ts). */
export const COUNT_NAMES: ReadonlySet<string> = new Set([STREAM_TOKENS]);

/**
 * Names that measure a request already counted under its own name (the parts of a stream):
 * kept out of the overall histogram and counts, so they neither skew overall latency nor count twice.
 */
export const DERIVED_NAMES: ReadonlySet<string> = new Set([
  STREAM_TTFB, STREAM_TTFT, STREAM_ITL, STREAM_TPOT, STREAM_TOKENS, STREAM_TOKENS_PER_SEC, STREAM_GOODPUT,
]);

// ── MCP sessions (mcp engine). Calls are counted per method and tool under their own names (tag `mcp=<method>`).
/** MCP sessions open now: initialized and not yet ended (gauge; peak per interval and run). */
export const MCP_SESSIONS = 'mcp_sessions';
/** MCP sessions whose `initialize` succeeded. */
export const MCP_SESSIONS_OPENED = 'mcp_sessions_opened';
/** MCP sessions whose `initialize` failed (its cause is counted under the `initialize` name). */
export const MCP_SESSIONS_FAILED = 'mcp_sessions_failed';
/** MCP sessions ended by agentload (DELETE sent when the server gave a session id). */
export const MCP_SESSIONS_CLOSED = 'mcp_sessions_closed';
