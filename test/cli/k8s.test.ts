import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cli, tempDir } from './cli-fixture.ts';
import { writeOpenPlan } from './shard-fixture.ts';

interface Container { name: string; image: string; command: string[]; volumeMounts: Array<{ name: string; mountPath: string }> }

function parseStream(text: string): Array<Record<string, any>> {
  const docs = parseAllDocuments(text);
  assert.ok(Array.isArray(docs), 'a YAML stream');
  for (const d of docs) assert.deepEqual(d.errors, []);
  return docs.map((d) => d.toJS());
}

test('k8s renders a ConfigMap with the plan and an Indexed Job of N pods running shard index+1 of N', async (t) => {
  const tmp = tempDir('k8s');
  t.after(() => tmp.cleanup());
  const plan = writeOpenPlan(tmp.dir, 'Gateway Plan.yml', 'http://gateway.example:8000', { arrivals: 10 });
  const at = new Date(Date.now() + 600_000).toISOString();
  const r = await cli(['k8s', plan, '--shards', '4', '--image', 'registry.example/agentload:1', '--namespace', 'load',
    '--workers', 'auto', '--var', 'who=a b', '--start-at', at, '--results-claim', 'agentload-results']);
  assert.equal(r.code, 0, r.err);
  const [cm, job] = parseStream(r.out) as [Record<string, any>, Record<string, any>];
  assert.equal(cm.kind, 'ConfigMap');
  assert.equal(cm.metadata.name, 'agentload-gateway-plan');
  assert.equal(cm.metadata.namespace, 'load');
  assert.equal(cm.data['Gateway-Plan.yml'], readFileSync(plan, 'utf8'));

  assert.equal(job.apiVersion, 'batch/v1');
  assert.equal(job.kind, 'Job');
  assert.equal(job.metadata.name, 'agentload-gateway-plan');
  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(job.spec.completions, 4);
  assert.equal(job.spec.parallelism, 4);
  assert.equal(job.spec.backoffLimit, 0);
  const pod = job.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never');
  const c = pod.containers[0] as Container;
  assert.equal(c.image, 'registry.example/agentload:1');
  assert.deepEqual(c.command.slice(0, 2), ['sh', '-c']);
  assert.match(c.command[2]!, /agentload run "\$@" --shard \$\(\(JOB_COMPLETION_INDEX\+1\)\)\/4 --output \/results\/shard-\$\{JOB_COMPLETION_INDEX\}\.json/);
  assert.deepEqual(c.command.slice(3), ['agentload', '/plan/Gateway-Plan.yml', '--workers', 'auto', '--start-at', at, '--var', 'who=a b']);
  assert.deepEqual(pod.volumes, [
    { name: 'plan', configMap: { name: 'agentload-gateway-plan' } },
    { name: 'results', persistentVolumeClaim: { claimName: 'agentload-results' } },
  ]);
  assert.deepEqual(c.volumeMounts.map((m) => [m.name, m.mountPath]), [['plan', '/plan'], ['results', '/results']]);
  assert.doesNotMatch(r.err, /emptyDir/);
  assert.doesNotMatch(r.out, /[&*]a\d/, 'plain YAML, no anchors or aliases');
});

test('the pod script, run by sh with JOB_COMPLETION_INDEX=2, calls agentload run with shard 3/4 and its flags intact', async (t) => {
  const tmp = tempDir('k8s-sh');
  t.after(() => tmp.cleanup());
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', 'http://127.0.0.1:1', { arrivals: 1 });
  const out = join(tmp.dir, 'job.yml');
  const r = await cli(['k8s', plan, '--shards', '4', '--var', 'q=x y "z" $HOME', '--output', out]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `wrote ${out}`);
  assert.match(r.err, /no --results-claim, so the shard files live on an emptyDir/);
  const [, job] = parseStream(readFileSync(out, 'utf8'));
  const c = job!.spec.template.spec.containers[0] as Container;
  assert.deepEqual(job!.spec.template.spec.volumes[1], { name: 'results', emptyDir: {} });
  // A stand-in `agentload` on PATH that prints the argv it got, one word per line.
  const stub = join(tmp.dir, 'agentload');
  writeFileSync(stub, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
  chmodSync(stub, 0o755);
  const run = spawnSync(c.command[0]!, c.command.slice(1), { env: { PATH: `${tmp.dir}:/usr/bin:/bin`, JOB_COMPLETION_INDEX: '2', HOME: '/nowhere' }, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.trimEnd().split('\n'), ['run', '/plan/plan.yml', '--var', 'q=x y "z" $HOME', '--shard', '3/4', '--output', '/results/shard-2.json']);
});

test('k8s refuses bad flags and invalid plans before printing anything (exit 2)', async (t) => {
  const tmp = tempDir('k8s-bad');
  t.after(() => tmp.cleanup());
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', 'http://127.0.0.1:1', { arrivals: 1 });
  const broken = join(tmp.dir, 'broken.yml');
  writeFileSync(broken, 'config:\n  target: http://127.0.0.1:1\n  phases: [{ duration: 1, arrivalRate: "fast" }]\nscenarios: []\n');
  const cases: Array<[string[], RegExp]> = [
    [[plan], /^AGENTLOAD_E_USAGE agentload k8s expects --shards N/],
    [[plan, '--shards', '0'], /^AGENTLOAD_E_USAGE --shards expects a whole number from 1 to 1000, got "0"/],
    [[plan, '--shards', '2', '--csv', 'x'], /^AGENTLOAD_E_USAGE unknown option --csv for agentload k8s\nhint: agentload k8s --help lists every option/],
    [[plan, '--shards', '2', '--namespace', 'Load_Test'], /^AGENTLOAD_E_USAGE --namespace expects a lowercase DNS name/],
    [[plan, '--shards', '2', '--workers', 'many'], /^AGENTLOAD_E_USAGE --workers expects/],
    [[plan, plan, '--shards', '2'], /^AGENTLOAD_E_USAGE agentload k8s expects one plan file, got 2/],
    [[broken, '--shards', '2'], /AGENTLOAD_E_SCHEMA/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(['k8s', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.equal(r.out, '');
  }
});
