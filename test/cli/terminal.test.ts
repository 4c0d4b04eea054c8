/**
 * The run as a person sees it in a real terminal: `script` (util-linux)
 * gives the CLI a pty of a chosen width, and the test reads back every
 * frame the progress line drew.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';
import { startTarget, tempDir, writePlan } from './cli-fixture.ts';

const SCRIPT = '/usr/bin/script';

/** Runs `bin/agentload ARGS` on a pty `columns` wide; resolves everything the terminal received. */
function inTerminal(args: string[], columns: number): Promise<string> {
  const log = join(tempDir('pty').dir, 'typescript');
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const command = `stty cols ${columns} rows 40; '${process.execPath}' bin/agentload ${quoted}`;
  return new Promise((resolve, reject) => {
    execFile(SCRIPT, ['-qfec', command, log], { cwd: ROOT, timeout: 120_000 }, (err) => {
      if (err && err.code !== 1) reject(err);
      else resolve(readFileSync(log, 'utf8'));
    });
  });
}

/** The progress frames: what each redraw left on the line, escape sequences removed. */
function frames(raw: string): string[] {
  return raw.split(/\x1b\[1G|\r/).map((f) => f.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '')).filter((f) => /^\[[█░]+\] \d+s\/\d+s/.test(f) || /^\d+s\/\d+s · /.test(f));
}

test('in a pty the progress line is drawn from 0s and redrawn as time passes, within the width; the run ends with its verdict and reports', async (t) => {
  assert.ok(existsSync(SCRIPT), `${SCRIPT} is missing: it comes with Debian's essential bsdutils package`);
  const server = await startTarget();
  const tmp = tempDir('terminal');
  t.after(async () => { await server.close(); tmp.cleanup(); });
  const plan = writePlan(tmp.dir, 'three.yml', server.url, '/ok');
  // Three seconds, so there are frames in three different seconds.
  writeFileSync(plan, readFileSync(plan, 'utf8').replace('duration: 1, arrivalRate: 20', 'duration: 3, arrivalRate: 20'));
  const html = join(tmp.dir, 'r.html');
  for (const columns of [72, 160]) {
    const raw = await inTerminal(['run', plan, '--html', html], columns);
    const shown = frames(raw);
    assert.ok(shown.length >= 3, `at least one frame a second over 3 s, got ${shown.length}:\n${raw}`);
    assert.match(shown[0]!, /0s\/3s/, 'the first frame is drawn at 0s, before the first interval');
    // Redrawn as time passes (a lower bound only: a loaded machine may delay a tick past a second).
    const seconds = shown.map((f) => Number(/(\d+)s\/3s/.exec(f)![1]));
    assert.ok(Math.max(...seconds) >= 2 && new Set(seconds).size >= 2, `frames at ${seconds}`);
    for (const f of shown) assert.ok([...f.trimEnd()].length < columns, `${columns} columns: "${f}"`);
    assert.ok(shown.some((f) => / req\/s · p95 [\d.]+ms/.test(f)), 'req/s and p95 appear while running');
    assert.match(raw, /\r?\nPASS: 1 of 1 expectation held\r?\n/);
    assert.match(raw, new RegExp(`HTML report: ${html.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  }
});
