/**
 * Warnings printed before a run whose plan asks for more than this machine
 * gives (issue 20, item 3): a plan that needs more sockets than the process
 * may open fails thousands of requests with `emfile` half-way through; said
 * up front, the fix (`ulimit -n`, fewer users, shards) is one line away.
 */
import { readFileSync } from 'node:fs';
import type { CompiledPlan } from '../compile/compiled-plan.ts';
import { planDemand } from '../compile/plan-demand.ts';

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
 * when it fits or when nothing can be said. Called by `run` before the first request.
 *
 * When every phase bounds its users, the bound is the peak user count: each
 * user may hold a connection (ws holds one per user; http pools up to one per
 * user, fewer when config.http.connections says so). An open phase without
 * maxVusers has no such bound; then what is certain is counted (plan-demand.ts):
 * the users that hold a connection, by Little's law over think times alone (a
 * lower bound), plus the HTTP pool one origin may open.
 */
export function resourceWarnings(plan: CompiledPlan, fileLimit: number | null = openFileLimit()): string[] {
  if (fileLimit === null) return [];
  const users = peakUsers(plan);
  const d = planDemand(plan);
  const isPooledOnly = d.scenarios.every((s) => !s.holdsConnection);
  const fix = 'or run fewer users per process (--shard, docs/scaling.md)';
  // Built only for a warning: the first toLocaleString sets up ICU's number formatting (~15 ms of every run's start).
  const limit = (): string => `but this process may open only ${fmt(fileLimit)} files (ulimit -n): past it, requests fail as emfile`;
  if (users !== null) {
    const connections = isPooledOnly ? Math.min(users, d.httpConnections) : users;
    if (connections + OWN_FILES <= fileLimit) return [];
    return [`agentload: warning: the plan may hold ${fmt(connections)} connections at once, ${limit()}. Raise it (ulimit -n ${connections + OWN_FILES * 2}), ${fix}`];
  }
  const pooled = d.scenarios.some((s) => !s.holdsConnection && s.requests > 0) ? d.httpConnections : 0;
  // Little's law is the steady state: a short phase ends before it is reached, and no more users can be alive than ever arrived.
  const held = Math.min(d.heldConnections, Math.ceil(totalArrivals(plan)));
  if (held + pooled + OWN_FILES <= fileLimit) return [];
  const parts = [
    ...(held > 0 ? [`at least ${fmt(held)} held by WebSocket-like users: ${fmt(d.peakArrivalsPerSec)} arrivals/s over their think times alone, within the arrivals planned`] : []),
    ...(pooled > 0 ? [`up to ${fmt(pooled)} in the HTTP pool of each origin`] : []),
  ];
  return [`agentload: warning: the plan may hold ${fmt(held + pooled)} connections at once (${parts.join('; ')}), ${limit()}. ` +
    `Raise it (ulimit -n ${held + pooled + OWN_FILES * 2}), set maxVusers on the open phases, ${fix}`];
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Arrivals over the whole plan (open-model phases; a ramp counts its mean rate). */
function totalArrivals(plan: CompiledPlan): number {
  let total = 0;
  for (const p of plan.phases) {
    if (p.kind !== 'arrivals') continue;
    total += p.arrivalCount ?? ((p.fromRatePerSec + p.toRatePerSec) / 2) * (p.durationMs / 1000);
  }
  return total;
}
