/**
 * Entry of a `--workers` thread: loads and compiles the same plan as the
 * main thread (compilation is pure and cheap), points it at the resolved
 * target, and serves its segment of the load (src/engine/run/load-worker.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPlan } from '../engine/plan/load-plan.ts';
import { compilePlan } from '../engine/compile/compile-plan.ts';
import { serveWorker, workerSink } from '../engine/run/load-worker.ts';
import { isAgentloadError } from '../engine/errors.ts';
import { loadRunPlugins } from './plugin-loader.ts';
import { selectScenarios } from './select-scenarios.ts';
import type { FromWorker, WorkerSetup } from '../engine/run/worker-protocol.ts';

const setup = workerData as WorkerSetup;
const NO_REPORTERS = {
  outputFile: null, csvPrefix: null, htmlFile: null, junitFile: null, prometheus: null, reporterSpecs: [], isConsoleOff: true, isQuiet: true,
} as const;
const port = parentPort!;

try {
  const plan = selectScenarios(loadPlan(setup.planFile, setup.overrides), setup.scenarios);
  const sink = workerSink();
  // Same engines as the main thread (built-ins and plan plugins); reporters stay in the main thread.
  const { engines, processor } = await loadRunPlugins(plan, NO_REPORTERS, { out: () => {}, err: () => {}, progress: null });
  const c = compilePlan(plan, { engines, sink, processor });
  // The main thread runs the top-level before / after flows once for all workers and hands over before's variables.
  const compiled = { ...c, target: setup.target, beforeFlow: null, afterFlow: null, variables: Object.freeze({ ...c.variables, ...setup.contextVars }) };
  await serveWorker(compiled, sink, setup.segment, port);
} catch (e) {
  const err = e as { code?: string; message?: string; exitCode?: number; format?: () => string };
  const msg: FromWorker = isAgentloadError(e)
    ? { type: 'error', code: e.code, message: e.message, formatted: e.format(), exitCode: e.exitCode }
    : { type: 'error', code: 'AGENTLOAD_E_INTERNAL', message: String(err?.message ?? e), formatted: String((e as Error)?.stack ?? e), exitCode: 3 };
  port.postMessage(msg);
}
