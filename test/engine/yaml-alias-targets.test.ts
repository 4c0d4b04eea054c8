import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter, isAlias, parseDocument, visit, type Alias } from 'yaml';
import { aliasTargets } from '../../src/engine/plan/yaml-alias-targets.ts';
import { YamlPositions } from '../../src/engine/plan/yaml-positions.ts';

const TEXT = `a: *later
first: &x { n: 1 }
b: *x
again: &x [2, 3]
c: *x
nested: &y { self: *y, m: { <<: *x } }
later: &later 4
d: [*later, *x, *y]
`;

test('each alias points where yaml itself resolves it: the last same-named anchor before it, none before the first', () => {
  const doc = parseDocument(TEXT, { merge: true });
  const aliases: Alias[] = [];
  visit(doc, { Alias: (_k, node) => { aliases.push(node); } });
  assert.equal(aliases.length, 8);
  const targets = aliasTargets(doc);
  assert.equal(targets.size, aliases.length);
  for (const a of aliases) assert.equal(targets.get(a), a.resolve(doc), `*${a.source} at offset ${a.range?.[0]}`);
  assert.equal(targets.get(aliases[0]!), undefined, 'an alias before its anchor names nothing');
  assert.notEqual(targets.get(aliases[1]!), targets.get(aliases[2]!), 'a redefined anchor takes over from its redefinition on');
  assert.ok(isAlias(aliases[3]) && targets.get(aliases[3]!) === doc.get('nested', true), 'an alias inside its own anchor points at the enclosing node');
});

test('positions follow aliases to where the aliased value is written', () => {
  const lines = new LineCounter();
  const doc = parseDocument(TEXT, { merge: true, lineCounter: lines });
  const at = new YamlPositions(doc, lines, 'p.yml');
  assert.deepEqual(at.of(['b', 'n']), { file: 'p.yml', line: 2, col: 16 });
  assert.deepEqual(at.of(['c', 1]), { file: 'p.yml', line: 4, col: 15 });
  assert.deepEqual(at.of(['d', 2, 'm', 0]), { file: 'p.yml', line: 4, col: 12 }, 'through an alias, then a merge key to a redefined anchor');
  assert.equal(at.of(['a', 'n']), undefined);
});
