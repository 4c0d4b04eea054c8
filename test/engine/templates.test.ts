import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, compileValue } from '../../src/engine/templates.ts';

const at = (src: string, p: string) => compileTemplate(src, undefined, p);

test('a string without {{ is static and renders itself', () => {
  const t = at('/api/v1/health', 'x');
  assert.equal(t.isStatic, true);
  assert.equal(t.render({}), '/api/v1/health');
});

test('variables, captures and helpers render', () => {
  const t = at('{{name}}-{{randomInt 5 5}}-{{env "AGENTLOAD_TEST_ENV" "dflt"}}', 'x');
  assert.equal(t.isStatic, false);
  assert.equal(t.render({ name: 'a' }), 'a-5-dflt');
  process.env.AGENTLOAD_TEST_ENV = 'set';
  assert.equal(t.render({ name: 'b' }), 'b-5-set');
  assert.match(at('{{uuid}}', 'x').render({}), /^[0-9a-f-]{36}$/);
  assert.match(at('{{isoTime}}', 'x').render({}), /^\d{4}-\d\d-\d\dT/);
  assert.match(at('{{randomString 12}}', 'x').render({}), /^[A-Za-z0-9]{12}$/);
  assert.ok(['x', 'y'].includes(at('{{randomChoice "x" "y"}}', 'x').render({})));
  const f = Number(at('{{randomFloat 1 2 3}}', 'x').render({}));
  assert.ok(f >= 1 && f <= 2);
});

test('a template syntax error is a located PlanError', () => {
  assert.throws(() => compileTemplate('{{#if}}', { file: 'p.yml', line: 3, col: 9 }, 'scenarios[0].flow[0].get.url'), (e: any) => {
    assert.equal(e.code, 'AGENTLOAD_E_TEMPLATE');
    assert.deepEqual(e.location, { file: 'p.yml', line: 3, col: 9 });
    assert.equal(e.yamlPath, 'scenarios[0].flow[0].get.url');
    return true;
  });
});

test('a template written twice compiles once and renders each user\'s values; a bad one is located wherever it is written', () => {
  const first = compileTemplate('{{randomInt 1 9}}-{{ who }}', { file: 'p.yml', line: 1, col: 1 }, 'a');
  const again = compileTemplate('{{randomInt 1 9}}-{{ who }}', { file: 'p.yml', line: 9, col: 1 }, 'b');
  assert.equal(again, first, 'the same source shares one compiled template');
  assert.match(first.render({ who: 'ann' }), /^[1-9]-ann$/);
  assert.match(again.render({ who: 'bob' }), /^[1-9]-bob$/);
  for (const line of [4, 7]) {
    assert.throws(() => compileTemplate('{{#each}}', { file: 'p.yml', line, col: 2 }, `s[${line}]`), (e: any) => {
      assert.equal(e.code, 'AGENTLOAD_E_TEMPLATE');
      assert.deepEqual(e.location, { file: 'p.yml', line, col: 2 });
      assert.equal(e.yamlPath, `s[${line}]`);
      return true;
    });
  }
});

test('value trees: static stays static, a single numeric expression becomes a number', () => {
  const s = compileValue({ a: [1, 'x'], b: { c: true } }, at, 'json');
  assert.equal(s.isStatic, true);
  const d = compileValue({ a: '{{randomInt 3 3}}', b: 'id-{{randomInt 3 3}}', c: ['{{v}}'] }, at, 'json');
  assert.equal(d.isStatic, false);
  assert.deepEqual(d.render({ v: 'q' }), { a: 3, b: 'id-3', c: ['q'] });
});

test('plain-variable templates (the fast path) render exactly as Handlebars does', async () => {
  const Handlebars = (await import('handlebars')).default;
  const vars = { vu: 7, a: { b: 'x', n: null, z: 0, f: false }, list: [1, 2], s: 'q r' };
  for (const src of ['id-{{vu}}', '{{a.b}}/{{a.n}}/{{a.z}}/{{a.f}}/{{missing}}/{{a.missing.deep}}', '{{s}}!', '{{ vu }}', 'x{{constructor}}y']) {
    const expected = Handlebars.compile(src, { noEscape: true })(vars);
    assert.equal(at(src, 'x').render(vars), expected, src);
  }
  assert.match(at('{{uuid}}', 'x').render({}), /^[0-9a-f-]{36}$/, 'a helper without arguments is not taken for a variable');
});

test('a list variable rendered as text is one element, picked once per user (Artillery\'s meaning)', () => {
  const emails = ['a@x', 'b@x', 'c@x', 'd@x'];
  const t = at('{{ email }}', 'x');
  const seen = new Set<unknown>();
  for (let user = 0; user < 40; user++) {
    const vars: Record<string, unknown> = { email: emails };
    const first = t.render(vars);
    assert.ok(emails.includes(first), first);
    for (let i = 0; i < 5; i++) assert.equal(t.render(vars), first, 'the same value all through one user');
    seen.add(first);
  }
  assert.ok(seen.size >= 2, `users pick different values, saw ${[...seen].join(',')}`);
  assert.equal(at('{{randomChoice email}}', 'x').render({ email: ['only'] }), 'only', 'helpers still get the whole list');
});
