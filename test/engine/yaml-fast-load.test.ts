/**
 * The first read of a plan (yaml-fast-load.ts, js-yaml) must give exactly
 * what the yaml library gives (parseGuarded + toJsGuarded, the reader that
 * locates errors) on every text it accepts, and refuse what it cannot read
 * alike. Checked on every YAML file of the repository, on seeded mutations of
 * them (the fuzz test's mutator), and on scalar forms where YAML readers differ.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter } from 'yaml';
import { fastLoadYaml } from '../../src/engine/plan/yaml-fast-load.ts';
import { parseGuarded, toJsGuarded } from '../../src/engine/plan/yaml-guards.ts';
import { mutatePlan } from '../helpers/plan-mutator.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEED = Number(process.env.AGENTLOAD_FUZZ_SEED ?? 6_2026);
const CASES = Number(process.env.AGENTLOAD_FAST_YAML_CASES ?? 1500);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (['node_modules', 'dist', '.git'].includes(e.name)) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** yaml's value, or null when yaml reports a problem (the plan reader then stops with a located error). */
function yamlValue(text: string): { value: unknown } | null {
  const { doc, problems } = parseGuarded(text, new LineCounter());
  if (doc === null || problems.length > 0) return null;
  try {
    return { value: toJsGuarded(doc) };
  } catch {
    return null;
  }
}

/** JSON with key order and non-finite numbers kept, so that order differences fail too. */
const ordered = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? `#${x}` : x));

/** Asserts the two readers agree on `text`; returns whether the first read accepted it. */
function agree(text: string, label: string): boolean {
  const fast = fastLoadYaml(text);
  if (fast === null) return false;
  const slow = yamlValue(text);
  assert.ok(slow !== null, `${label}: the first read accepted what yaml refuses:\n${text.slice(0, 600)}`);
  assert.deepEqual(fast, slow.value, `${label}:\n${text.slice(0, 600)}`);
  assert.equal(ordered(fast), ordered(slow.value), `${label}: key order differs`);
  return true;
}

const files = yamlFiles(ROOT).sort();
const texts = files.map((f) => readFileSync(f, 'utf8'));

test('every YAML file of the repository reads the same both ways, and the shipped plans take the first read', () => {
  let accepted = 0;
  texts.forEach((t, i) => { if (agree(t, files[i]!)) accepted++; });
  for (const f of files.filter((f) => f.includes('/configs/'))) assert.ok(fastLoadYaml(readFileSync(f, 'utf8')) !== null, `${f} falls back to yaml`);
  assert.ok(accepted > files.length / 2, `only ${accepted} of ${files.length} files took the first read`);
});

test(`${CASES} mutated plans read the same both ways wherever the first read accepts them (seed ${SEED})`, () => {
  let accepted = 0;
  for (let i = 0; i < CASES; i++) {
    const base = texts[i % texts.length]!;
    if (agree(mutatePlan(base, SEED + i), `case ${i} (AGENTLOAD_FUZZ_SEED=${SEED}) of ${files[i % texts.length]}`)) accepted++;
  }
  // Both outcomes must occur, or the test only shows one reader refusing everything.
  assert.ok(accepted > CASES / 5 && accepted < CASES, `${accepted} of ${CASES} mutants took the first read`);
});

test('scalars resolve by yaml\'s core schema, keys as yaml stringifies them, merges with yaml\'s precedence', () => {
  const scalars = ['1_000', '0b11', '0o17', '0x1F', '017', '+12', '-0', '.5', '-.5', '+.5', '1.', '1e3', '1E+3', '1.0e-3', '.inf', '-.Inf',
    '+.INF', '.NaN', '.nan', 'NaN', 'inf', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'yes', 'no', 'on', 'off', 'y',
    '2001-12-14', '12:30:00', '1:30', '0x', '-0x1', '1.50', '1e', "'x'", '"a\\tb"', '"\\u263A"', '|\n  a\n  b\n', '>\n  a\n  b\n\n  c\n', '|-\n  a\n',
    '>+\n  a\n\n', '"a\n  b"', "'a''b'", '!!str 1', '<<', '"<<"', '[a, b]', '{a: 1}', '" a "', 'a # c', 'a#c', '__proto__', 'constructor'];
  let checked = 0;
  for (const s of scalars) {
    for (const shape of [`k: ${s}\n`, `k: [${s}]\n`, `k: {x: ${s}}\n`, `${s}: v\n`, `k:\n  - ${s}\n`, `k: { <<: {a: ${s}, b: 2}, b: 3 }\n`,
      `k:\n  <<: [{a: 1}, {a: 2, c: ${s}}]\n  a: 0\n`]) {
      if (agree(shape, JSON.stringify(shape))) checked++;
    }
  }
  assert.ok(checked > scalars.length * 4, `only ${checked} shapes took the first read`);
  assert.deepEqual(fastLoadYaml('a: 1_000\nb: 0x1F\nc: 2001-12-14\n1.50: x\n'), { a: '1_000', b: 31, c: '2001-12-14', '1.5': 'x' });
  assert.ok(Object.hasOwn(fastLoadYaml('__proto__: 1\n') as object, '__proto__'), '__proto__ is an own key, as yaml makes it');
});

test('aliases share their anchor\'s value and merge as in yaml', () => {
  const text = 'x-a: &a { u: 1, v: [1, 2] }\nx-s: &s str\nlist: [*a, *s, *a]\nm: { <<: *a, u: 2 }\nn: { <<: [*a, { w: 3 }], v: 0 }\n' +
    'o:\n  <<: *a\n  w: *s\nre: &a 9\nlast: *a\n';
  assert.ok(agree(text, 'aliases'));
  const v = fastLoadYaml(text) as { list: unknown[]; 'x-a': unknown };
  assert.equal(v.list[0], v['x-a'], 'an alias is its anchor\'s value, as yaml\'s toJS gives it');
});

test('what the first read cannot vouch for goes to yaml: nested or key aliases, null or collection keys, repeated keys, tags, depth, scalars and empty files', () => {
  for (const text of ['a: &x [1]\nb: &y [*x]\n', 'a: &x { b: *x }\n', 'a: &k k\n*k : 1\n', 'a: [*nosuch]\n', '~: 1\n', ': 1\n', '[a]: 1\n', '? {a: 1}\n: 2\n', 'a: 1\na: 2\n', '1: a\n"1": b\n', 'a: !!int 1\n', 'a: !x 1\n',
    `a: ${'['.repeat(40)}${']'.repeat(40)}\n`, 'just a string\n', '', '---\na: 1\n---\nb: 2\n', 'a: [1, 2\n']) {
    assert.equal(fastLoadYaml(text), null, JSON.stringify(text));
  }
});
