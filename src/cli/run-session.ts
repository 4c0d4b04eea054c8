/**
 * Several runs from one command — a suite, `--repeat N`, or both — one after
 * another with a cool-down between consecutive runs:
 *
 *   plan A #1 ─ cool-down ─ plan A #2 ─ cool-down ─ plan B #1 ─ …
 *
 * Every plan was prepared (validated) before this starts. Each run has its
 * own sim child, sink, reporters and output files (run-outputs.ts). A run
 * that is aborted or cannot start stops the session: the rest are listed as
 * skipped, the combined table is still printed and written, and the start
 * error is rethrown for main.ts to print. Exit code: the worst run's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from '../engine/duration.ts';
import { isAgentloadError } from '../engine/errors.ts';
import { writeAtomic } from '../plugins/write-atomic.ts';
import { repeatStats, repeatText, type RepeatStats } from './repeat-summary.ts';
import { headline, worstExit, type RunRecord } from './run-headline.ts';
import { verdictLine } from './run-verdict.ts';
import { runOnePlan } from './run-one-plan.ts';
import type { PreparedPlan } from './prepare-plans.ts';
import { runReporting, runTag, taggedFile, uniqueLabels } from './run-outputs.ts';
import { sessionDocument, sessionTable } from './session-summary.ts';
import type { PluginIo } from './plugin-loader.ts';
import type { RunArgs } from './run-args.ts';
import { failsRun } from '../engine/expect/run-held.ts';

interface Job {
  readonly plan: PreparedPlan;
  readonly label: string;
  readonly repetition: number;
}

function skipped(job: Job): RunRecord {
  return { plan: job.plan.file, label: job.label, repetition: job.repetition, exitCode: null, headline: null, failed: [], outputFile: null, errorCode: null };
}

/** Resolves false when the session was aborted during the pause. */
async function coolDown(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `plans` (each `a.repeat` times) and returns the session's exit code.
 * Sequential by design: concurrent plans would load the target together and
 * measure neither. `signal` aborts the current run and skips the rest.
 */
export async function runSession(plans: readonly PreparedPlan[], a: RunArgs, io: PluginIo, coolDownMs: number, signal: AbortSignal): Promise<number> {
  const labels = uniqueLabels(plans.map((p) => p.label));
  const jobs: Job[] = plans.flatMap((plan, i) => Array.from({ length: a.repeat }, (_, r) => ({ plan, label: labels[i]!, repetition: r + 1 })));
  const isMulti = jobs.length > 1;
  const records: RunRecord[] = [];
  let startError: unknown;
  let hasStartError = false;
  for (const [k, job] of jobs.entries()) {
    const isStopped = hasStartError || signal.aborted || records.some((r) => r.exitCode === 3);
    if (isStopped || (k > 0 && !(await announceCoolDown(k, jobs, a, io, coolDownMs, signal)))) {
      records.push(skipped(job));
      continue;
    }
    if (isMulti && !a.isQuiet) io.err(`agentload: [${k + 1}/${jobs.length}] ${job.plan.file}${a.repeat > 1 ? ` (repetition ${job.repetition}/${a.repeat})` : ''}`);
    const reporting = runReporting(a, runTag(job.label, job.repetition, plans.length, a.repeat));
    try {
      const run = await runOnePlan(job.plan, a, reporting, io, signal);
      if (isConsoleOn(job.plan, a)) io.out(['', verdictLine(run.result), ...run.outputs].join('\n'));
      records.push({
        plan: job.plan.file, label: job.label, repetition: job.repetition, exitCode: run.exitCode, headline: headline(run.result),
        failed: run.result.expectations.filter(failsRun).map((e) => e.name), outputFile: reporting.outputFile, errorCode: null,
      });
    } catch (e) {
      if (!isMulti) throw e;
      startError = e;
      hasStartError = true;
      records.push({ ...skipped(job), exitCode: isAgentloadError(e) ? e.exitCode : 3, errorCode: isAgentloadError(e) ? e.code : 'AGENTLOAD_E_INTERNAL' });
    }
  }
  if (isMulti) report(records, labels, plans.length, a, io, coolDownMs);
  if (hasStartError) throw startError;
  return worstExit(records);
}

/** The verdict goes where the console summary goes: not under --no-console or `plugins: { console: false }`. */
function isConsoleOn(p: PreparedPlan, a: RunArgs): boolean {
  const plugins = p.plan.config.plugins ?? {};
  return !a.isConsoleOff && !(Object.hasOwn(plugins, 'console') && plugins.console === false);
}

async function announceCoolDown(k: number, jobs: readonly Job[], a: RunArgs, io: PluginIo, ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms > 0 && !a.isQuiet) io.err(`agentload: cool-down ${formatDuration(ms)} before ${jobs[k]!.plan.file}`);
  return coolDown(ms, signal);
}

function report(records: readonly RunRecord[], labels: readonly string[], planCount: number, a: RunArgs, io: PluginIo, coolDownMs: number): void {
  const repeats: RepeatStats[] = [];
  if (a.repeat > 1) {
    for (const label of labels) {
      const stats = repeatStats(records.filter((r) => r.label === label));
      if (stats !== null) repeats.push(stats);
    }
  }
  if (!a.isConsoleOff) {
    const blocks = repeats.map((s) => repeatText(s, a.repeat).join('\n'));
    blocks.push(sessionTable(records, { planCount, repeat: a.repeat, coolDownMs }).join('\n'));
    io.out(`\n${blocks.join('\n\n')}`);
  }
  if (a.outputFile !== null) {
    writeAtomic(taggedFile(a.outputFile, 'summary'), `${JSON.stringify(sessionDocument(records, repeats, coolDownMs), null, 2)}\n`);
  }
}
