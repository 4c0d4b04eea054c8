import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { SchemaObject } from 'ajv';
import { PLAN_REFERENCE_FILE, renderPlanReference } from '../../scripts/gen-plan-reference.ts';
import { buildPlanSchema } from '../../src/engine/plan/plan-schema.ts';
import { deref } from '../../src/engine/plan/schema-describe.ts';

test('docs/plan-reference.md matches the generator (run scripts/gen-plan-reference.ts after a schema change)', () => {
  assert.equal(readFileSync(PLAN_REFERENCE_FILE, 'utf8'), renderPlanReference());
});

test('every property of the merged schema has a title and a description', () => {
  const root = buildPlanSchema().schema;
  const missing: string[] = [];
  const seen = new Set<SchemaObject>();
  const walk = (s: unknown, path: string): void => {
    if (typeof s !== 'object' || s === null || seen.has(s as SchemaObject)) return;
    seen.add(s as SchemaObject);
    const o = s as SchemaObject;
    for (const [key, sub] of Object.entries((o.properties ?? {}) as Record<string, SchemaObject>)) {
      // A bare `$ref` to another property borrows its words (the generator does the same).
      const words = sub.title === undefined && sub.description === undefined ? deref(root, sub) : sub;
      // `then` repeats a property only to tighten it; the documented one is in `properties`.
      if (!path.endsWith('.then') && (typeof words.title !== 'string' || typeof words.description !== 'string')) missing.push(`${path}.${key}`);
      walk(sub, `${path}.${key}`);
    }
    for (const k of ['items', 'additionalProperties', 'then']) walk(o[k], `${path}.${k}`);
    for (const k of ['anyOf', 'oneOf']) (o[k] as unknown[] | undefined)?.forEach((b, i) => walk(b, `${path}.${k}[${i}]`));
    for (const [name, d] of Object.entries((o.definitions ?? {}) as Record<string, unknown>)) walk(d, `#${name}`);
  };
  walk(root, '');
  assert.deepEqual(missing, []);
});
