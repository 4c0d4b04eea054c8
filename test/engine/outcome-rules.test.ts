/**
 * Expected-outcome rules per step (outcome-rules.ts): steps without outcomes of their own share one
 * layering of the engine's defaults and config.outcomes (a 10 000-step plan made two maps per step),
 * and sharing never leaks one step's or one plan's rules into another's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileOutcomeRules } from '../../src/engine/checks/outcome-rules.ts';
import type { OutcomeRules } from '../../src/engine/contracts.ts';

const fail = (message: string, yamlPath: string): never => { throw new Error(`${yamlPath}: ${message}`); };
const DEFAULTS: OutcomeRules = { byStatus: new Map([[429, 'rate_limited']]), byRpcCode: new Map([[-32001, 'rate_limited'], [-32005, 'quota_exceeded']]) };

test('steps without outcomes share one layering; a step with its own gets its own, and another plan\'s config is not served stale', () => {
  const config = { maintenance: { status: [503] } };
  const a = compileOutcomeRules(DEFAULTS, config, undefined, 'scenarios[0].flow[0].get', fail);
  const b = compileOutcomeRules(DEFAULTS, config, undefined, 'scenarios[0].flow[1].get', fail);
  assert.equal(a, b, 'shared, not rebuilt per step');
  assert.deepEqual([...a.byStatus], [[429, 'rate_limited'], [503, 'maintenance']]);

  const own = compileOutcomeRules(DEFAULTS, config, { rate_limited: false }, 'scenarios[0].flow[2].get', fail);
  assert.notEqual(own, a);
  assert.deepEqual([...own.byStatus], [[503, 'maintenance']]);
  assert.deepEqual([...a.byStatus], [[429, 'rate_limited'], [503, 'maintenance']], 'the shared rules are untouched by a step\'s own');

  const other = compileOutcomeRules(DEFAULTS, undefined, undefined, 'scenarios[0].flow[0].get', fail);
  assert.deepEqual([...other.byStatus], [[429, 'rate_limited']], 'a plan without config.outcomes gets the defaults only');
  assert.deepEqual([...DEFAULTS.byStatus], [[429, 'rate_limited']], 'the defaults are never changed');
});

test('a bad config.outcomes is reported at every step that asks, not only the first', () => {
  for (const i of [0, 1]) assert.throws(() => compileOutcomeRules(DEFAULTS, { Bad: {} }, undefined, `scenarios[0].flow[${i}].get`, fail), /config\.outcomes\.Bad/);
});
