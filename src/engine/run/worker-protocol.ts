/**
 * Messages between the main thread and load workers (worker_threads).
 * Windows travel as encoded HDR histograms, so the merge is exact.
 */
import type { EncodedWindow } from '../metrics/hdr-sink.ts';
import type { Segment } from '../scheduler/segment.ts';

/** workerData: enough for a worker to load and compile the same plan itself. */
export interface WorkerSetup {
  readonly planFile: string;
  readonly overrides: Record<string, unknown>;
  readonly scenarios: readonly string[];
  /** The resolved target (the sim's URL when the plan says `sim`). */
  readonly target: string;
  readonly segment: Segment;
  /** The module the boot script imports (the CLI's worker entry). */
  readonly entryUrl: string;
  /** What the top-level `before` flow (run once, in the main thread) left in its variables: every user starts with them. */
  readonly contextVars?: Record<string, unknown>;
}

/** main → worker */
export type ToWorker =
  | { readonly type: 'start' }
  | { readonly type: 'flush'; readonly seq: number }
  | { readonly type: 'abort' };

/** The scheduler's lateness, encoded for merging. */
export interface EncodedLateness {
  readonly schedulingDelay: string;
  readonly lateArrivals: number;
  readonly arrivals: number;
  readonly maxLagMs: number;
  readonly steps: number;
  readonly lateSteps: number;
  readonly maxStepLateMs: number;
}

/** worker → main */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'window'; readonly seq: number; readonly window: EncodedWindow }
  | { readonly type: 'done'; readonly window: EncodedWindow; readonly lateness: EncodedLateness; readonly isAborted: boolean }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly formatted: string; readonly exitCode: number };
