import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ESLINT = fileURLToPath(new URL('../../node_modules/eslint/bin/eslint.js', import.meta.url));

test('src/ passes typescript-eslint\'s type-aware recommended rules (eslint.config.mjs; `npm run lint` shows the findings)', () => {
  const r = spawnSync(process.execPath, [ESLINT, 'src', '--max-warnings', '0'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
