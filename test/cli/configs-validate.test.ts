/**
 * Contract: every plan under configs/ passes `agentload validate` (the real
 * CLI, as a child process), in its default and its `full` environment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = `${root}bin/agentload`;
const plans = readdirSync(`${root}configs`).filter((f) => f.endsWith('.yml')).map((f) => `configs/${f}`);

for (const plan of plans) {
  test(`${plan} passes agentload validate`, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'validate', plan], { cwd: root });
    assert.match(stdout, /valid/);
    if (/^\s+full:/m.test(readFileSync(`${root}${plan}`, 'utf8'))) {
      const full = await promisify(execFile)(process.execPath, [bin, 'validate', plan, '--env', 'full'], { cwd: root });
      assert.match(full.stdout, /valid/);
    }
  });
}

test('every config starts with a comment (what it models, what it enforces)', () => {
  for (const plan of plans) {
    const head = readFileSync(`${root}${plan}`, 'utf8').split('\n').slice(0, 12).join('\n');
    assert.match(head, /^# /, `${plan} starts with a comment`);
  }
});
