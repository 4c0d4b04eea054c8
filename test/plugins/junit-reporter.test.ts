import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { junitXml } from '../../src/plugins/junit-reporter.ts';
import { runFixture, startTarget, tempDir } from './report-fixture.ts';
import { parseXml, type XmlElement } from './parse-helpers.ts';

const child = (el: XmlElement, name: string): XmlElement[] => el.children.filter((c) => c.name === name);

test('--junit: well-formed XML, one testcase per expectation, FAILs as <failure>', async (t) => {
  const server = await startTarget();
  const tmp = tempDir('junit');
  t.after(async () => { await server.close(); tmp.cleanup(); });
  const file = join(tmp.dir, 'results.xml');
  const { result } = await runFixture(tmp.dir, server.url, { flags: { junitFile: file } });

  const root = parseXml(readFileSync(file, 'utf8'));
  assert.equal(root.name, 'testsuites');
  const [suite] = child(root, 'testsuite');
  assert.ok(suite);
  const cases = child(suite, 'testcase');
  assert.equal(cases.length, result.expectations.length);
  assert.equal(Number(suite.attrs.tests), result.expectations.length);
  assert.equal(Number(suite.attrs.failures), result.expectations.filter((e) => !e.isPass).length);
  assert.equal(Number(root.attrs.failures), 1);
  cases.forEach((c, i) => {
    const e = result.expectations[i]!;
    assert.equal(c.attrs.name, e.name);
    assert.equal(c.attrs.classname, 'agentload.plan');
    const failures = child(c, 'failure');
    assert.equal(failures.length, e.isPass ? 0 : 1, e.name);
    if (!e.isPass) assert.equal(failures[0]!.attrs.message, `measured ${e.measured}, limit ${e.limit}`);
  });
  const props = Object.fromEntries(child(child(suite, 'properties')[0]!, 'property').map((p) => [p.attrs.name, p.attrs.value]));
  assert.equal(Number(props.requests), result.summary.overall.count);
  assert.equal(props.target, server.url);
});

test('names with markup are escaped, and an aborted run adds a failing "run completed" case', () => {
  const base = {
    info: { planFile: 'p<&>.yml', planDigest: 'x', target: 'http://h', environment: null, plannedDurationMs: 1, startedAt: '2026-01-01T00:00:00Z', phases: [] },
    summary: { durationMs: 10, overall: { count: 0, rps: 0, errorRate: 0, latencyMs: { p95: 0 } } },
    expectations: [{ name: 'byName["a<b>&\'c"] p95', isPass: false, measured: '5ms', limit: '< 1ms', reason: 'x"y' }],
    isAborted: true,
  } as never;
  const root = parseXml(junitXml(base));
  const cases = child(child(root, 'testsuite')[0]!, 'testcase');
  assert.deepEqual(cases.map((c) => c.attrs.name), ['byName["a<b>&\'c"] p95', 'run completed']);
  assert.equal(root.attrs.failures, '2');
});
