// Node 20's test runner neither expands globs nor finds .ts files in folders, so list test/**/*.test.ts here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? collect(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : []);
}

const files = process.argv.length > 2 ? process.argv.slice(2) : collect('test').sort();
// The spec reporter streams results; failure-summary.mjs prints the failing tests last, where a reader looks.
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/failure-summary.mjs', '--test-reporter-destination=stdout'];
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...reporters, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
