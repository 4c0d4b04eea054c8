/**
 * The worker side of `--workers N`: given a compiled plan and its segment,
 * drives that share of the load and answers the main thread's flushes with
 * encoded interval windows. The CLI's worker entry compiles the plan (it
 * owns engine loading) and calls serveWorker.
 */
import type { MessagePort } from 'node:worker_threads';
import { MonotonicClock } from '../scheduler/clock.ts';
import { encodeHistogram } from '../metrics/histogram.ts';
import { HdrSink } from '../metrics/hdr-sink.ts';
import { LoadDriver } from './load-driver.ts';
import type { CompiledPlan } from '../compile/compiled-plan.ts';
import type { Segment } from '../scheduler/segment.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

/** Runs one worker until its load is done; `port` is the worker's parentPort. */
export async function serveWorker(plan: CompiledPlan, sink: HdrSink, segment: Segment, port: MessagePort): Promise<void> {
  const send = (m: FromWorker): void => port.postMessage(m);
  const clock = new MonotonicClock();
  const driver = new LoadDriver(plan, sink, clock, (line) => send({ type: 'log', line }), segment);
  await driver.init();
  const started = new Promise<void>((resolve) => {
    port.on('message', (m: ToWorker) => {
      if (m.type === 'start') resolve();
      else if (m.type === 'abort') driver.abort();
      else if (m.type === 'flush') {
        driver.sampleGenerator();
        send({ type: 'window', seq: m.seq, window: sink.takeInterval() });
      }
    });
  });
  send({ type: 'ready' });
  await started;
  const { isAborted } = await driver.run();
  const r = driver.runner;
  send({
    type: 'done',
    window: sink.takeInterval(),
    lateness: { schedulingDelay: encodeHistogram(r.schedulingDelay), lateArrivals: r.lateArrivals, arrivals: r.arrivals, maxLagMs: driver.maxLagMs,
      steps: r.steps, lateSteps: r.lateSteps, maxStepLateMs: r.maxStepLateMs },
    isAborted,
  });
}

/** A fresh sink for a worker. */
export function workerSink(): HdrSink {
  return new HdrSink();
}
