/**
 * Runs an Artillery-syntax fixture with a processor in-process, so a test can
 * read the processor's call log (each fixture processor appends a line per
 * call to $PROCESSOR_TEST_LOG) beside the run's result and log lines.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { compilePlan } from '../../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { runPlan } from '../../src/engine/run/run-plan.ts';
import { loadProcessor } from '../../src/engine/processor/load-processor.ts';
import { builtinEngines } from '../../src/engines/index.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

export const ARTILLERY_FIXTURES = fileURLToPath(new URL('../fixtures/artillery/', import.meta.url));

/** Runs test/fixtures/artillery/<name> against `target`; answers the result, the log lines and the processor's calls. */
export async function runProcessorFixture(name: string, target: string) {
  const log = join(scratchDir('agentload-processor-'), 'calls.log');
  writeFileSync(log, '');
  process.env.PROCESSOR_TEST_LOG = log;
  const plan = loadPlan(join(ARTILLERY_FIXTURES, name), { target });
  const sink = new HdrSink();
  const compiled = compilePlan({ ...plan, config: { ...plan.config, interval: '1s', grace: '5s' } }, { engines: builtinEngines(), sink, processor: await loadProcessor(plan) });
  const logs: string[] = [];
  const result = await runPlan(compiled, { sink, reporters: [], log: (l) => logs.push(l) });
  return { result, logs, calls: readFileSync(log, 'utf8').split('\n').filter((l) => l.trim() !== '') };
}
