/**
 * Reading JSON Schema objects to explain validation errors in words: what a
 * schema accepts ("a duration like \"30s\" …"), what the plan holds
 * ("\"30 sec\""), and which sub-schemas a schema reaches (to tell which
 * anyOf/oneOf branch an Ajv error came from). Used only by
 * schema-diagnostics.ts, at load time, never on a hot path.
 */
import type { SchemaObject } from 'ajv';

/** JSON types as Ajv names them; whole numbers are 'integer'. */
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

/** The JSON type of a parsed YAML value. */
export function jsonType(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean' || typeof v === 'string' || typeof v === 'object') return typeof v as JsonType;
  return 'null';
}

/**
 * Follows local `$ref`s (`#/definitions/x`, `#/definitions/x/properties/y`),
 * at most `maxHops` of them; other schemas are returned as is.
 */
export function deref(root: SchemaObject, s: SchemaObject, maxHops = 16): SchemaObject {
  let cur = s;
  for (let i = 0; i < maxHops && typeof cur?.$ref === 'string' && cur.$ref.startsWith('#/'); i++) {
    let target: unknown = root;
    for (const raw of cur.$ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      target = typeof target === 'object' && target !== null ? (target as Record<string, unknown>)[key] : undefined;
    }
    if (typeof target !== 'object' || target === null) return cur;
    cur = target;
  }
  return cur;
}

/** Whether `s` (or one of its anyOf/oneOf branches) admits the JSON type of `data`. */
export function acceptsType(root: SchemaObject, s: SchemaObject, data: unknown, depth = 0): boolean {
  const r = deref(root, s);
  if (typeof r !== 'object' || r === null || depth > 16) return true;
  const t = jsonType(data);
  if (r.type !== undefined) {
    const types = (Array.isArray(r.type) ? r.type : [r.type]) as string[];
    return types.some((x) => x === t || (x === 'number' && t === 'integer'));
  }
  const branches = (r.anyOf ?? r.oneOf) as SchemaObject[] | undefined;
  if (Array.isArray(branches)) return branches.some((b) => acceptsType(root, b, data, depth + 1));
  return true;
}

const SAME_INSTANCE_KEYS = ['anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else'] as const;

const reachCache = new WeakMap<SchemaObject, { same?: Set<SchemaObject>; all?: Set<SchemaObject> }>();

/**
 * Every schema object reachable from `s` through `$ref` and applicators.
 * With `isSameInstance`, only those that apply to the same value (anyOf,
 * oneOf, allOf, not, if/then/else, $ref); otherwise also those of nested
 * values (properties, items, …). Ajv's verbose errors carry the schema
 * object that failed (`parentSchema`), so membership in these sets says
 * which branch an error belongs to. Memoized per schema object (a process
 * has one merged root, so the object alone is a sound key).
 */
export function reach(root: SchemaObject, s: SchemaObject, isSameInstance: boolean): Set<SchemaObject> {
  const entry = reachCache.get(s) ?? {};
  reachCache.set(s, entry);
  const hit = isSameInstance ? entry.same : entry.all;
  if (hit !== undefined) return hit;
  const seen = new Set<SchemaObject>();
  const queue: SchemaObject[] = [s];
  while (queue.length > 0) {
    const cur = queue.pop()!;
    if (typeof cur !== 'object' || cur === null || seen.has(cur)) continue;
    seen.add(cur);
    const target = deref(root, cur);
    if (target !== cur) queue.push(target);
    for (const k of SAME_INSTANCE_KEYS) pushSchemas(queue, cur[k]);
    if (isSameInstance) continue;
    for (const k of ['properties', 'patternProperties', 'dependencies'] as const) {
      if (typeof cur[k] === 'object' && cur[k] !== null) pushSchemas(queue, Object.values(cur[k] as Record<string, unknown>));
    }
    for (const k of ['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames'] as const) pushSchemas(queue, cur[k]);
  }
  if (isSameInstance) entry.same = seen;
  else entry.all = seen;
  return seen;
}

function pushSchemas(queue: SchemaObject[], v: unknown): void {
  if (Array.isArray(v)) for (const x of v) pushSchemas(queue, x);
  else if (typeof v === 'object' && v !== null) queue.push(v);
}

const TYPE_PHRASE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  object: 'a map (key: value)',
  array: 'a list',
  null: 'an empty value',
};

/**
 * What a schema accepts, in words: its `x-expected` annotation when it has
 * one (written for people), else derived from enum / type / branches.
 */
export function expectedPhrase(root: SchemaObject, s: SchemaObject, depth = 0): string {
  if (typeof s?.['x-expected'] === 'string') return s['x-expected'];
  const r = deref(root, s);
  if (r !== s) return expectedPhrase(root, r, depth + 1);
  if (typeof r !== 'object' || r === null) return 'a valid value';
  if (Array.isArray(r.enum)) return `one of ${r.enum.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
  if (r.type !== undefined) {
    const types = (Array.isArray(r.type) ? r.type : [r.type]) as string[];
    return types.map((t) => TYPE_PHRASE[t] ?? t).join(' or ');
  }
  const branches = (r.anyOf ?? r.oneOf) as SchemaObject[] | undefined;
  if (Array.isArray(branches) && depth < 8) return branches.map((b) => expectedPhrase(root, b, depth + 1)).join(' or ');
  return 'a valid value';
}

/** The plan's value, in words: `"30 sec"`, `-5`, `a list of 3 items`, `a map with keys json, header`. */
export function receivedPhrase(v: unknown): string {
  const t = jsonType(v);
  if (t === 'null') return 'an empty value';
  if (t === 'string') {
    const s = v as string;
    return JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);
  }
  if (t === 'array') {
    const n = (v as unknown[]).length;
    return n === 0 ? 'an empty list' : `a list of ${n} item${n === 1 ? '' : 's'}`;
  }
  if (t === 'object') {
    const keys = Object.keys(v as object);
    if (keys.length === 0) return 'an empty map';
    return `a map with keys ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''}`;
  }
  return String(v);
}
