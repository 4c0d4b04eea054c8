/**
 * Turns Ajv's errors into one readable diagnostic per problem, each located
 * (file:line:col), with a YAML path and "expected …, got …".
 *
 * Ajv with allErrors reports every failed branch of an anyOf/oneOf, e.g. for
 * `duration: "30 sec"`:
 *
 *   /duration  type     must be number          (branch 0)
 *   /duration  pattern  must match "^\d+…"       (branch 1)
 *   /duration  anyOf    must match a schema in anyOf
 *
 * which we collapse: an anyOf/oneOf error owns the errors of its branches
 * (same value or below, raised by a schema the branch reaches). If exactly
 * one branch fits the value's type and the value is a map or list, the
 * problem is inside it and we explain that branch's errors alone (so an
 * unknown key inside `think: {min, mx}` is reported as such); otherwise we
 * say once what the whole anyOf expects.
 */
import type { ErrorObject, SchemaObject } from 'ajv';
import { PlanError, type AgentloadError, type ErrorCode } from '../errors.ts';
import { didYouMean, didYouMeanSuffix } from './did-you-mean.ts';
import { acceptsType, deref, expectedPhrase, jsonType, reach, receivedPhrase } from './schema-describe.ts';
import { formatYamlPath, pointerToSegments, type PathSegment, type PlanPositions } from './yaml-positions.ts';

/** What explainSchemaErrors needs besides the errors. */
export interface SchemaDiagnosticsContext {
  /** The merged schema the errors came from (for `$ref`). */
  readonly root: SchemaObject;
  /** The validated value (the whole plan as parsed). */
  readonly data: unknown;
  readonly positions: PlanPositions;
}

/**
 * Ajv errors (from a validator compiled with allErrors and verbose) → one
 * PlanError per problem: code AGENTLOAD_E_SCHEMA, or AGENTLOAD_E_PLAN_DURATION
 * when a duration does not parse. Unsorted and not thrown: loadPlan merges
 * them with its own checks and throws them together.
 */
export function explainSchemaErrors(errors: readonly ErrorObject[], ctx: SchemaDiagnosticsContext): AgentloadError[] {
  const out = explain(errors.filter((e) => e.keyword !== 'if'), ctx);
  const seen = new Set<string>();
  return out.filter((d) => {
    // Two schemas may reject the same value's type (a scenario's loose `flow`
    // items and the strict step schema); the first, more specific, one is enough.
    const key = `${d.yamlPath ?? ''}\u0000${isTypeDiagnostic.has(d) ? 'type' : d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const isTypeDiagnostic = new WeakSet<AgentloadError>();

function isCombinator(e: ErrorObject): boolean {
  return e.keyword === 'anyOf' || e.keyword === 'oneOf';
}

function isUnder(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

/** Whether error `e` was raised by `branch` (or something it reaches) for the value at `at` or below. */
function isFromBranch(e: ErrorObject, at: string, branch: SchemaObject, root: SchemaObject): boolean {
  if (!isUnder(e.instancePath, at)) return false;
  return reach(root, branch, e.instancePath === at).has(e.parentSchema as SchemaObject);
}

/** The plan schema's `duration` definition. */
function durationSchema(root: SchemaObject): SchemaObject | undefined {
  return (root.definitions as Record<string, SchemaObject> | undefined)?.duration;
}

function branchesOf(e: ErrorObject): SchemaObject[] {
  const v: unknown = (e.parentSchema as SchemaObject | undefined)?.[e.keyword];
  return Array.isArray(v) ? (v as SchemaObject[]) : [];
}

function explain(list: readonly ErrorObject[], ctx: SchemaDiagnosticsContext): AgentloadError[] {
  const owned = new Map<ErrorObject, ErrorObject[]>();
  const isOwned = new Set<ErrorObject>();
  for (const c of list.filter(isCombinator)) {
    const mine = list.filter((e) => e !== c && branchesOf(c).some((b) => isFromBranch(e, c.instancePath, b, ctx.root)));
    owned.set(c, mine);
    for (const e of mine) isOwned.add(e);
  }
  // `{methd: x}` is one mistake, not two: when an unknown key looks like a
  // missing required one, the did-you-mean says it all.
  const misspelt = new Set<string>();
  for (const e of list) {
    if (e.keyword !== 'additionalProperties') continue;
    const known = Object.keys(((e.parentSchema as SchemaObject | undefined)?.properties ?? {}) as object);
    const guess = didYouMean(String((e.params as Record<string, unknown>).additionalProperty), known);
    if (guess !== undefined) misspelt.add(`${e.instancePath}\u0000${guess}`);
  }
  const out: AgentloadError[] = [];
  for (const e of list) {
    if (isOwned.has(e)) continue;
    if (e.keyword === 'required' && misspelt.has(`${e.instancePath}\u0000${String((e.params as Record<string, unknown>).missingProperty)}`)) continue;
    if (isCombinator(e)) out.push(...summarize(e, owned.get(e)!, ctx));
    else out.push(direct(e, ctx));
  }
  return out;
}

function summarize(c: ErrorObject, owned: ErrorObject[], ctx: SchemaDiagnosticsContext): AgentloadError[] {
  const fitting = branchesOf(c).filter((b) => acceptsType(ctx.root, b, c.data));
  const kind = jsonType(c.data);
  if (fitting.length === 1 && (kind === 'object' || kind === 'array')) {
    const inside = owned.filter((e) => isFromBranch(e, c.instancePath, fitting[0]!, ctx.root));
    if (inside.length > 0) return explain(inside, ctx);
  }
  const parent = c.parentSchema as SchemaObject;
  const durationDef = durationSchema(ctx.root);
  const isDuration = parent === durationDef || fitting.some((b) => deref(ctx.root, b) === durationDef);
  const segs = pointerToSegments(c.instancePath, ctx.data);
  const message = `expected ${expectedPhrase(ctx.root, parent)}, got ${receivedPhrase(c.data)}`;
  return [diagnostic(isDuration ? 'AGENTLOAD_E_PLAN_DURATION' : 'AGENTLOAD_E_SCHEMA', message, segs, ctx)];
}

function direct(e: ErrorObject, ctx: SchemaDiagnosticsContext): AgentloadError {
  const segs = pointerToSegments(e.instancePath, ctx.data);
  const parent = (e.parentSchema ?? {}) as SchemaObject;
  const p = e.params as Record<string, unknown>;
  const got = `got ${receivedPhrase(e.data)}`;
  const durationDef = durationSchema(ctx.root);
  const code: ErrorCode = reach(ctx.root, durationDef ?? {}, false).has(parent) ? 'AGENTLOAD_E_PLAN_DURATION' : 'AGENTLOAD_E_SCHEMA';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const known = Object.keys((parent.properties ?? {}) as object);
      const hint = didYouMeanSuffix(key, known) || (known.length > 0 && known.length <= 16 ? `; expected one of ${known.join(', ')}` : '');
      const at = [...segs, key];
      return diagnostic(code, `unknown key "${key}"${hint}`, at, ctx, ctx.positions.keyOf(at));
    }
    case 'required': {
      const key = String(p.missingProperty);
      return diagnostic(code, `missing required key "${key}"`, [...segs, key], ctx, ctx.positions.of(segs));
    }
    case 'type': {
      const d = diagnostic(code, `expected ${expectedPhrase(ctx.root, parent)}, ${got}`, segs, ctx);
      isTypeDiagnostic.add(d);
      return d;
    }
    case 'pattern':
    case 'minProperties':
      return diagnostic(code, `expected ${expectedPhrase(ctx.root, parent)}, ${got}`, segs, ctx);
    case 'enum': {
      const allowed = (e.schema as unknown[]) ?? [];
      const suffix = typeof e.data === 'string' ? didYouMeanSuffix(e.data, allowed.map(String)) : '';
      return diagnostic(code, `expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, ${got}${suffix}`, segs, ctx);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const what = parent.type === 'integer' ? 'a whole number' : 'a number';
      return diagnostic(code, `expected ${what} ${String(p.comparison)} ${String(p.limit)}, ${got}`, segs, ctx);
    }
    case 'minItems':
    case 'maxItems': {
      const n = Number(p.limit);
      const bound = e.keyword === 'minItems' ? 'at least' : 'at most';
      return diagnostic(code, `expected ${bound} ${n} item${n === 1 ? '' : 's'}, ${got}`, segs, ctx);
    }
    case 'minLength':
      return diagnostic(code, `expected ${Number(p.limit) === 1 ? 'a non-empty string' : `at least ${String(p.limit)} characters`}, ${got}`, segs, ctx);
    case 'not': {
      const banned: unknown = (e.schema as SchemaObject | undefined)?.required;
      const message = Array.isArray(banned) ? `use only one of ${banned.map((k) => `"${String(k)}"`).join(', ')}` : 'this value is not allowed here';
      return diagnostic(code, message, segs, ctx);
    }
    default:
      return diagnostic(code, `${e.message ?? 'is invalid'}, ${got}`, segs, ctx);
  }
}

function diagnostic(
  code: ErrorCode,
  message: string,
  segs: PathSegment[],
  ctx: SchemaDiagnosticsContext,
  location = ctx.positions.of(segs),
): AgentloadError {
  const yamlPath = formatYamlPath(segs);
  return new PlanError(code, message, {
    location: location ?? ctx.positions.nearest(segs),
    yamlPath: yamlPath === '' ? undefined : yamlPath,
  });
}
