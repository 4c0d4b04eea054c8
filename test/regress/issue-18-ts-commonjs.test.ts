/**
 * A TypeScript processor in a package without "type": "module" (Artillery's
 * browser-playwright-reuse-typescript example): Node reads its .ts files as
 * CommonJS, so the compiled build needs tsx's require hook as well as its ESM
 * loader; with the ESM loader alone, its `export` made validate fail with
 * "Cannot require() ES Module … in a cycle". bin/agentload runs the build
 * (dist/) when it is current, as users run it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { agentload } from '../helpers/cli.ts';

const PLAN = join(import.meta.dirname, '../fixtures/ts-commonjs/plan.yml');

test('a TypeScript processor with ES exports in a CommonJS package loads, and its import of a folder resolves', async () => {
  const r = await agentload(['validate', PLAN]);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /valid — 1 phase\(s\), 1 scenario\(s\)/);
});
