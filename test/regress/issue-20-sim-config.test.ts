/**
 * Issue 20, items 2 and 6, for the sim's `--config` file: it is read through
 * the plan reader's YAML guards, so a hostile file (deep nesting, alias
 * expansion, a cycle) is an AGENTLOAD_E_SIM_CONFIG at its line:col instead of
 * a stack overflow or an uncaught error, and every error about the file's
 * content names a place in it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSimConfigFile } from '../../src/sim/sim-config-file.ts';
import { MAX_NESTING_DEPTH } from '../../src/engine/plan/yaml-guards.ts';
import type { AgentloadError } from '../../src/engine/errors.ts';
import { agentload } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentload-i20-sim-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function simFile(text: string): string {
  const file = join(dir, `s${n++}.yml`);
  writeFileSync(file, text);
  return file;
}
async function loadError(file: string): Promise<AgentloadError> {
  const e = await loadSimConfigFile(file).then(() => null, (err: unknown) => err as AgentloadError);
  return e ?? assert.fail(`expected ${file} to be refused`);
}

/** Nine anchors, each a list of ten aliases of the one before: 10^9 values once expanded. */
function billionLaughs(): string {
  let s = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    s += `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${prev}`).join(', ')}]\n`;
  }
  return s;
}

test('a thousand nested [ stop at the level past the limit, at its line:col, with exit 2 and no stack trace', async () => {
  const file = simFile(`port: 0\nlatency: ${'['.repeat(1000)}${']'.repeat(1000)}\n`);
  const e = await loadError(file);
  assert.equal(e.code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.equal(e.location?.line, 2);
  // `latency` is one level and its value a second: the limit is passed about MAX - 1 brackets in.
  const col = e.location!.col;
  assert.ok(col > MAX_NESTING_DEPTH - 4 && col < MAX_NESTING_DEPTH + 14, `col ${col}`);
  assert.match(e.message, new RegExp(`deeper than ${MAX_NESTING_DEPTH} levels`));
  const r = await agentload(['sim', '--config', file]);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /s\d+\.yml:2:\d+ AGENTLOAD_E_SIM_CONFIG/);
  assert.doesNotMatch(r.err, /at .*\.(js|ts):\d+|call stack/i, 'no stack trace');
});

test('alias expansion, an alias to its own ancestor and duplicate keys are located YAML errors', async () => {
  const laughs = await loadError(simFile(billionLaughs()));
  assert.equal(laughs.code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.match(laughs.message, /alias/i);
  assert.ok(laughs.location !== undefined);
  const cycle = await loadError(simFile('port: 0\nrateLimit: &r { burst: *r }\n'));
  assert.equal(cycle.code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.deepEqual([cycle.location?.line, cycle.location?.col], [2, 24]);
  const dup = await loadError(simFile('port: 0\nhost: a\nport: 1\n'));
  assert.equal(dup.code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.deepEqual([dup.location?.line, dup.location?.col], [3, 1]);
});

test('every error about the file\'s content names a line:col in it, a root that is not a map included', async () => {
  const cases: Array<[string, number]> = [
    ['42\n', 1],
    ['- 1\n- 2\n', 1],
    ['port: [1,\n', 2],
    ['port: 0\nbogus: 1\n', 2],
    ['sim:\n  port: x\n', 2],
    ['quotas: 5\n', 1],
    ['latency: { minMs: 5 }\n', 1],
    ['solveLatency:\n  simple: { minMs: 10, maxMs: 5 }\n', 2],
    ['errorStatus: 502\n', 1],
    ['port: 0\n---\nport: 1\n', 2],
    ['rateLimit: { burst: 0 }\nlatency: bad\n', 1],
  ];
  for (const [text, line] of cases) {
    const file = simFile(text);
    const e = await loadError(file);
    assert.equal(e.code, 'AGENTLOAD_E_SIM_CONFIG', text);
    assert.equal(e.location?.file, file, text);
    assert.equal(e.location?.line, line, text);
    assert.ok(e.location!.col >= 1, text);
  }
});

test('a good file, plain or under a sim: key, still loads', async () => {
  assert.deepEqual(await loadSimConfigFile(simFile('sim:\n  port: 0\n  latency: { minMs: 1, maxMs: 2 }\n')), { port: 0, latency: { minMs: 1, maxMs: 2 } });
  assert.deepEqual(await loadSimConfigFile(simFile('')), {});
});
