/**
 * What the compiled form loads to validate a plan (issue 17, item 5): start-up is mostly module
 * loading, so `validate` must not load the protocol libraries, the reporters' and uploads' dependencies or
 * Ajv's compiler (the build precompiles the validator). Checked by identity — which files were read,
 * and which packages' code they hold — never by time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/cli.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

/** Packages a validate has no use for; their code must be neither read from node_modules nor held by a loaded bundle chunk. */
const NOT_AT_VALIDATE = ['undici', 'ws', 'prom-client', '@modelcontextprotocol/sdk', 'socket.io-client', 'playwright-core', 'tsx', 'zod', 'mime-db', 'jmespath', 'tough-cookie', 'tldts'];

/** Runs dist/cli/main.js with a loader hook that lists every file loaded (ES modules through the hook, CommonJS from the require cache). */
const RECORDER = `
import { register, createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const { port1, port2 } = new MessageChannel();
const urls = [];
port1.on('message', (u) => urls.push(u));
port1.unref();
register('data:text/javascript,' + encodeURIComponent('let port; export function initialize(d) { port = d.port; } export async function load(url, ctx, next) { port.postMessage(url); return next(url, ctx); }'), { data: { port: port2 }, transferList: [port2] });
const [out, entry, ...argv] = process.argv.slice(2);
const { main } = await import(entry);
process.exitCode = await main(argv);
await new Promise((r) => setTimeout(r, 50)); // the hook thread's last messages
writeFileSync(out, JSON.stringify([...urls, ...Object.keys(createRequire(import.meta.url).cache).map((p) => 'file://' + p)]));
`;

test('the compiled form validates a plan without loading the protocol libraries, the reporters\' dependencies or Ajv\'s compiler', (t) => {
  const entry = join(ROOT, 'dist/cli/main.js');
  assert.ok(existsSync(join(ROOT, 'dist/.build-stamp')), 'dist/ is not built: run `npm run build` (npm test does it first)');
  const dir = mkdtempSync(join(tmpdir(), 'agentload-loads-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'record.mjs'), RECORDER);
  const out = join(dir, 'loaded.json');
  const r = spawnSync(process.execPath, [join(dir, 'record.mjs'), out, entry, 'validate', 'configs/http-load.yml'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /http-load\.yml: valid/);

  const files = (JSON.parse(readFileSync(out, 'utf8')) as string[]).filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  assert.ok(files.some((f) => f.startsWith(join(ROOT, 'dist'))), 'the compiled form ran');
  // A bundle chunk names each module it holds in a comment line (esbuild's `// node_modules/undici/index.js`).
  const held = files.filter((f) => f.includes('/dist/bundle/')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\/\/ \S*?node_modules\/(\S+)$/gm)].map((m) => `node_modules/${m[1]}`));
  const code = [...files, ...held];
  for (const pkg of NOT_AT_VALIDATE) {
    const hits = code.filter((f) => f.includes(`node_modules/${pkg}/`));
    assert.deepEqual(hits.slice(0, 3), [], `validate loaded ${pkg}`);
  }
  assert.ok(code.some((f) => f.includes('node_modules/yaml/')), 'the check can see a dependency that validate does load');
  assert.ok(files.some((f) => f.endsWith('plan-validator.generated.cjs')), 'the precompiled validator was used');
  assert.deepEqual(code.filter((f) => /node_modules\/ajv\/dist\/(compile|core|ajv)\b/.test(f)).slice(0, 3), [], 'Ajv compiled the schema at start-up');
});

/** The files a compiled `agentload ARGS` loaded, and the packages' code the bundle chunks it loaded hold. */
async function loadedBy(args: string[]): Promise<{ code: string[]; stdout: string }> {
  assert.ok(existsSync(join(ROOT, 'dist/.build-stamp')), 'dist/ is not built: run `npm run build` (npm test does it first)');
  const dir = scratchDir('agentload-loads-');
  writeFileSync(join(dir, 'record.mjs'), RECORDER);
  const out = join(dir, 'loaded.json');
  const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'record.mjs'), out, join(ROOT, 'dist/cli/main.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const files = (JSON.parse(readFileSync(out, 'utf8')) as string[]).filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  const held = files.filter((f) => f.includes('/dist/bundle/')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\/\/ \S*?node_modules\/(\S+)$/gm)].map((m) => `node_modules/${m[1]}`));
  return { code: [...files, ...held], stdout };
}

/** A run of two requests per user against a 127.0.0.1 server answering `answer`; the cookie headers it was sent. */
async function runAgainst(answer: (res: ServerResponse) => void): Promise<{ code: string[]; cookies: Array<string | undefined> }> {
  const cookies: Array<string | undefined> = [];
  const server = createServer((req, res) => {
    cookies.push(req.headers.cookie);
    answer(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const dir = scratchDir('agentload-loads-plan-');
    const plan = join(dir, 'plan.yml');
    const { port } = server.address() as { port: number };
    writeFileSync(plan, `config:\n  target: http://127.0.0.1:${port}\n  phases: [{ duration: 1s, arrivalCount: 1 }]\nscenarios:\n  - flow: [{ get: { url: /a } }, { get: { url: /b } }]\n`);
    return { ...(await loadedBy(['run', plan, '--quiet'])), cookies };
  } finally {
    server.close();
  }
}

const packageLoaded = (code: string[], pkg: string): boolean => code.some((f) => f.includes(`node_modules/${pkg}/`));

test('an http run loads tough-cookie at the target\'s first set-cookie, not before: none for a target that sets no cookie, and that first cookie is kept', async () => {
  const plain = await runAgainst((res) => res.end('ok'));
  assert.deepEqual(plain.cookies, [undefined, undefined]);
  assert.ok(packageLoaded(plain.code, 'undici'), 'the check can see a dependency the run does load');
  assert.ok(!packageLoaded(plain.code, 'tough-cookie'), 'tough-cookie was loaded for a target that sets no cookie');
  assert.ok(!packageLoaded(plain.code, 'tldts'), 'tldts was loaded for a target that sets no cookie');
  // Only undici's Client: its index would bring fetch, WebSocket, the cookie helpers and the mocks.
  assert.deepEqual(plain.code.filter((f) => /node_modules\/undici\/(index\.js|lib\/(mock|web\/(websocket|cookies|eventsource|cache))\/)/.test(f)).slice(0, 3), []);
  // Nor a reporter the run did not ask for.
  for (const pkg of ['cli-progress', 'csv-stringify']) assert.ok(!packageLoaded(plain.code, pkg), `the run loaded ${pkg}`);

  const cookied = await runAgainst((res) => res.setHeader('set-cookie', 'session=s1; Path=/').end('ok'));
  assert.ok(packageLoaded(cookied.code, 'tough-cookie'), 'a set-cookie answer loads tough-cookie');
  assert.deepEqual(cookied.cookies, [undefined, 'session=s1'], 'the cookie of the answer that loaded tough-cookie went back on the next request');
});
