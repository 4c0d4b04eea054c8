/**
 * How many worker threads to start for `--workers N`. Threads beyond the
 * cores this process may run on (CPU affinity, as `taskset` or a container
 * sets it) cannot add throughput: their event loops take turns on the same
 * core, paying context switches and cold caches. Measured on one core, two
 * workers reached 0.67–1.01× the requests/s of one (docs/scaling.md). So N is
 * capped at the available cores, with a note, unless --oversubscribe.
 */
import { availableParallelism } from 'node:os';

/** The worker count to run and, when it differs from the one asked, the line that says why. */
export function workersToRun(asked: number, isOversubscribing: boolean, cores = availableParallelism()): { count: number; note: string | null } {
  if (asked <= cores || isOversubscribing) return { count: asked, note: null };
  const count = Math.max(1, cores);
  return {
    count,
    note: `agentload: --workers ${asked} but this process may run on ${cores} core${cores === 1 ? '' : 's'}: running ${count} ` +
      `worker${count === 1 ? '' : 's'} (more event loops than cores only take turns; --oversubscribe runs ${asked} anyway)`,
  };
}
