/**
 * Did any request reach the target? A run in which not one did (every
 * connection refused, the host name unresolvable, or no WebSocket connection
 * open for any ws step) measured nothing about the target: it is an error of
 * the run (AGENTLOAD_E_TARGET_UNREACHABLE, exit 3), never a pass with "100 %
 * errors" or, without thresholds, exit 0. Pure: reads the run summary only.
 *
 * A request "reached" the target when it got any answer: ok, an expected
 * outcome, or a failure whose reason is not one of NEVER_REACHED (an HTTP
 * 5xx, a timeout after connecting, a bad response … all mean the target was
 * there). A timeout is ambiguous (connect or answer) and counts as reached.
 */
import { RunError } from '../errors.ts';
import type { RunSummary } from '../metrics/summary-types.ts';
import { redactUrl } from '../redact.ts';

/** Failure reasons that mean the request never got to the target. */
const NEVER_REACHED: ReadonlySet<string> = new Set(['econnrefused', 'dns', 'not_connected', 'ehostunreach', 'enetunreach', 'eaddrnotavail']);

const HINTS: Readonly<Record<string, string>> = {
  econnrefused: 'nothing accepts connections there: start the target, or pass --target URL',
  dns: 'the host name does not resolve: check config.target (or --target) and the resolver',
  not_connected: 'no WebSocket connection was open: put a `connect` step before the ws steps that use it',
};

/** The first failure in plan order: the first name with failures, and its most frequent reason. */
function firstFailure(summary: RunSummary): { name: string; reason: string } | null {
  for (const s of summary.byName) {
    let best: [string, number] | null = null;
    for (const [reason, n] of Object.entries(s.outcomes.failed)) if (n > 0 && (best === null || n > best[1])) best = [reason, n];
    if (best !== null) return { name: s.name, reason: best[0] };
  }
  return null;
}

/**
 * The error to raise when not one request of the run reached `target`; null
 * when at least one did, or when no request completed at all (nothing was
 * sent, or everything was abandoned): that is not evidence against the target.
 */
export function unreachableError(summary: RunSummary, target: string): RunError | null {
  const o = summary.overall;
  if (o.count === 0 || o.ok > 0 || o.expected > 0) return null;
  for (const [reason, n] of Object.entries(o.outcomes.failed)) if (n > 0 && !NEVER_REACHED.has(reason)) return null;
  const first = firstFailure(summary);
  if (first === null) return null;
  return new RunError(
    'AGENTLOAD_E_TARGET_UNREACHABLE',
    `not one of ${o.count} requests reached ${redactUrl(target)}; first error: ${first.reason} (${first.name})`,
    Object.hasOwn(HINTS, first.reason) ? { hint: HINTS[first.reason]! } : {},
  );
}
