/**
 * Helpers for the CLI tests: run `main` in-process with a capturing io,
 * write short plans (about 1 s each) into a temp dir, and a target that
 * answers 200 everywhere except /fail (503), recording every request.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { startHttpServer, type TestServer } from '../helpers/servers.ts';

/** Exit code and captured stdout / stderr text. */
export interface CliOutput {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI with `args`; nothing reaches the real terminal. */
export async function cli(args: string[]): Promise<CliOutput> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), progress: null });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A temp directory removed by `cleanup`. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `agentload-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** 200 JSON on every path, 503 on /fail. */
export function startTarget(): Promise<TestServer> {
  return startHttpServer((req, res) => {
    if (req.url === '/fail') res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
}

/** Writes `dir/name` with a 1 s, 20/s plan GETting `path`, expecting no errors; returns its path. */
export function writePlan(dir: string, name: string, target: string, path: string, extra: string[] = []): string {
  const file = join(dir, name);
  writeFileSync(file, [
    `# test plan ${name}: GET ${path} for 1 s; expects no errors`,
    'config:',
    `  target: ${target}`,
    '  interval: 250ms',
    '  grace: 1s',
    '  phases:',
    '    - { name: main, duration: 1, arrivalRate: 20 }',
    '  expect:',
    '    maxErrors: 0',
    ...extra,
    'scenarios:',
    `  - name: ${name.replace(/\.yml$/, '')}`,
    '    flow:',
    `      - get: { url: ${path}, name: req }`,
    '',
  ].join('\n'));
  return file;
}
