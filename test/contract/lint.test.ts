import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ESLINT = fileURLToPath(new URL('../../node_modules/eslint/bin/eslint.js', import.meta.url));

interface LintResult { filePath: string; messages: Array<{ line: number; column: number; ruleId: string | null; message: string }> }

test('src/ passes typescript-eslint\'s type-aware recommended rules (eslint.config.mjs; `npm run lint` shows the findings)', () => {
  const r = spawnSync(process.execPath, [ESLINT, 'src', '--format', 'json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `eslint could not run: ${r.stderr}`);
  // One line per finding, file:line:col first, so the failing-test list at the end of npm test names the place.
  const findings = (JSON.parse(r.stdout) as LintResult[]).flatMap((f) =>
    f.messages.map((m) => `${relative(ROOT, f.filePath)}:${m.line}:${m.column} ${m.ruleId ?? 'eslint'}: ${m.message.split('\n')[0]}`));
  assert.equal(findings.length, 0, findings.join('\n'));
});
