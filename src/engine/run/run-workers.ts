/**
 * `--workers N`: the main thread's side. Starts N worker threads, each
 * running segment j/N of the plan (see segment.ts), keeps the reporters and
 * the interval clock here, and at every interval asks all workers to flush
 * so each snapshot holds the same window from every worker. Windows arrive
 * as encoded HDR histograms and merge exactly.
 */
import { Worker } from 'node:worker_threads';
import { MonotonicClock } from '../scheduler/clock.ts';
import { decodeHistogram, newHistogram } from '../metrics/histogram.ts';
import { mergeWindows } from '../metrics/merge-windows.ts';
import { RunError } from '../errors.ts';
import { nestSegment, WHOLE } from '../scheduler/segment.ts';
import { assessSaturation } from './saturation.ts';
import { startSeries } from './series-run.ts';
import { seededPlan } from './run-seed.ts';
import { runHookFlowAlone, transferableVars } from './run-hook-flow.ts';
import { announceStart, awaitStartAt, finishRun, initReporters, notStarted, phaseAt, runInfo, type RunOptions } from './run-plan.ts';
import { LiveTicker } from './live-ticker.ts';
import type { EncodedWindow } from '../metrics/hdr-sink.ts';
import type { CompiledPlan } from '../compile/compiled-plan.ts';
import type { IntervalSnapshot, RunResult } from '../contracts.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './worker-protocol.ts';

/** How long a flush may take before the interval is closed without that worker's window. */
const FLUSH_TIMEOUT_MS = 2000;

/** Kept here too: tests and callers imported it from this module before it moved to metrics/merge-windows.ts. */
export { mergeWindows };

const EMPTY_WINDOW: EncodedWindow = Object.freeze({ names: [], counters: {}, gauges: {} });

class WorkerHandle {
  readonly worker: Worker;
  private readonly waiters = new Map<number, (w: EncodedWindow) => void>();
  readonly ready: Promise<void>;
  readonly done: Promise<Extract<FromWorker, { type: 'done' }>>;

  constructor(url: URL, setup: WorkerSetup, log: (line: string) => void) {
    this.worker = new Worker(url, { workerData: setup });
    let onReady: () => void = () => {};
    let onDone: (m: Extract<FromWorker, { type: 'done' }>) => void = () => {};
    let onFail: (e: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => { onReady = resolve; onFail = reject; });
    this.done = new Promise((resolve, reject) => {
      onDone = resolve;
      const prev = onFail;
      onFail = (e) => { prev(e); reject(e); };
    });
    this.done.catch(() => {});
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') onReady();
      else if (m.type === 'window') this.waiters.get(m.seq)?.(m.window);
      else if (m.type === 'log') log(m.line);
      else if (m.type === 'done') {
        // Flushes still waiting will not be answered; done's window holds their data.
        for (const w of [...this.waiters.values()]) w(EMPTY_WINDOW);
        onDone(m);
      }
      else onFail(new RunError('AGENTLOAD_E_ABORTED', `worker ${setup.segment.index + 1}/${setup.segment.count} failed: ${m.formatted}`));
    });
    this.worker.on('error', (e) => onFail(new RunError('AGENTLOAD_E_ABORTED', `worker ${setup.segment.index + 1} crashed: ${e.message}`, { cause: e })));
    this.worker.on('exit', (code) => { if (code !== 0) onFail(new RunError('AGENTLOAD_E_ABORTED', `worker ${setup.segment.index + 1} exited with code ${code}`)); });
  }

  send(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  /** Asks for the current window; resolves null on timeout. */
  flush(seq: number): Promise<EncodedWindow | null> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.waiters.delete(seq); resolve(null); }, FLUSH_TIMEOUT_MS);
      this.waiters.set(seq, (w) => { clearTimeout(t); this.waiters.delete(seq); resolve(w); });
      this.send({ type: 'flush', seq });
    });
  }
}

/** The top-level `before` flow, once, here: its variables for every worker (null when the plan has none). */
async function runBefore(plan: CompiledPlan, sink: RunOptions['sink'], log: (line: string) => void): Promise<Record<string, unknown> | null> {
  if (plan.beforeFlow === null) return null;
  const clock = new MonotonicClock();
  const out = await runHookFlowAlone(plan, plan.beforeFlow, plan.variables, sink, () => clock.nowMs() * 1000, log, 0);
  if (!out.isOk) throw new RunError('AGENTLOAD_E_BEFORE_FLOW', 'the top-level before flow failed (see the processor error above), so no virtual user started');
  return transferableVars(out.vars);
}

/** Runs `plan` on `count` worker threads started from `workerUrl` (the CLI's entry). */
export async function runWithWorkers(
  unseeded: CompiledPlan, opts: RunOptions, workerUrl: URL, unseededSetup: Omit<WorkerSetup, 'segment'>, count: number,
): Promise<RunResult> {
  const { sink } = opts;
  // One seed for all: each worker compiles the plan itself, from these overrides.
  const plan = seededPlan(unseeded, opts.segment);
  const contextVars = await runBefore(plan, sink, opts.log);
  const setup = { ...unseededSetup, overrides: { ...unseededSetup.overrides, seed: plan.seed }, ...(contextVars === null ? {} : { contextVars }) };
  // Inside a shard, worker j runs segment nestSegment(shard, j/count) of the whole plan.
  const shard = opts.segment ?? WHOLE;
  const workers = Array.from({ length: count }, (_, j) => new WorkerHandle(workerUrl, { ...setup, segment: nestSegment(shard, { index: j, count }) }, opts.log));
  try {
    await Promise.all(workers.map((w) => w.ready));
    await initReporters(opts.reporters);
    if (!(await awaitStartAt(opts))) throw notStarted(opts.startAtMs!);
  } catch (e) {
    await Promise.all(workers.map((w) => w.worker.terminate()));
    throw e;
  }
  const info = runInfo(plan, opts.planText, opts.warnings);
  const reporters = await announceStart(opts.reporters, info, opts.log);
  const clock = new MonotonicClock();
  for (const w of workers) w.send({ type: 'start' });

  const intervals: IntervalSnapshot[] = [];
  let lastMs = 0;
  let seq = 0;
  let pending: Promise<void> = Promise.resolve();
  const close = (extra: EncodedWindow[]): void => {
    const now = clock.nowMs();
    sink.absorb(mergeWindows(extra));
    const snap = sink.snapshot(lastMs, now, phaseAt(plan, lastMs));
    lastMs = now;
    intervals.push(snap);
    ticker.onSnapshot(snap);
    void reporters.call('onInterval', snap);
  };
  const ticker = new LiveTicker(opts.reporters, {
    sink, nowMs: () => clock.nowMs(), phase: () => phaseAt(plan, clock.nowMs()), plannedDurationMs: plan.plannedDurationMs, log: opts.log,
  });
  ticker.start();
  const flushAndClose = (): Promise<void> => {
    const n = ++seq;
    pending = pending.then(() => Promise.all(workers.map((w) => w.flush(n)))).then((ws) => close(ws.filter((w) => w !== null)));
    return pending;
  };
  const timer = setInterval(() => void flushAndClose(), plan.intervalMs);
  const series = startSeries(plan, sink, clock, opts.targetPid ?? null, flushAndClose);
  const onAbort = (): void => { for (const w of workers) w.send({ type: 'abort' }); };
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  let done: Array<Extract<FromWorker, { type: 'done' }>>;
  try {
    done = await Promise.all(workers.map((w) => w.done));
  } finally {
    clearInterval(timer);
    ticker.stop();
    await pending;
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
  if (plan.afterFlow !== null && !done.some((d) => d.isAborted)) {
    const after = await runHookFlowAlone(plan, plan.afterFlow, { ...plan.variables, ...contextVars }, sink, () => clock.nowMs() * 1000, opts.log, -1);
    if (!after.isOk) opts.log('the top-level after flow failed (see the processor error above)');
  }
  close(done.map((d) => d.window));
  const delay = newHistogram();
  for (const d of done) delay.add(decodeHistogram(d.lateness.schedulingDelay));
  const saturation = assessSaturation({
    schedulingDelay: delay,
    lateArrivals: done.reduce((n, d) => n + d.lateness.lateArrivals, 0),
    arrivals: done.reduce((n, d) => n + d.lateness.arrivals, 0),
    steps: done.reduce((n, d) => n + d.lateness.steps, 0),
    lateSteps: done.reduce((n, d) => n + d.lateness.lateSteps, 0),
    maxStepLateMs: Math.max(...done.map((d) => d.lateness.maxStepLateMs)),
  }, Math.max(...done.map((d) => d.lateness.maxLagMs)));
  const seriesOutcome = await series.stop();
  return finishRun(plan, sink, info, intervals, clock.nowMs(), done.some((d) => d.isAborted), saturation, reporters, seriesOutcome, opts.shard);
}
