/**
 * Artillery's metric names read off agentload's run summary, for
 * `expect.conditions` (ensure-condition.ts). Artillery's report has counters,
 * rates and histogram summaries (`<name>.<min|max|count|mean|p50|median|p75|p90|p95|p99|p999>`);
 * a name it never recorded has no value. The same here: undefined means the
 * run has no value for the name, and the check fails "no samples".
 *
 *   counters   vusers.created · vusers.completed · vusers.failed · vusers.skipped (arrivals_dropped)
 *              vusers.created_by_name.<scenario> (vusers_created:<scenario>)
 *              http.requests (sent: answered, failed or cut off) · http.responses · http.codes.<status>
 *              errors.<CODE> (agentload's causes: timeout → ETIMEDOUT, econnrefused → ECONNREFUSED, …, plus
 *              what processors emit as `errors.<code>`) · plugins.expect.ok|failed[.<check>]
 *              websocket.messages_sent|received · socketio.emit · any counter a processor emits
 *   histograms http.response_time · vusers.session_length · socketio.response_time · any a processor emits
 *   rates      http.request_rate (requests per second over the run, rounded as Artillery rounds it) · websocket.send_rate|receive_rate · socketio.emit_rate
 *
 * Artillery counts a counter only once it was incremented, and so does this
 * module: `http.codes.500 == 0` on a run without a 500 has no value (as in
 * Artillery, where the check then fails).
 */
import type { NameSummary, RunSummary } from '../contracts.ts';
import type { EnsureFacts } from './expectation-types.ts';
import { CUSTOM_HISTOGRAM, CUSTOM_TAG, VUSERS_SESSION_LENGTH } from '../metrics/names.ts';
import { isGroupPercentile } from './ensure-latency-groups.ts';

const AGGREGATIONS = new Set(['min', 'max', 'count', 'mean', 'p50', 'median', 'p75', 'p90', 'p95', 'p99', 'p999']);

/** agentload's failure causes and the error code Artillery counts under `errors.<code>` for the same fault. */
const ERROR_CODES: Record<string, string> = {
  timeout: 'ETIMEDOUT', econnrefused: 'ECONNREFUSED', econnreset: 'ECONNRESET', closed_early: 'ECONNRESET', dns: 'ENOTFOUND',
  emfile: 'EMFILE', capture: 'Failed capture or match',
};

/** Artillery names agentload does not measure: the FAIL line says so. */
const UNMEASURED: Record<string, string> = {
  'http.downloaded_bytes': 'agentload does not count downloaded bytes',
  'http.dns': 'agentload does not time DNS lookups apart', 'http.tcp': 'agentload does not time connects apart',
  'http.tls': 'agentload does not time TLS handshakes apart', 'http.total': 'use http.response_time',
  apdex: 'the apdex reporter prints the score; ensure cannot read it yet',
};

/** Counters Artillery (and this module) has no value for until they count something. */
const COUNTED_WHEN_SEEN = /^(http\.codes\.|errors\.|plugins\.expect\.|vusers\.(completed|failed|skipped|created_by_name\.)|http\.(requests|responses)$|websocket\.|socketio\.emit$)/;

/** Why a name may have no value, for the FAIL line ('' when nothing more is known). */
export function unmeasuredNote(name: string): string {
  for (const [prefix, note] of Object.entries(UNMEASURED)) if (name === prefix || name.startsWith(`${prefix}.`)) return ` (${note})`;
  if (/^http\.response_time\.[1-5]xx\./.test(name)) return ' (agentload does not split response times by status class)';
  if (COUNTED_WHEN_SEEN.test(name)) return ' (a counter has a value only once it counted something, as in Artillery: this run had none)';
  return '';
}

function own(record: Readonly<Record<string, number>>, key: string): number | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A counter's value, or undefined when it never moved (Artillery has no entry then). */
function counted(n: number): number | undefined {
  return n > 0 ? n : undefined;
}

function isCustom(n: NameSummary): boolean {
  return n.tags[CUSTOM_TAG] === CUSTOM_HISTOGRAM;
}

/** The request names read as `http.*`: every request name, or those the http engine made. */
function httpSummaries(summary: RunSummary, facts: EnsureFacts): NameSummary[] {
  const names = facts.httpNames === null ? null : new Set(facts.httpNames);
  return summary.byName.filter((n) => !isCustom(n) && (names === null || names.has(n.name)));
}

function sum(list: readonly NameSummary[], f: (n: NameSummary) => number): number {
  return list.reduce((acc, n) => acc + f(n), 0);
}

function responses(n: NameSummary): number {
  return Object.values(n.statuses).reduce((a, b) => a + b, 0);
}

/**
 * One aggregation of the latencies of `list` (ms), to one decimal. One name (or the merged histogram of several,
 * ensure-latency-groups.ts): its own figures. Several: min and max exact, mean weighted, percentiles the worst
 * name's (an upper bound; a check that reads a percentile of several names gets their merged histogram instead).
 */
function aggregate(list: readonly NameSummary[], agg: string, count: (n: NameSummary) => number): number | undefined {
  const measured = list.filter((n) => n.count > 0 && n.latencyMs.max > 0);
  if (measured.length === 0) return undefined;
  if (agg === 'count') return counted(sum(measured, count));
  // Artillery's summaries give every figure to one decimal: `shop.basket.max == 7` holds on 7.003 as it does there.
  return Math.round(aggregateMs(measured, agg) * 10) / 10;
}

function aggregateMs(measured: readonly NameSummary[], agg: string): number {
  const key = agg === 'median' ? 'p50' : agg;
  const values = measured.map((n) => (n.latencyMs as unknown as Record<string, number>)[key]!);
  if (agg === 'min') return Math.min(...values);
  if (agg === 'mean') return sum(measured, (n) => n.latencyMs.mean * n.count) / sum(measured, (n) => n.count);
  return Math.max(...values);
}

/** `<histogram>.<aggregation>` of the names in `list`; undefined when `name` is not of that histogram. */
function histogram(name: string, prefix: string, list: () => NameSummary[], count: (n: NameSummary) => number): number | undefined {
  if (!name.startsWith(`${prefix}.`)) return undefined;
  const agg = name.slice(prefix.length + 1);
  return AGGREGATIONS.has(agg) ? aggregate(list(), agg, count) : undefined;
}

/** A rate as Artillery reports it: per second, rounded to a whole number (`http.request_rate >= 2` holds on 1.99/s there too). */
function perSecond(n: number, summary: RunSummary): number | undefined {
  return n > 0 && summary.durationMs > 0 ? Math.round(n / (summary.durationMs / 1000)) : undefined;
}

/** Errors Artillery would count under `errors.<code>`: agentload's causes that map to it, plus processor-emitted ones. */
function errorCount(code: string, summary: RunSummary): number | undefined {
  let n = own(summary.counters, `errors.${code}`) ?? 0;
  for (const s of summary.byName) {
    for (const [cause, k] of Object.entries(s.outcomes.failed)) {
      const mapped = Object.hasOwn(ERROR_CODES, cause) ? ERROR_CODES[cause] : cause.startsWith('error_') ? cause.slice(6).toUpperCase() : cause;
      if (mapped === code) n += k;
    }
  }
  return counted(n);
}

/** The value of Artillery's metric `name` in this run, or undefined when the run has none. */
export function readArtilleryMetric(name: string, summary: RunSummary, facts: EnsureFacts): number | undefined {
  const c = summary.counters;
  const http = (): NameSummary[] => httpSummaries(summary, facts);
  const socketio = (): NameSummary[] => summary.byName.filter((n) => !isCustom(n) && facts.socketioNames.includes(n.name));
  switch (name) {
    case 'vusers.created': return counted(own(c, 'vusers_created') ?? 0);
    case 'vusers.completed': return counted(own(c, 'vusers_completed') ?? 0);
    // Artillery adds 0 to it at every finished user: it has a value once a user finished either way.
    case 'vusers.failed': return (own(c, 'vusers_completed') ?? 0) + (own(c, 'vusers_failed') ?? 0) > 0 ? own(c, 'vusers_failed') ?? 0 : undefined;
    case 'vusers.skipped': return counted(own(c, 'arrivals_dropped') ?? 0);
    case 'http.requests': return counted(sum(http(), (n) => n.count + (n.abandoned ?? 0)));
    case 'http.responses': return counted(sum(http(), responses));
    case 'http.request_rate': return perSecond(sum(http(), (n) => n.count + (n.abandoned ?? 0)), summary);
    case 'websocket.messages_sent': return counted(own(c, 'ws_messages_sent') ?? 0);
    case 'websocket.messages_received': return counted(own(c, 'ws_messages_received') ?? 0);
    case 'websocket.send_rate': return perSecond(own(c, 'ws_messages_sent') ?? 0, summary);
    case 'websocket.receive_rate': return perSecond(own(c, 'ws_messages_received') ?? 0, summary);
    case 'socketio.emit': return counted(sum(socketio(), (n) => n.count));
    case 'socketio.emit_rate': return perSecond(sum(socketio(), (n) => n.count), summary);
    default: break;
  }
  if (name.startsWith('vusers.created_by_name.')) return counted(own(c, `vusers_created:${name.slice(23)}`) ?? 0);
  const code = /^http\.codes\.(\d+)$/.exec(name);
  if (code !== null) return counted(sum(http(), (n) => own(n.statuses, code[1]!) ?? 0));
  if (name.startsWith('errors.') && !Object.hasOwn(c, name)) return errorCount(name.slice(7), summary);
  const custom = (h: string): NameSummary[] => summary.byName.filter((n) => isCustom(n) && n.name === h);
  // A percentile over several names comes from their merged histogram, recorded when a check reads one (ensure-latency-groups.ts).
  const merged = (prefix: string, names: () => NameSummary[]): NameSummary[] => {
    const group = isGroupPercentile(name, prefix) ? custom(prefix) : [];
    return group.length > 0 ? group : names();
  };
  const histograms: Array<[string, () => NameSummary[], (n: NameSummary) => number]> = [
    // Every request is HTTP: the overall histogram is their exact merge.
    ['http.response_time', () => (facts.httpNames === null ? [summary.overall] : merged('http.response_time', http)), (n) => (isCustom(n) ? n.count : responses(n))],
    ['vusers.session_length', () => custom(VUSERS_SESSION_LENGTH), (n) => n.count],
    ['socketio.response_time', () => merged('socketio.response_time', socketio), (n) => n.count],
  ];
  for (const [prefix, list, count] of histograms) {
    if (name.startsWith(`${prefix}.`)) return histogram(name, prefix, list, count);
  }
  if (Object.hasOwn(c, name)) return c[name];
  // A histogram a processor emitted: `<name>.<aggregation>`.
  const dot = name.lastIndexOf('.');
  if (dot > 0 && AGGREGATIONS.has(name.slice(dot + 1))) return aggregate(custom(name.slice(0, dot)), name.slice(dot + 1), (n) => n.count);
  return undefined;
}
