/**
 * Helpers for the shard and merge tests: a target that counts requests
 * (and answers with a spread of latencies, so percentiles mean something),
 * small open-model plans, and running every shard of a plan through the CLI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpServer, type TestServer } from '../helpers/servers.ts';
import { cli, type CliOutput } from './cli-fixture.ts';
import type { ShardedRunResult } from '../../src/engine/run/shard-record.ts';

/** 200 after 0–14 ms (by arrival order), 503 on /fail; records the wall-clock time of every request. */
export async function startCountingTarget(): Promise<TestServer & { wallMs: number[] }> {
  const wallMs: number[] = [];
  let n = 0;
  const srv = await startHttpServer((req, res) => {
    wallMs.push(Date.now());
    const delayMs = (n++ * 7) % 15;
    setTimeout(() => {
      if (req.url === '/fail') res.writeHead(503).end('no');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }, delayMs);
  });
  return Object.assign(srv, { wallMs });
}

/** Writes an open-model plan: `arrivals` GETs of `path` spread over `duration`; `expect` lines go under config.expect. */
export function writeOpenPlan(dir: string, name: string, target: string, opts: { arrivals: number; duration?: string; path?: string; expect?: string[] }): string {
  const file = join(dir, name);
  writeFileSync(file, [
    `# test plan ${name}: ${opts.arrivals} arrivals`,
    'config:',
    `  target: ${target}`,
    '  interval: 250ms',
    '  grace: 2s',
    `  phases: [{ name: main, duration: ${opts.duration ?? '1s'}, arrivalCount: ${opts.arrivals} }]`,
    ...(opts.expect === undefined ? [] : ['  expect:', ...opts.expect.map((l) => `    ${l}`)]),
    'scenarios:',
    '  - name: s',
    `    flow: [{ get: { url: ${opts.path ?? '/x'}, name: x } }]`,
    '',
  ].join('\n'));
  return file;
}

/** Runs shards 1..n of `plan` one after another; returns each run's CLI output and its result file. */
export async function runShards(plan: string, n: number, dir: string, extra: string[] = []): Promise<Array<{ run: CliOutput; file: string }>> {
  const out: Array<{ run: CliOutput; file: string }> = [];
  for (let i = 1; i <= n; i++) {
    const file = join(dir, `shard-${i}-of-${n}.json`);
    out.push({ run: await cli(['run', plan, '--shard', `${i}/${n}`, '--output', file, '--no-console', ...extra]), file });
  }
  return out;
}

/** Reads a result file written by `run --output` or `merge --output`. */
export function readJson(file: string): ShardedRunResult & { merged?: { shards: number; notes: string[] } } {
  return JSON.parse(readFileSync(file, 'utf8'));
}
