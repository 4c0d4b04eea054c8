/**
 * Parses `--start-at`: an ISO 8601 instant (`2026-05-01T12:00:00Z`) or unix
 * milliseconds. An instant more than a few seconds in the past is a
 * UsageError (exit 2) before anything starts; the run re-checks when its
 * setup is done (src/engine/run/start-at.ts).
 */
import { UsageError } from '../engine/errors.ts';
import { START_AT_SLACK_MS, formatWait } from '../engine/run/start-at.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** Epoch ms of `text`, checked against `nowMs`; see the module comment. */
export function parseStartAt(text: string, nowMs: number): number {
  const v = text.trim();
  const atMs = /^\d+$/.test(v) ? Number(v) : ISO_DATE.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(atMs)) {
    throw new UsageError(`--start-at expects an ISO 8601 time like 2026-05-01T12:00:00Z or unix milliseconds, got "${text}"`);
  }
  const pastMs = nowMs - atMs;
  if (pastMs > START_AT_SLACK_MS) {
    // Ten digits is today's unix time in seconds: the likeliest slip.
    const seconds = /^\d{9,10}$/.test(v) ? ' (it looks like unix seconds; --start-at takes milliseconds)' : '';
    throw new UsageError(`--start-at ${new Date(atMs).toISOString()} is ${formatWait(pastMs)} in the past${seconds}; pass a time ahead of now, leaving room for setup`);
  }
  return atMs;
}
