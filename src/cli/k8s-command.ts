/**
 * `agentload k8s PLAN.yml --shards N [--image IMG] [--namespace NS]
 * [--name NAME] [--results-claim PVC] [--output FILE] [run flags]`: prints a
 * Kubernetes Indexed Job (plus the ConfigMap carrying the plan) that runs
 * the plan as N shards, one pod each (k8s-manifest.ts). The plan and the
 * run flags are validated here exactly as `run` would, so a bad plan fails
 * on the laptop (exit 2), not in N pods.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../engine/errors.ts';
import { writeAtomic } from '../plugins/write-atomic.ts';
import { renderManifest } from './k8s-manifest.ts';
import { RUN_FLAGS, parseRunArgs } from './run-args.ts';
import { parseFlags, type FlagSpec, type FlagTable } from './parse-flags.ts';
import { preparePlan } from './prepare-plans.ts';
import type { CliIo } from './run-command.ts';

const MAX_SHARDS = 1000;
/** Job names end up in pod hostnames (`<name>-<index>`), which are capped at 63 characters. */
const MAX_NAME = 52;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `run` flags a shard accepts from `k8s`, passed through to every pod as written. */
const RUN_STRING_FLAGS = ['target', 'env', 'users', 'spawn-rate', 'duration', 'workers', 'start-at'] as const;
const RUN_LIST_FLAGS = ['var', 'scenario'] as const;
const RUN_BOOLEAN_FLAGS = ['quiet', 'no-console', 'oversubscribe'] as const;

/** `k8s`'s own flags, then the run flags it passes to every pod (their help from run's table). */
export const K8S_FLAGS: FlagTable = {
  shards: { type: 'string', arg: 'N', help: 'pods, one shard each (required)' },
  image: { type: 'string', arg: 'IMG', help: 'container image (default agentload:<version>)' },
  namespace: { type: 'string', arg: 'NS', help: 'namespace of the Job and ConfigMap' },
  name: { type: 'string', arg: 'NAME', help: 'Job and ConfigMap name (default agentload-<plan>)' },
  'results-claim': { type: 'string', arg: 'PVC', help: 'where pods write their results (else an emptyDir)' },
  output: { type: 'string', short: 'o', arg: 'FILE', help: 'write the manifest to FILE instead of stdout' },
  ...Object.fromEntries([...RUN_STRING_FLAGS, ...RUN_LIST_FLAGS, ...RUN_BOOLEAN_FLAGS].map((f) => {
    const { short: _short, ...spec } = RUN_FLAGS[f] as FlagSpec;
    return [f, spec];
  })),
};

function dnsName(flag: string, v: string, max: number): string {
  if (v.length > max || !DNS_LABEL.test(v)) throw new UsageError(`${flag} expects a lowercase DNS name (a-z, 0-9, '-', at most ${max} characters), got "${v}"`);
  return v;
}

function shardCount(v: string | undefined): number {
  if (v === undefined) throw new UsageError('agentload k8s expects --shards N (how many pods share the load), got none');
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHARDS) throw new UsageError(`--shards expects a whole number from 1 to ${MAX_SHARDS}, got "${v}"`);
  return n;
}

/** `agentload-<plan file name>`, folded into a DNS name. */
function defaultName(planFile: string): string {
  const label = basename(planFile).replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return `agentload-${label}`.slice(0, MAX_NAME).replace(/-+$/, '').replace(/-{2,}/g, '-');
}

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

type K8sValues = Partial<Record<'shards' | 'image' | 'namespace' | 'name' | 'results-claim' | 'output', string>> & Record<string, string | boolean | string[] | undefined>;

function parse(args: string[]): { values: K8sValues; positionals: string[] } {
  return parseFlags(args, K8S_FLAGS, 'k8s') as { values: K8sValues; positionals: string[] };
}

/** The run flags as argv words, in a fixed order. */
function runFlags(values: Record<string, string | boolean | string[] | undefined>): string[] {
  const out: string[] = [];
  for (const f of RUN_STRING_FLAGS) if (typeof values[f] === 'string') out.push(`--${f}`, values[f]);
  for (const f of RUN_LIST_FLAGS) for (const v of (values[f] as string[] | undefined) ?? []) out.push(`--${f}`, v);
  for (const f of RUN_BOOLEAN_FLAGS) if (values[f] === true) out.push(`--${f}`);
  return out;
}

/** Returns the exit code (0); bad flags or an invalid plan throw (exit 2). */
export async function k8sCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args);
  if (positionals.length !== 1) throw new UsageError(`agentload k8s expects one plan file, got ${positionals.length}`);
  const planFile = positionals[0]!;
  const shards = shardCount(values.shards);
  const flags = runFlags(values);
  // Validate as the pods will run it (shard 1 stands for all: the flags are the same).
  const a = parseRunArgs([planFile, ...flags, '--shard', `1/${shards}`], 'k8s');
  await preparePlan(planFile, a, { out: io.out, err: io.err, progress: null });
  const image = values.image ?? `agentload:${version()}`;
  if (image.trim() === '' || /\s/.test(image)) throw new UsageError(`--image expects an image reference like registry.example.com/agentload:0.1.0, got "${image}"`);
  const manifest = renderManifest({
    name: dnsName('--name', values.name ?? defaultName(planFile), MAX_NAME),
    namespace: values.namespace === undefined ? null : dnsName('--namespace', values.namespace, 63),
    image,
    shards,
    planKey: basename(planFile).replace(/[^-._a-zA-Z0-9]/g, '-'),
    planText: readFileSync(planFile, 'utf8'),
    runFlags: flags,
    resultsClaim: values['results-claim'] === undefined ? null : dnsName('--results-claim', values['results-claim'], 253),
    commandLine: ['agentload', 'k8s', ...args].join(' '),
  });
  if (values['results-claim'] === undefined) io.err('agentload k8s: no --results-claim, so the shard files live on an emptyDir and vanish with the pods (see docs/scaling.md)');
  if (values.output === undefined) {
    io.out(manifest.trimEnd());
  } else {
    writeAtomic(values.output, manifest);
    io.out(`wrote ${values.output}`);
  }
  return 0;
}
