/**
 * Which Playwright drives the browser (playwright-library.ts): the
 * playwright-core a processor's project installed, when Node finds one from
 * the processor's folder, so that its own `@playwright/test` expect
 * recognises the page's locators; agentload's otherwise. The project's copy
 * here is agentload's own, copied (not linked: Node resolves a link to
 * agentload's path), in a temp folder beside the processor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cli, tempDir } from '../cli/cli-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

const CHROMIUM = process.env.AGENTLOAD_CHROMIUM ?? '/usr/bin/chromium';
const OWN = dirname(createRequire(import.meta.url).resolve('playwright-core/package.json'));

// The test function reports whether any module of the project's copy is loaded in this process.
const FLOWS = `const { realpathSync } = require('node:fs');
const copy = realpathSync(__dirname) + '/node_modules/playwright-core/';
module.exports = {
  look: async (page, context, events) => {
    await page.goto('/');
    await page.getByText('hello').waitFor();
    if (Object.keys(require.cache).some((k) => k.startsWith(copy))) events.emit('counter', 'project_copy_loaded', 1);
  },
};
`;

const PLAN = [
  'config:',
  '  target: "http://127.0.0.1:1"',
  '  phases: [{ duration: 1, arrivalCount: 1 }]',
  '  engines:',
  '    playwright:',
  '      launchOptions: { proxy: { server: "http://127.0.0.1:9", bypass: "127.0.0.1" } }',
  '  processor: ./flows.cjs',
  'scenarios:',
  '  - name: look',
  '    engine: playwright',
  '    testFunction: look',
  '',
].join('\n');

async function runIn(dir: string, url: string) {
  writeFileSync(join(dir, 'flows.cjs'), FLOWS);
  writeFileSync(join(dir, 'plan.yml'), PLAN);
  const out = join(dir, 'r.json');
  const r = await cli(['run', join(dir, 'plan.yml'), '-t', url, '-o', out, '--no-console', '--grace', '20s']);
  assert.equal(r.code, 0, r.out + r.err);
  const summary = JSON.parse(readFileSync(out, 'utf8')).summary;
  return { r, summary, ok: summary.byName.find((n: any) => n.name === 'browser look')?.ok };
}

test('playwright: the processor\'s project\'s playwright-core drives the browser when Node finds one from its folder; agentload\'s otherwise', async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set AGENTLOAD_CHROMIUM)`);
  const srv = await startHttpServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hello</p>'));
  t.after(() => srv.close());
  const { version } = JSON.parse(readFileSync(join(OWN, 'package.json'), 'utf8')) as { version: string };

  const project = tempDir('playwright-project');
  t.after(project.cleanup);
  const copy = join(realpathSync(project.dir), 'node_modules', 'playwright-core');
  mkdirSync(dirname(copy), { recursive: true });
  cpSync(OWN, copy, { recursive: true });
  const withOwn = await runIn(project.dir, srv.url);
  assert.ok(withOwn.r.err.includes(`playwright: the processor's project's playwright-core ${version} (${copy})`), withOwn.r.err);
  assert.equal(withOwn.ok, 1, 'the test function ran in the browser the project\'s copy launched');
  assert.equal(withOwn.summary.counters.project_copy_loaded, 1, 'the project\'s copy is the one loaded');

  const bare = tempDir('playwright-bare');
  t.after(bare.cleanup);
  const withoutOwn = await runIn(bare.dir, srv.url);
  assert.match(withoutOwn.r.err, new RegExp(`playwright: agentload's playwright-core ${version.replaceAll('.', '\\.')} \\(no other Playwright`));
  assert.equal(withoutOwn.ok, 1);
});
