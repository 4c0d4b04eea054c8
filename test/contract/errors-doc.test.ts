import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_TABLE, AgentloadError } from '../../src/engine/errors.ts';

test('every error code has a row in docs/errors.md with its exit code', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  for (const code of Object.keys(ERROR_TABLE) as Array<keyof typeof ERROR_TABLE>) {
    const exit = new AgentloadError(code, 'x').exitCode;
    assert.match(doc, new RegExp(`\\| \`${code}\` \\| ${exit} \\|`), `${code} (exit ${exit}) missing from docs/errors.md`);
  }
});
