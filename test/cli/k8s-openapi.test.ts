/**
 * `agentload k8s` output checked against Kubernetes itself: every object of
 * the rendered stream goes through kubernetes-models' validators, which are
 * Ajv compiled from the Kubernetes API's published OpenAPI schema (types,
 * required members, enums such as completionMode), and every member it uses is one the schema names
 * (the API server refuses unknown ones). No cluster, no network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';
import { renderManifest, type K8sSpec } from '../../src/cli/k8s-manifest.ts';
import { cli, tempDir } from './cli-fixture.ts';
import { writeOpenPlan } from './shard-fixture.ts';

/** The OpenAPI verdict on one object: [] when valid, else "path message" lines. */
function openApiErrors(obj: Record<string, any>): string[] {
  const model = obj.kind === 'Job' ? new Job(obj as never) : obj.kind === 'ConfigMap' ? new ConfigMap(obj as never) : null;
  if (model === null) return [`unexpected kind ${String(obj.kind)}`];
  try {
    model.validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
    return errors === undefined ? [String(e)] : errors.map((x) => `${x.instancePath} ${x.message ?? ''}`);
  }
}

/**
 * Members the schema does not name. The published OpenAPI schema allows unknown members, but the API
 * server's strict field validation (kubectl's default) refuses them, so each member is looked up in the
 * TypeScript types kubernetes-models generates from the same schema (IJob, IConfigMap), with the compiler.
 */
const typeProbe = (() => {
  const probe = fileURLToPath(new URL('./k8s-probe.virtual.ts', import.meta.url));
  const text = "import type { IJob } from 'kubernetes-models/batch/v1/Job';\nimport type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';\nexport declare const Job: IJob;\nexport declare const ConfigMap: IConfigMap;\n";
  const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (f, lang, ...rest) => (f === probe ? ts.createSourceFile(f, text, lang) : getSourceFile.call(host, f, lang, ...rest));
  host.fileExists = (f) => f === probe || fileExists.call(host, f);
  host.readFile = (f) => (f === probe ? text : readFile.call(host, f));
  const program = ts.createProgram([probe], options, host);
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(probe)!)!);
  const types = new Map(exports.map((sym) => [sym.name, checker.getTypeOfSymbol(sym)]));
  return { checker, types };
})();

function unknownMembers(obj: Record<string, any>): string[] {
  const { checker, types } = typeProbe;
  const out: string[] = [];
  const walk = (type: ts.Type | undefined, value: unknown, path: string): void => {
    if (type === undefined || value === null || typeof value !== 'object') return;
    const t = checker.getNonNullableType(type);
    const options = t.isUnion() ? t.types : [t];
    if (Array.isArray(value)) {
      const element = options.map((o) => checker.getIndexTypeOfType(o, ts.IndexKind.Number)).find((x) => x !== undefined);
      value.forEach((v, i) => walk(element, v, `${path}[${i}]`));
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      const prop = options.map((o) => o.getProperty(k)).find((x) => x !== undefined);
      const member = prop === undefined ? options.map((o) => o.getStringIndexType()).find((x) => x !== undefined) : checker.getTypeOfSymbol(prop);
      if (member === undefined) out.push(`${path}.${k}`);
      else walk(member, v, `${path}.${k}`);
    }
  };
  walk(types.get(String(obj.kind)), obj, String(obj.kind));
  return out;
}

function objects(text: string): Array<Record<string, any>> {
  const docs = parseAllDocuments(text);
  assert.ok(Array.isArray(docs), 'a YAML stream');
  for (const d of docs) assert.deepEqual(d.errors, []);
  return docs.map((d) => d.toJS() as Record<string, any>);
}

const base: K8sSpec = {
  name: 'agentload-gateway',
  namespace: null,
  image: 'agentload:0.1.0',
  shards: 1,
  planKey: 'plan.yml',
  planText: 'config:\n  target: http://x.invalid\n',
  runFlags: [],
  resultsClaim: null,
  commandLine: 'agentload k8s plan.yml --shards 1',
};

test('every rendered variant is a valid ConfigMap and batch/v1 Job by the Kubernetes OpenAPI schema', () => {
  const variants: K8sSpec[] = [
    base,
    { ...base, shards: 1000, namespace: 'load', resultsClaim: 'agentload-results' },
    { ...base, shards: 7, runFlags: ['--workers', 'auto', '--var', 'q=x y "z" $HOME', '--quiet'], planKey: 'Gateway-Plan.yml' },
  ];
  let checked = 0;
  for (const spec of variants) {
    const objs = objects(renderManifest(spec));
    assert.deepEqual(objs.map((o) => o.kind), ['ConfigMap', 'Job']);
    for (const o of objs) {
      assert.deepEqual(openApiErrors(o), [], `${o.kind} of ${spec.shards} shards`);
      assert.deepEqual(unknownMembers(o), [], `${o.kind} of ${spec.shards} shards: members Kubernetes does not know`);
      checked++;
    }
  }
  assert.equal(checked, 6);
});

test('the CLI output with every pass-through flag validates against the OpenAPI schema', async (t) => {
  const tmp = tempDir('k8s-openapi');
  t.after(() => tmp.cleanup());
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', 'http://127.0.0.1:1', { arrivals: 4 });
  const out = join(tmp.dir, 'job.yml');
  const at = new Date(Date.now() + 600_000).toISOString();
  const r = await cli(['k8s', plan, '--shards', '3', '--namespace', 'load', '--results-claim', 'res', '--workers', '2',
    '--start-at', at, '--var', 'a=1', '--scenario', 's', '--quiet', '--output', out]);
  assert.equal(r.code, 0, r.err);
  const objs = objects(readFileSync(out, 'utf8'));
  assert.equal(objs.length, 2);
  for (const o of objs) {
    assert.deepEqual(openApiErrors(o), [], o.kind);
    assert.deepEqual(unknownMembers(o), [], o.kind);
  }
});

test('the schema check catches what Kubernetes would refuse (so the tests above can fail)', () => {
  const [, job] = objects(renderManifest(base));
  const broken = structuredClone(job!);
  broken.spec.completions = '3';
  broken.spec.completionMode = 'indexed';
  delete broken.spec.template.spec.containers[0].name;
  const errs = openApiErrors(broken);
  assert.ok(errs.some((e) => e.startsWith('/spec/completions ')), errs.join('; '));
  assert.ok(errs.some((e) => e.startsWith('/spec/template/spec/containers/0 ')), errs.join('; '));
  // A misspelt member passes the schema but not strict field validation, nor this check.
  const typo = structuredClone(job!);
  typo.spec.completionmode = 'Indexed';
  typo.spec.template.spec.containers[0].volumeMount = [];
  assert.deepEqual(openApiErrors(typo), []);
  assert.deepEqual(unknownMembers(typo).sort(), ['Job.spec.completionmode', 'Job.spec.template.spec.containers[0].volumeMount']);
  const [cm] = objects(renderManifest(base));
  assert.deepEqual(unknownMembers({ ...cm, metadata: { ...cm!.metadata, label: {} } }), ['ConfigMap.metadata.label']);
  assert.ok(openApiErrors({ ...cm, data: { 'plan.yml': 3 } }).some((e) => e.startsWith('/data/plan.yml ')));
});
