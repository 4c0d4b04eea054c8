/**
 * Runs a plan object in-process (no YAML, no CLI) against real servers, for
 * tests of the compiler, scheduler, VU runner and engines.
 */
import { compilePlan } from '../../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { runPlan } from '../../src/engine/run/run-plan.ts';
import { builtinEngines } from '../../src/engines/index.ts';
import type { PlanInput, Reporter, RunResult } from '../../src/engine/contracts.ts';

/** A PlanInput from a plain object; locate() returns undefined (no YAML positions). */
export function inlinePlan(config: Record<string, unknown>, scenarios: Array<Record<string, unknown>>): PlanInput {
  return { file: 'inline.yml', config: config as never, scenarios: scenarios as never, locate: () => undefined };
}

/** Compiles and runs; returns the RunResult and the log lines. */
export async function runInline(
  config: Record<string, unknown>, scenarios: Array<Record<string, unknown>>, reporters: Reporter[] = [], signal?: AbortSignal,
): Promise<RunResult & { logs: string[] }> {
  const sink = new HdrSink();
  const logs: string[] = [];
  const plan = compilePlan(inlinePlan({ interval: '1s', grace: '2s', ...config }, scenarios), { engines: builtinEngines(), sink });
  const result = await runPlan(plan, { sink, reporters, log: (l) => logs.push(l), signal });
  return { ...result, logs };
}
