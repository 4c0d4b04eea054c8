// The published schema as an editor sees it: stock Ajv and the yaml package, no agentload code in this
// process. The drift check runs the generator in a child, so the file cannot fall behind its sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCHEMA_FILE = join(ROOT, 'schemas/agentload.schema.json');
const SCHEMA_LINE = '# yaml-language-server: $schema=../schemas/agentload.schema.json';
const schemaText = readFileSync(SCHEMA_FILE, 'utf8');

// Ajv's defaults (strict mode) plus what a plan schema needs: the x-expected annotation and type unions.
const validate = new Ajv({ allErrors: true, allowUnionTypes: true, keywords: ['x-expected'] }).compile(JSON.parse(schemaText) as object);

function check(where: string, text: string): void {
  // merge: true as agentload reads plans: `<<: *anchor` is common in them.
  const data: unknown = parse(text, { merge: true });
  const isValid = validate(data);
  assert.ok(isValid, `${where}: ${JSON.stringify(validate.errors?.slice(0, 3).map((e) => `${e.instancePath} ${e.message}`))}`);
}

function isPlan(data: unknown): boolean {
  return typeof data === 'object' && data !== null && 'config' in data && 'scenarios' in data;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []);
}

test('schemas/agentload.schema.json is what scripts/gen-published-schema.ts generates (regenerate after a schema change)', () => {
  const fresh = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/gen-published-schema.ts'), '--stdout'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(schemaText, fresh);
});

test('every plan in configs/ carries the schema line and passes the published schema alone', () => {
  const files = readdirSync(join(ROOT, 'configs')).filter((f) => f.endsWith('.yml')).sort();
  let plans = 0;
  for (const f of files) {
    const text = readFileSync(join(ROOT, 'configs', f), 'utf8');
    if (!isPlan(parse(text, { merge: true }))) continue; // suite.yml lists plans; it is not one
    plans += 1;
    assert.equal(text.split('\n', 1)[0], SCHEMA_LINE, `configs/${f}: the first line must point editors at the schema`);
    check(`configs/${f}`, text);
  }
  assert.ok(plans >= 10, `expected the seed's plans in configs/, found ${plans}`);
});

test('every whole plan among the docs\' YAML examples passes the published schema alone', () => {
  let plans = 0;
  // docs/artillery*.md show Artillery scripts, which agentload rewrites before checking; the schema is agentload's own form.
  const files = [...markdownFiles(join(ROOT, 'docs')), join(ROOT, 'README.md')].filter((f) => !/[/\\]artillery[^/\\]*\.md$/.test(f));
  for (const file of files) {
    const md = readFileSync(file, 'utf8');
    for (const m of md.matchAll(/^```ya?ml[^\n]*\n([\s\S]*?)^```/gm)) {
      const body = m[1]!;
      if (!/^scenarios:/m.test(body) || !/^config:/m.test(body)) continue; // a fragment, not a plan
      plans += 1;
      check(`${relative(ROOT, file)}:${md.slice(0, m.index).split('\n').length}`, body);
    }
  }
  assert.ok(plans >= 5, `expected the docs' plan examples, found ${plans}`);
});

test('the published schema rejects a misspelt step key, which plan.schema.json alone cannot tell from a real one', () => {
  const plan = 'config: { target: "http://127.0.0.1:1", phases: [{ duration: 1, arrivalRate: 1 }] }\nscenarios:\n  - name: a\n    flow:\n      - gte: { url: / }\n';
  assert.equal(validate(parse(plan)), false);
  assert.equal(validate(parse(plan.replace('gte', 'get'))), true);
});
