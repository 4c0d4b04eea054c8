/**
 * A template holding an expression (`{{ $processEnvironment.X || 'default' }}`,
 * issue 18): Artillery sends it unrendered, so validate stops with one located
 * AGENTLOAD_E_TEMPLATE per place that names the expression and the fix, the
 * same whether X is set or not; --target takes the target's out of play.
 * Plan: test/fixtures/artillery/template-expression.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli } from '../cli/cli-fixture.ts';
import { FIX } from './artillery-fixture.ts';

const FILE = join(FIX, 'template-expression.yml');

/** The error lines (path and code), without the hint. */
function errorLines(err: string): string[] {
  return err.split('\n').filter((l) => l.includes('AGENTLOAD_E_'));
}

test('template expression: one located error per place, naming the expression and the fix, set or not', async (t) => {
  const unset = await cli(['validate', FILE]);
  assert.equal(unset.code, 2, unset.out + unset.err);
  const lines = errorLines(unset.err);
  assert.equal(lines.length, 3, unset.err);
  assert.match(lines[0]!, /template-expression\.yml:4:11 AGENTLOAD_E_TEMPLATE config\.target: .* holds the expression "\$processEnvironment\.AGENTLOAD_T18_URL \|\| 'http:\/\/localhost:3000'", which Artillery does not evaluate .*; pass --target URL, or set AGENTLOAD_T18_URL and write \{\{ \$processEnvironment\.AGENTLOAD_T18_URL \}\}$/);
  assert.match(lines[1]!, /template-expression\.yml:6:17 AGENTLOAD_E_TEMPLATE config\.phases\[0\]\.duration: .* holds the expression "\$processEnvironment\.AGENTLOAD_T18_SECONDS \|\| 5"/);
  assert.match(lines[2]!, /template-expression\.yml:11:16 AGENTLOAD_E_TEMPLATE scenarios\[0\]\.flow\[0\]\.get\.url: .* holds the expression "page && 1", .*; name one variable, and give its default in config\.variables/);
  assert.doesNotMatch(unset.err, /is not set/);

  process.env.AGENTLOAD_T18_URL = 'http://127.0.0.1:9';
  process.env.AGENTLOAD_T18_SECONDS = '1';
  t.after(() => {
    delete process.env.AGENTLOAD_T18_URL;
    delete process.env.AGENTLOAD_T18_SECONDS;
  });
  const set = await cli(['validate', FILE]);
  assert.equal(set.code, 2);
  assert.deepEqual(errorLines(set.err), lines, 'set or not, the expression is the problem');

  const targeted = await cli(['validate', FILE, '--target', 'http://127.0.0.1:9']);
  assert.equal(targeted.code, 2);
  assert.deepEqual(errorLines(targeted.err), lines.slice(1), '--target replaces the target as written');
});
