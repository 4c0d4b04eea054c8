// `npm run build`: compiles src/ to dist/ (plain JavaScript, same layout), precompiles the plan
// validator from it, bundles the entry points (scripts/bundle-dist.mjs: paths such as ../../../schemas
// resolve as from tsc's layout), then stamps it. bin/agentload runs dist/ only while the
// stamp is newer than every source file, so an edit is never hidden behind a stale build.
import { rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies (npm ci --omit=dev) has no compiler: agentload then runs from source.
  console.error('agentload build: typescript is not installed (dev dependency); bin/agentload will run the source through tsx');
  process.exit(0);
}
rmSync(`${root}dist`, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const pre = spawnSync(process.execPath, [`${root}scripts/precompile-schema.mjs`], { stdio: 'inherit' });
if (pre.status !== 0) process.exit(pre.status ?? 1);
const bundle = spawnSync(process.execPath, [`${root}scripts/bundle-dist.mjs`], { stdio: 'inherit' });
if (bundle.status !== 0) process.exit(bundle.status ?? 1);
writeFileSync(`${root}dist/.build-stamp`, `${new Date().toISOString()}\n`);
