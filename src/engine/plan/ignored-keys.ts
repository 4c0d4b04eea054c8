/**
 * Unknown keys that Artillery lets through (its script validation allows
 * unknown keys everywhere) and that nothing reads, taken out of the plan
 * before the schema sees it, each kept as a located warning (plan-warnings.ts).
 *
 * Only where losing the key changes nothing agentload measures or judges:
 *
 *   top level            hooks:, payload: (misplaced), …
 *   config, environments config.environment (misspelt), config.bundling, …
 *   config.phases[i]     phases[1].timeout
 *   scenarios[i]         tags:
 *   config.playwright.** trace.screenshots, timeout
 *
 * An unknown key that is, or holds, a check (ensure, expect, thresholds, …)
 * stays a schema error anywhere: ignoring it could let a run pass that was
 * meant to fail. So does a near miss of a key known at that place
 * (`arivalRate`, `rampto`): the load meant would silently not be sent. A
 * misspelt `environments` is the exception: its profiles apply only when
 * `-e` names one, and `-e` then stops on "no such environment".
 */
import type { SchemaObject } from 'ajv';
import { didYouMean, didYouMeanSuffix } from './did-you-mean.ts';
import type { PathSegment } from './yaml-positions.ts';
import { isRecord } from './plan-checks.ts';

/** A key taken out: where it was written and what to say. */
export interface IgnoredKey {
  readonly path: PathSegment[];
  readonly message: string;
}

const CHECK_WORDS = ['ensure', 'expect', 'expectations', 'thresholds', 'conditions', 'maxErrorRate', 'apdex'];
const CONFIG_ONLY = new Set(['environments', 'defaultEnvironment']);
const IGNORED = 'Artillery ignores it, so agentload does too';

/**
 * Removes the ignorable unknown keys of `data` (the plan after the Artillery
 * rewrite; mutated) and returns them, in document order. `schema` is the
 * merged plan schema. Pure apart from the mutation; called by loadPlan.
 */
export function takeIgnoredKeys(data: unknown, schema: SchemaObject): IgnoredKey[] {
  const out: IgnoredKey[] = [];
  if (!isRecord(data)) return out;
  const top = props(schema);
  const extension = Object.keys((schema.patternProperties ?? {}) as object).map((p) => new RegExp(p));
  const configSchema = (schema.properties as Record<string, SchemaObject>).config!;
  const configKeys = props(configSchema);
  const phaseKeys = props((schema.definitions as Record<string, SchemaObject>).phase!);
  const misplaced = (k: string, under: string[]): string => (under.includes(k) ? `; it belongs under config (config.${k})` : '');
  take(data, [], top, out, (k) => misplaced(k, configKeys), extension);

  const configs: Array<[Record<string, unknown>, PathSegment[], string[]]> = [];
  if (isRecord(data.config)) {
    configs.push([data.config, ['config'], configKeys]);
    const envs = data.config.environments;
    if (isRecord(envs)) {
      const envKeys = configKeys.filter((k) => !CONFIG_ONLY.has(k));
      for (const [name, env] of Object.entries(envs)) if (isRecord(env)) configs.push([env, ['config', 'environments', name], envKeys]);
    }
  }
  const scenarioKeys = props((schema.definitions as Record<string, SchemaObject>).scenario!);
  if (Array.isArray(data.scenarios)) data.scenarios.forEach((s, i) => isRecord(s) && take(s, ['scenarios', i], scenarioKeys, out));
  const playwrightSchema = (configSchema.properties as Record<string, SchemaObject> | undefined)?.playwright;
  for (const [config, at, known] of configs) {
    take(config, at, known, out, (k) => (top.includes(k) ? `; it belongs at the top level, not under config` : ''));
    if (Array.isArray(config.phases)) config.phases.forEach((p, i) => isRecord(p) && take(p, [...at, 'phases', i], phaseKeys, out));
    if (playwrightSchema !== undefined && isRecord(config.playwright)) takeDeep(config.playwright, [...at, 'playwright'], playwrightSchema, out);
  }
  return out;
}

/** Removes from `node` the unknown keys that hold no check; `fix` adds a hint beyond did-you-mean. */
function take(node: Record<string, unknown>, at: PathSegment[], known: string[], out: IgnoredKey[], fix: (k: string) => string = () => '', extension: RegExp[] = []): void {
  for (const [k, v] of Object.entries(node)) {
    if (known.includes(k) || extension.some((re) => re.test(k)) || isMeant(k, v, known)) continue;
    delete node[k];
    const hint = fix(k) || didYouMeanSuffix(k, known);
    out.push({ path: [...at, k], message: `unknown key "${k}"; ${IGNORED}${hint}` });
  }
}

/** `take` through a settings object and every nested object its schema closes with `additionalProperties: false`. */
function takeDeep(node: Record<string, unknown>, at: PathSegment[], given: SchemaObject, out: IgnoredKey[]): void {
  // `trace: true | {…}`: the object branch of an anyOf is the one an object value meets.
  const schema = Array.isArray(given.anyOf) ? ((given.anyOf as SchemaObject[]).find((b) => b.type === 'object') ?? given) : given;
  if (schema.additionalProperties !== false || !isRecord(schema.properties)) return;
  take(node, at, props(schema), out);
  for (const [k, sub] of Object.entries(schema.properties as Record<string, SchemaObject>)) {
    if (isRecord(node[k])) takeDeep(node[k], [...at, k], sub, out);
  }
}

/**
 * A key that stays an error: a check by its name (or a near miss of one), a
 * near miss of a key known here (`arivalRate`: what was meant would be lost),
 * or anything holding a check; except a misspelt `environments`.
 */
function isMeant(key: string, value: unknown, known: string[]): boolean {
  if (CHECK_WORDS.includes(key) || didYouMean(key, CHECK_WORDS) !== undefined) return true;
  const guess = didYouMean(key, known);
  if (guess === 'environments') return false;
  return guess !== undefined || holdsCheck(value, 0);
}

function holdsCheck(value: unknown, depth: number): boolean {
  if (depth > 8) return true; // deeper than any settings block: keep it an error rather than walk on
  if (Array.isArray(value)) return value.some((v) => holdsCheck(v, depth + 1));
  if (!isRecord(value)) return false;
  return Object.entries(value).some(([k, v]) => CHECK_WORDS.includes(k) || holdsCheck(v, depth + 1));
}

function props(schema: SchemaObject): string[] {
  return Object.keys((schema.properties ?? {}) as object);
}
