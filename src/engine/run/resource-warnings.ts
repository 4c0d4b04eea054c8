/**
 * Warnings printed before a run whose plan asks for more than this machine
 * gives (issue 20, item 3): a plan that needs more sockets than the process
 * may open fails thousands of requests with `emfile` half-way through; said
 * up front, the fix (`ulimit -n`, fewer users, shards) is one line away.
 */
import { readFileSync } from 'node:fs';
import type { CompiledPlan } from '../compile/compiled-plan.ts';

/** Files the process itself keeps open besides its sockets (stdio, the sim's pipes, reports, …). */
const OWN_FILES = 64;

/** The soft limit on open files (Linux `/proc/self/limits`), or null where it cannot be read. */
export function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    const n = Number(soft);
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** The most virtual users the plan can have at once, or null when a phase leaves it unbounded. */
export function peakUsers(plan: CompiledPlan): number | null {
  let most = 0;
  for (const p of plan.phases) {
    if (p.kind === 'pause') continue;
    const bound = p.kind === 'users' ? Math.min(p.users, p.maxVusers) : p.maxVusers;
    if (!Number.isFinite(bound)) return null;
    most = Math.max(most, bound);
  }
  return most;
}

/**
 * One line per resource the plan may need beyond this machine's limit; empty
 * when it fits or when nothing can be said (an unbounded open model). Each
 * user may hold a connection (ws holds one per user; http pools up to one per
 * user), so the bound is the peak user count. Called by `run` before the first request.
 */
export function resourceWarnings(plan: CompiledPlan, fileLimit: number | null = openFileLimit()): string[] {
  const users = peakUsers(plan);
  if (users === null || fileLimit === null || users + OWN_FILES <= fileLimit) return [];
  return [
    `agentload: warning: the plan may hold ${users.toLocaleString('en-US')} connections at once, but this process may open only ` +
      `${fileLimit.toLocaleString('en-US')} files (ulimit -n): past it, requests fail as emfile. Raise it (ulimit -n ${users + OWN_FILES * 2}), ` +
      'or run fewer users per process (--shard, docs/scaling.md)',
  ];
}
