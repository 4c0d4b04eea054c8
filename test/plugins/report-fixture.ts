/**
 * A short real run for the reporter tests: a node:http target on port 0
 * answering 200 (/ok, 1–3 ms), 429 (/limited, an expected outcome) and 503
 * (/fail, an error), and a two-phase YAML plan loaded with loadPlan, run
 * with runPlan at a 250 ms interval (~1.5 s, 6–7 intervals). Every reporter
 * test parses its output back and checks it against the RunResult.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { compilePlan } from '../../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { runPlan } from '../../src/engine/run/run-plan.ts';
import { loadRunPlugins } from '../../src/cli/plugin-loader.ts';
import { startHttpServer, type TestServer } from '../helpers/servers.ts';
import type { Reporter, RunResult } from '../../src/engine/contracts.ts';
import type { ReportingArgs } from '../../src/cli/run-args.ts';

/** Routes of the fixture target. */
export async function startTarget(): Promise<TestServer> {
  return startHttpServer(async (req, res) => {
    if (req.url === '/limited') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":"rate limited"}');
    } else if (req.url === '/fail') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
    } else {
      await new Promise((r) => setTimeout(r, 1 + Math.floor(Math.random() * 3)));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
  }, { record: false });
}

/** The plan text; `pluginsYaml` lines go under config.plugins. */
export function planText(target: string, pluginsYaml: string[] = []): string {
  return [
    '# reporter test plan: warm + main phase, ok / limited / fail requests',
    'config:',
    `  target: ${target}`,
    '  interval: 250ms',
    '  grace: 2s',
    '  phases:',
    '    - { name: warm, duration: 0.5, arrivalRate: 20 }',
    '    - { name: main, duration: 1, arrivalRate: 40 }',
    '  outcomes:',
    '    rate_limited: { status: [429] }',
    '  expect:',
    '    p95: 1000ms',
    '    maxErrors: 0',
    '    outcomes: { rate_limited: "> 0" }',
    ...(pluginsYaml.length ? ['  plugins:', ...pluginsYaml.map((l) => `    ${l}`)] : []),
    'scenarios:',
    '  - name: mixed',
    '    flow:',
    '      - get: { url: /ok, name: ok }',
    '      - get: { url: /limited, name: limited }',
    '      - get: { url: /fail, name: fail }',
    '',
  ].join('\n');
}

/** A temp directory removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `agentload-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Reporting flags with nothing set. */
export const NO_FLAGS: ReportingArgs = {
  outputFile: null, csvPrefix: null, htmlFile: null, junitFile: null, prometheus: null,
  reporterSpecs: [], isConsoleOff: true, isQuiet: true,
};

/** Writes the plan into `dir`, loads it and its plugins as `run` does, runs it; `extra` reporters are called first. */
export async function runFixture(
  dir: string, target: string, opts: { pluginsYaml?: string[]; flags?: Partial<ReportingArgs>; extra?: Reporter[] } = {},
): Promise<{ result: RunResult; logs: string[]; out: string[]; planFile: string }> {
  const planFile = join(dir, 'plan.yml');
  writeFileSync(planFile, planText(target, opts.pluginsYaml));
  const plan = loadPlan(planFile);
  const out: string[] = [];
  const logs: string[] = [];
  const plugins = await loadRunPlugins(plan, { ...NO_FLAGS, ...opts.flags }, { out: (t) => out.push(t), err: (t) => logs.push(t), progress: null });
  const sink = new HdrSink();
  const compiled = compilePlan(plan, { engines: plugins.engines, sink });
  const result = await runPlan(compiled, { sink, reporters: [...(opts.extra ?? []), ...plugins.reporters], log: (l) => logs.push(l) });
  return { result, logs, out, planFile };
}
