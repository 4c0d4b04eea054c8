/**
 * The headline numbers of one run — what a suite table row and a --repeat
 * median are made of — and the record run-command.ts keeps per run.
 */
import type { RunResult } from '../engine/contracts.ts';
import { failsRun } from '../engine/expect/run-held.ts';

/** One run's headline numbers (latencies in ms from the scheduled start, error rate 0..1). */
export interface Headline {
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly passCount: number;
  /** Failed expectations that fail the run. */
  readonly failCount: number;
  /** Failed optional ones (Artillery's `strict: false`): reported, never the exit code's. */
  readonly optionalFailCount: number;
}

/** One run of a session: a plan (and repetition) with its outcome; `exitCode` null = skipped. */
export interface RunRecord {
  /** The plan file as run. */
  readonly plan: string;
  /** The plan's label, unique in the session. */
  readonly label: string;
  /** 1-based. */
  readonly repetition: number;
  /** 0, 1 or 3 (aborted or could not start); null when the run never started (the session stopped first). */
  readonly exitCode: number | null;
  /** null when the run never started or failed to start. */
  readonly headline: Headline | null;
  /** The failed expectations' names, for the table. */
  readonly failed: readonly string[];
  /** The run's `--output` file, when one was written. */
  readonly outputFile: string | null;
  /** The error code when the run could not start (AGENTLOAD_E_SIM_START, …). */
  readonly errorCode: string | null;
}

/** Extracts the headline from a finished (or aborted) run. Pure. */
export function headline(result: RunResult): Headline {
  const o = result.summary.overall;
  const passCount = result.expectations.filter((e) => e.isPass).length;
  const failCount = result.expectations.filter(failsRun).length;
  return {
    requests: o.count, rps: o.rps, p50Ms: o.latencyMs.p50, p95Ms: o.latencyMs.p95, p99Ms: o.latencyMs.p99,
    errors: o.errors, errorRate: o.errorRate, passCount, failCount, optionalFailCount: result.expectations.length - passCount - failCount,
  };
}

/**
 * The session's exit code: the worst of the runs (3 > 1 > 0; skipped runs do
 * not count). A session with no run that finished is 3.
 */
export function worstExit(records: readonly RunRecord[]): number {
  const codes = records.map((r) => r.exitCode).filter((c): c is number => c !== null);
  return codes.length === 0 ? 3 : Math.max(...codes);
}
