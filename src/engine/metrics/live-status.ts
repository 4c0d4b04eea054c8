/**
 * The once-a-second view of a running test for live displays (the console
 * progress line, the dashboard): Reporter.onTick and LiveStatus are part of
 * the plugin contract (contracts.ts); live-ticker.ts calls onTick once at
 * the start and then every second, never concurrently with the other hooks.
 */
import type { Reporter } from '../contracts.ts';

export type { LiveStatus } from '../contracts.ts';

/** A reporter with the live hook. */
export type LiveReporter = Reporter & Required<Pick<Reporter, 'onTick'>>;

/** True when `r` defines onTick. */
export function isLiveReporter(r: Reporter): r is LiveReporter {
  return typeof r.onTick === 'function';
}
