/**
 * Issue 20, item 3: values no one can mean are refused at their line:col with
 * the limit in the message; a plan needing more sockets than the process may
 * open is warned about before the run; `__proto__` is sent alike from static
 * and templated bodies, and refused as a variable name.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { compileTemplate, compileValue } from '../../src/engine/templates.ts';
import { resourceWarnings } from '../../src/engine/run/resource-warnings.ts';
import type { CompiledPlan } from '../../src/engine/compile/compiled-plan.ts';
import { compilePlan } from '../../src/engine/compile/compile-plan.ts';
import { builtinEngines } from '../../src/engines/index.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import type { PlanError } from '../../src/engine/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentload-i20l-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A plan with `phase` as its one phase, `config` lines added under config, and `get` as the step's extra keys. */
function plan(phase: string, config = '', get = ''): string {
  const file = join(dir, `p${n++}.yml`);
  writeFileSync(file, `config:\n  target: http://127.0.0.1:9\n  phases: [{ duration: 10, ${phase} }]\n${config}scenarios:\n  - name: s\n    flow:\n      - get: { url: /${get} }\n`);
  return file;
}

function limitError(file: string, isStrict = false): PlanError {
  try {
    loadPlan(file, { isStrict });
  } catch (e) {
    const err = e as PlanError;
    assert.equal(err.code, 'AGENTLOAD_E_PLAN_LIMIT', err.message);
    assert.ok(err.location !== undefined && err.location.line > 0, 'located');
    return err;
  }
  return assert.fail('expected AGENTLOAD_E_PLAN_LIMIT');
}

test('absurd rates, user counts, durations, intervals and timeouts are refused with the limit named', () => {
  const cases: Array<[string, RegExp, number]> = [
    [plan('arrivalRate: 1e12'), /limit of 1,000,000 arrivals per second/, 3],
    [plan('arrivalRate: 10, rampTo: 5e6'), /rampTo .* limit of 1,000,000/, 3],
    [plan('users: 1e9'), /limit of 1,000,000 users/, 3],
    [plan('arrivalCount: 1e12'), /limit of 1,000,000,000 arrivals/, 3],
    [plan('arrivalRate: 1', '  interval: 0\n'), /limit of 100ms/, 4],
    [plan('arrivalRate: 1', '  interval: 1ms\n'), /limit of 100ms/, 4],
    [plan('arrivalRate: 1', '', ', timeout: 0'), /shortest is 1ms/, 7],
    [plan('arrivalRate: 1', '  http: { timeout: 2h }\n'), /limit of 1h/, 4],
    [plan('arrivalRate: 1', '  http: { connections: 1e7 }\n'), /limit of 100,000/, 4],
  ];
  for (const [file, message, line] of cases) {
    const e = limitError(file);
    assert.match(e.message, message);
    assert.equal(e.location?.line, line, e.message);
  }
  const long = join(dir, 'long.yml');
  writeFileSync(long, 'config:\n  target: http://127.0.0.1:9\n  phases: [{ duration: 200h, arrivalRate: 1 }]\nscenarios: [{ name: s, flow: [{ get: { url: / } }] }]\n');
  assert.match(limitError(long).message, /7 days/);
});

test('header names must be tokens and values must not break the header line', () => {
  // On an HTTP request a bad name is a warning (each such request fails as invalid_request, as in Artillery, issue 18); --strict refuses it.
  const badName = plan('arrivalRate: 1', '', ', headers: { "bad name": x }');
  assert.deepEqual(loadPlan(badName).warnings.map((w) => [w.code, w.yamlPath]), [['AGENTLOAD_W_HEADER_NAME', 'scenarios[0].flow[0].get.headers["bad name"]']]);
  assert.match(limitError(badName, true).message, /not a valid header name/);
  assert.match(limitError(plan('arrivalRate: 1', '', ', headers: { x-a: "a\\r\\nInjected: 1" }')).message, /line break/);
});

test('__proto__, constructor and prototype cannot be variable or capture names', () => {
  assert.match(limitError(plan('arrivalRate: 1', '', ', capture: { json: $.a, as: __proto__ }')).message, /"__proto__" cannot be a variable name/);
  assert.match(limitError(plan('arrivalRate: 1', '  variables: { constructor: 1 }\n')).message, /"constructor"/);
});

test('values at the limits are accepted', () => {
  const ok = plan('arrivalRate: 1000000', '  interval: 100ms\n  http: { timeout: 1h }\n', ', timeout: 1ms, headers: { x-a: "v {{ vu }}" }');
  assert.equal(loadPlan(ok).scenarios.length, 1);
});

test('__proto__ in a templated JSON body is sent as an own key, as a static body sends it', () => {
  const body = JSON.parse('{"__proto__": {"polluted": "{{ who }}"}, "a": "{{ who }}"}') as Record<string, unknown>;
  const t = compileValue(body, (source, path) => compileTemplate(source, undefined, path), 'json');
  const rendered = t.render({ who: 'x' });
  assert.equal(JSON.stringify(rendered), '{"__proto__":{"polluted":"x"},"a":"x"}');
  assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype untouched');
  assert.equal(Object.getPrototypeOf(rendered), Object.prototype);
});

/** The compiled plan of one scenario (`engine` and `flow` as written), as `run` compiles it. */
function compiled(phases: string, flow: string, config = '', engine = 'http'): CompiledPlan {
  const file = join(dir, `c${n++}.yml`);
  writeFileSync(file, `config:\n  target: http://127.0.0.1:9\n  phases: [${phases}]\n${config}scenarios:\n  - name: s\n    engine: ${engine}\n    flow:\n${flow}`);
  return compilePlan(loadPlan(file), { engines: builtinEngines(), sink: new HdrSink(), environment: null, processor: null });
}
const GET = '      - get: { url: / }\n';
const WS = '      - connect: /ws\n      - think: 10s\n';

test('a plan holding more connections than the open-file limit is warned about, one that fits is not', () => {
  const [w] = resourceWarnings(compiled('{ duration: 10, users: 10000 }', GET), 1024);
  assert.match(w!, /10,000 connections .* only 1,024 files \(ulimit -n\)/);
  assert.deepEqual(resourceWarnings(compiled('{ duration: 10, users: 500 }', GET), 1024), []);
  // HTTP users share a pool, which config.http.connections may cap below the user count.
  assert.deepEqual(resourceWarnings(compiled('{ duration: 10, users: 10000 }', GET, '  http: { connections: 200 }\n'), 1024), []);
});

test('an open phase without maxVusers is warned about when what it surely holds passes the limit', () => {
  // WebSocket users hold a connection each: 500 arrivals/s × 10 s of think time is at least 5 000 at once.
  const [ws] = resourceWarnings(compiled('{ duration: 60, arrivalRate: 500 }', WS, '', 'ws'), 1024);
  assert.match(ws!, /5,000 connections at once \(at least 5,000 held .* 500 arrivals\/s/);
  assert.deepEqual(resourceWarnings(compiled('{ duration: 60, arrivalRate: 50 }', WS, '', 'ws'), 1024), []);
  assert.deepEqual(resourceWarnings(compiled('{ duration: 60, arrivalRate: 500, maxVusers: 200 }', WS, '', 'ws'), 1024), []);
  // No more users than ever arrive: a 1-second phase brings 500.
  assert.deepEqual(resourceWarnings(compiled('{ duration: 1, arrivalRate: 500 }', WS, '', 'ws'), 1024), []);
  // HTTP arrivals share the pool of each origin (128 by default): that is what may be open at once.
  assert.deepEqual(resourceWarnings(compiled('{ duration: 60, arrivalRate: 5000 }', GET), 1024), []);
  const [http] = resourceWarnings(compiled('{ duration: 60, arrivalRate: 5000 }', GET), 150);
  assert.match(http!, /up to 128 in the HTTP pool of each origin/);
});
