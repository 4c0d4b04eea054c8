/**
 * The `ws` part of `config.expect` (issue 5), compiled to ordinary
 * thresholds and kept out of compile-expectations.ts so that file stays the
 * core grammar. A bare number means "at least" for peakConnections and
 * stability, "at most" for counts of faults:
 *
 *   ws:
 *     peakConnections: ">= 10000"       peak of the ws_connections gauge
 *     stability: ">= 99%"               completed / (opened + failed − abandoned)
 *     unexpectedCloses: 0               connections the server or network dropped
 *     errors: { emfile: 0, http_401: 0 }  ws_errors:<cause> counters
 *     connect: { p95: 200ms, maxErrorRate: 1% }   any per-name threshold on ws_connecting
 *     ping:    { p99: 100ms }                     … on ws_ping (ping steps and keep-alives)
 *     message: { p95: 50ms }                      … on ws_message (waitFor)
 *
 * The same keys may be written dotted at the top level of `expect`, which
 * is what environments merging `expect` one level deep need:
 * `ws.peakConnections: ">= 1000"`, `ws.connect.p95: 200ms`.
 */
import {
  WS_CONNECTING, WS_CONNECTIONS, WS_CONNECTIONS_ABANDONED, WS_CONNECTIONS_COMPLETED, WS_CONNECTIONS_FAILED, WS_CONNECTIONS_OPENED,
  WS_ERRORS, WS_MESSAGE, WS_PING, WS_STABILITY, WS_UNEXPECTED_CLOSES,
} from '../metrics/names.ts';
import type { Comparator, CompiledExpectation, ValueUnit } from './expectation-types.ts';

type Fail = (yamlPath: string, message: string) => never;
/** Builds one threshold from a raw limit (compile-expectations.ts `one`). */
export type MakeThreshold = (label: string, metric: string, defaultCmp: Comparator, unit: ValueUnit, raw: unknown, yamlPath: string) => CompiledExpectation;
/** Compiles a block of per-name thresholds for request name `scope` (compile-expectations.ts `compileBlock`). */
export type CompileScoped = (block: Record<string, unknown>, scope: string, yamlPath: string) => CompiledExpectation[];

const SINGLE: Record<string, { metric: string; comparator: Comparator; unit: ValueUnit }> = {
  peakConnections: { metric: `peak:${WS_CONNECTIONS}`, comparator: '>=', unit: 'count' },
  stability: { metric: WS_STABILITY, comparator: '>=', unit: 'ratio' },
  unexpectedCloses: { metric: `counter:${WS_UNEXPECTED_CLOSES}`, comparator: '<=', unit: 'count' },
};
const SCOPES: Record<string, string> = { connect: WS_CONNECTING, ping: WS_PING, message: WS_MESSAGE };
const KNOWN = [...Object.keys(SINGLE), 'errors', ...Object.keys(SCOPES)].join(', ');

/** True for the top-level keys this module compiles: `ws` and `ws.<key>`. */
export function isWsThresholdKey(key: string): boolean {
  return key === 'ws' || key.startsWith('ws.');
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Compiles `ws: {…}` or one dotted `ws.<key>` entry found at `yamlPath`. */
export function compileWsThresholds(key: string, raw: unknown, yamlPath: string, make: MakeThreshold, scoped: CompileScoped, fail: Fail): CompiledExpectation[] {
  if (key !== 'ws') return compileOne(key.slice(3), raw, yamlPath, make, scoped, fail);
  if (!isMap(raw)) fail(yamlPath, `expected ws thresholds like { peakConnections: ">= 10000" }, got ${JSON.stringify(raw)}`);
  return Object.entries(raw).flatMap(([k, v]) => compileOne(k, v, `${yamlPath}.${k}`, make, scoped, fail));
}

function compileOne(key: string, raw: unknown, p: string, make: MakeThreshold, scoped: CompileScoped, fail: Fail): CompiledExpectation[] {
  const dot = key.indexOf('.');
  const head = dot === -1 ? key : key.slice(0, dot);
  // `ws.connect.p95: 200ms` is `ws.connect: { p95: 200ms }` written flat.
  const value = dot === -1 ? raw : { [key.slice(dot + 1)]: raw };
  const base = dot === -1 ? p : p.slice(0, p.length - (key.length - dot));
  // Own properties only: `ws.toString` must be an unknown key, not Object.prototype's function.
  const single = Object.hasOwn(SINGLE, head) ? SINGLE[head] : undefined;
  if (single !== undefined && dot === -1) return [make(`ws.${head}`, single.metric, single.comparator, single.unit, raw, p)];
  if (head === 'errors') {
    if (!isMap(value)) fail(p, `expected a map of cause → limit like { emfile: 0 }, got ${JSON.stringify(raw)}`);
    return Object.entries(value)
      .map(([cause, v]) => make(`ws.errors.${cause}`, `counter:${WS_ERRORS}:${cause}`, '<=', 'count', v, `${base}.${cause}`));
  }
  const scope = Object.hasOwn(SCOPES, head) ? SCOPES[head] : undefined;
  if (scope !== undefined) {
    if (!isMap(value)) fail(p, `expected thresholds for ${scope} like { p95: 200ms }, got ${JSON.stringify(raw)}`);
    return scoped(value, scope, base).map((e) => ({ ...e, label: e.label.replace(`${scope}: `, `ws.${head}.`) }));
  }
  return fail(p, `unknown ws expectation "${key}"; expected one of ${KNOWN}`);
}

/**
 * Connection stability from run counters: completed / (opened + failed −
 * abandoned); null (no samples) when no connection was even attempted. A
 * connection that never opened (refused, reset, timed out) is one the target
 * did not keep, so it counts against stability; connections agentload itself
 * cut at the end of the run are not the target's fault, so they are left out.
 */
export function wsStability(counters: Readonly<Record<string, number>>): number | null {
  const n = (k: string): number => (Object.hasOwn(counters, k) ? counters[k]! : 0);
  const settled = n(WS_CONNECTIONS_OPENED) + n(WS_CONNECTIONS_FAILED) - n(WS_CONNECTIONS_ABANDONED);
  return settled <= 0 ? null : n(WS_CONNECTIONS_COMPLETED) / settled;
}
