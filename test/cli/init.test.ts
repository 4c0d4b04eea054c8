import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { ROOT, agentload } from '../helpers/cli.ts';

const SCHEMA_FILE = join(ROOT, 'schemas/agentload.schema.json');
const validate = new Ajv({ allErrors: true, allowUnionTypes: true, keywords: ['x-expected'] }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);

const dir = mkdtempSync(join(tmpdir(), 'agentload-init-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const KINDS: Record<string, { engine: string | undefined; steps: string[] }> = {
  http: { engine: undefined, steps: ['get'] },
  jsonrpc: { engine: 'tool-rpc', steps: ['call'] },
  ws: { engine: 'ws', steps: ['connect', 'send', 'waitFor'] },
};

for (const [kind, want] of Object.entries(KINDS)) {
  test(`init --kind ${kind} writes a plan that points editors at the schema and passes validate`, async () => {
    const file = join(dir, `${kind}.yml`);
    const init = await agentload(['init', '--kind', kind, '--target', 'http://127.0.0.1:9', '--out', file]);
    assert.equal(init.code, 0, init.err);
    const text = readFileSync(file, 'utf8');
    const first = text.split('\n', 1)[0]!;
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    assert.ok(m, `first line: ${first}`);
    // The reference is relative to the plan, as the YAML extension resolves it.
    assert.equal(resolve(dirname(file), m[1]!), SCHEMA_FILE);

    const plan = parse(text) as { config: { target: string }; scenarios: { engine?: string; flow: Record<string, unknown>[] }[] };
    assert.equal(plan.config.target, 'http://127.0.0.1:9');
    assert.equal(plan.scenarios[0]!.engine, want.engine);
    const steps = plan.scenarios[0]!.flow.map((s) => Object.keys(s)[0]);
    for (const s of want.steps) assert.ok(steps.includes(s), `${kind} flow has ${s}: ${steps.join(', ')}`);
    assert.ok(validate(plan), JSON.stringify(validate.errors));

    const v = await agentload(['validate', file]);
    assert.equal(v.code, 0, v.err + v.out);
    assert.match(v.out, /valid/);
  });
}

test('init refuses to overwrite an existing file: exit 2, one line, the file untouched', async () => {
  const file = join(dir, 'taken.yml');
  writeFileSync(file, 'mine\n');
  const r = await agentload(['init', '--out', file]);
  assert.equal(r.code, 2);
  const lines = r.err.trim().split('\n');
  assert.equal(lines.length, 1, r.err);
  assert.match(lines[0]!, /AGENTLOAD_E_USAGE .*taken\.yml already exists.*--out/);
  assert.equal(readFileSync(file, 'utf8'), 'mine\n');
});

test('init rejects an unknown kind and a target that no plan accepts, writing nothing', async () => {
  const file = join(dir, 'never.yml');
  const kind = await agentload(['init', '--kind', 'grpc', '--out', file]);
  assert.equal(kind.code, 2);
  assert.match(kind.err, /--kind expects one of http, jsonrpc, ws, got "grpc"/);
  const target = await agentload(['init', '--target', 'gateway:8000', '--out', file]);
  assert.equal(target.code, 2);
  assert.match(target.err, /--target expects an http\(s\) or ws\(s\) URL/);
  assert.throws(() => readFileSync(file), { code: 'ENOENT' });
});
