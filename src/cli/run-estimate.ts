/**
 * Sizing a run before it starts: the plan's peak demand (plan-demand.ts) set
 * against this machine's calibration (calibration-file.ts). One core carries
 * `arrivalsPerSecPerCore` single-request arrivals, so a plan needs
 *
 *     workers = ⌈peak requests/s ÷ per-core rate⌉    (one worker per core)
 *     shards  = ⌈workers ÷ cores of one machine⌉     (when one machine is short)
 *
 * Printed by `validate --estimate` and `run --dry-run`; `run` prints only the
 * warning, before the first request, when the plan needs more than it was given.
 */
import { availableParallelism } from 'node:os';
import { planDemand, type PlanDemand } from '../engine/compile/plan-demand.ts';
import type { CompiledPlan } from '../engine/compile/compiled-plan.ts';
import { calibrationPath, readCalibration, type Calibration } from './calibration-file.ts';
import type { RunArgs } from './run-args.ts';

/** What sizing concluded; null members when the calibration or the plan cannot say. */
export interface Sizing {
  readonly demand: PlanDemand;
  /** Workers (cores) the peak needs at the calibrated rate; null without a calibration or when the target bounds the rate. */
  readonly workersNeeded: number | null;
  /** Machines of this one's size the plan needs (1 when it fits). */
  readonly shardsNeeded: number | null;
  readonly cores: number;
  /** Shards the run is already split into (--shard i/N): the figures above are one shard's. */
  readonly shardCount: number;
}

/** `shardCount`: the run is one of that many shards (--shard i/N), so this machine carries 1/N of the plan. */
export function sizePlan(plan: CompiledPlan, calibration: Calibration | null, cores = availableParallelism(), shardCount = 1): Sizing {
  const demand = planDemand(plan);
  if (calibration === null || demand.isTargetBound || demand.peakRequestsPerSec === 0) return { demand, workersNeeded: null, shardsNeeded: null, cores, shardCount };
  const workersNeeded = Math.max(1, Math.ceil(demand.peakRequestsPerSec / shardCount / calibration.arrivalsPerSecPerCore));
  return { demand, workersNeeded, shardsNeeded: Math.ceil(workersNeeded / cores), cores, shardCount };
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

/** The demand in words: one line, then one per open question. */
export function demandLines(d: PlanDemand): string[] {
  const parts: string[] = [];
  if (d.peakArrivalsPerSec > 0) parts.push(`peak ${n(d.peakArrivalsPerSec)} arrivals/s (phase "${d.peakArrivalsPhase}")`);
  if (d.peakUsers > 0) parts.push(`${n(d.peakUsers)} looping users`);
  if (d.isTargetBound) parts.push('requests/s as fast as the target answers (users with no think time)');
  else parts.push(`${n(d.peakRequestsPerSec)} requests/s (every protocol step: request, call, message)`);
  const rate = n(d.peakArrivalsPerSec);
  const vus = !d.isVusLowerBound
    ? `${n(d.peakVus)} concurrent users`
    : d.scenarioThinkSec > 0
      ? `at least ${n(d.peakVus)} concurrent users (${rate}/s × ${d.scenarioThinkSec.toFixed(2)} s of think time per scenario; response times come on top, unknown before the run)`
      : `concurrent users = ${rate}/s × the response time, unknown before the run (${n(d.peakArrivalsPerSec * 0.1)} at 100 ms)`;
  parts.push(vus);
  parts.push(`${n(d.httpConnections)} HTTP connections per origin`);
  if (d.scenarios.some((x) => x.holdsConnection)) {
    parts.push(d.heldConnections > 0 ? `${d.isVusLowerBound ? 'at least ' : ''}${n(d.heldConnections)} WebSocket/held connections` : 'one WebSocket/held connection per concurrent user of its scenarios');
  }
  const lines = [`asks for ${parts.join(', ')}`];
  for (const s of d.scenarios) for (const u of s.unknowns) lines.push(`  scenario "${s.name}": ${u}; the estimate cannot know more`);
  return lines;
}

/** The verdict against the calibration, or how to get one. */
export function sizingLines(s: Sizing, calibration: Calibration | null, calibrationFile: string, workersGiven: number): string[] {
  if (calibration === null) return [`no calibration at ${calibrationFile}: run agentload calibrate once to size plans against this machine`];
  const head = `this machine: ${n(calibration.arrivalsPerSecPerCore)} arrivals/s per core (calibrated ${calibration.measuredAt.slice(0, 10)}), ${s.cores} core(s)`;
  if (s.workersNeeded === null) return [`${head}; the plan's rate depends on the target, so it cannot be sized from the plan`];
  const lines = [`${head}: needs ${s.workersNeeded} worker(s) (--workers ${s.workersNeeded})`];
  if (s.shardsNeeded! > 1 && s.shardCount > 1) {
    const total = Math.ceil((s.workersNeeded * s.shardCount) / s.cores);
    lines.push(`WARNING: one machine gives ${s.cores} worker(s), this shard of ${s.shardCount} needs ${s.workersNeeded}: split the plan into ${total} shards (--shard i/${total}) instead of ${s.shardCount}`);
  } else if (s.shardsNeeded! > 1) {
    lines.push(`WARNING: one machine gives ${s.cores} worker(s), the plan needs ${s.workersNeeded}: run it as ${s.shardsNeeded} shards of --workers ${Math.ceil(s.workersNeeded / s.shardsNeeded!)} (agentload k8s --shards ${s.shardsNeeded}, or --shard i/${s.shardsNeeded} on each machine; docs/scaling.md)`);
  } else if (workersGiven < s.workersNeeded) {
    lines.push(`WARNING: --workers ${workersGiven} is fewer than the ${s.workersNeeded} the plan needs: the generator will fall behind its schedule; pass --workers ${s.workersNeeded}`);
  }
  return lines;
}

/**
 * `validate --estimate` / `run --dry-run`: every line (demand, then the verdict).
 * `run`: only the warnings, so a plan that asks for more than this machine can give says so before it starts.
 */
export function estimateLines(plan: CompiledPlan, a: RunArgs, isWarningsOnly: boolean): string[] {
  const file = calibrationPath(a.calibrationFile ?? null);
  const calibration = readCalibration(file);
  if (isWarningsOnly && calibration === null) return [];
  const shards = a.shard?.count ?? 1;
  const s = sizePlan(plan, calibration, availableParallelism(), shards);
  const verdict = sizingLines(s, calibration, file, a.workers);
  if (isWarningsOnly) return verdict.filter((l) => l.startsWith('WARNING'));
  const slice = shards > 1 ? [`this is shard ${a.shard!.index + 1}/${shards}: the machine carries 1/${shards} of it`] : [];
  return [...demandLines(s.demand), ...slice, ...verdict];
}
