/**
 * Artillery's playwright engine (issue 18) in Debian's chromium (installed by
 * .ci/run; AGENTLOAD_CHROMIUM overrides the path) against a real HTML server
 * on 127.0.0.1. Plan: test/fixtures/artillery/playwright.yml, its test
 * functions in playwright-flows.cjs, Artillery's syntax as written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../cli/cli-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

const FIX = join(import.meta.dirname, '../fixtures/artillery');
const CHROMIUM = process.env.AGENTLOAD_CHROMIUM ?? '/usr/bin/chromium';
const SLOW_MS = 150;

/** Four pages; /slow answers after SLOW_MS. Counts visits by path and keeps the x-from header. */
async function startSite() {
  const visits: Record<string, number> = {};
  const from = new Set<string>();
  const page = (body: string) => `<!doctype html><html><body>${body}</body></html>`;
  const srv = await startHttpServer((req, res) => {
    const path = req.url ?? '';
    visits[path] = (visits[path] ?? 0) + 1;
    if (typeof req.headers['x-from'] === 'string') from.add(req.headers['x-from']);
    const send = (body: string) => res.writeHead(200, { 'content-type': 'text/html' }).end(page(body));
    if (path === '/') send('<h1>home</h1><a href="/slow">Slow</a>');
    else if (path === '/before') send('<h1>before page</h1>');
    else if (path === '/oops') send('<h1>not what you expected</h1>');
    else if (path === '/slow') setTimeout(() => send('<p>slow page</p>'), SLOW_MS);
    else res.writeHead(404).end();
  });
  return { srv, visits, from };
}

test('playwright: test functions run in the browser, test.step latencies and page timings are recorded, a throwing function fails its scenario', async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set AGENTLOAD_CHROMIUM)`);
  const { srv, visits, from } = await startSite();
  t.after(() => srv.close());
  const { dir, cleanup } = tempDir('playwright');
  t.after(cleanup);
  const out = join(dir, 'r.json');
  const r = await cli(['run', join(FIX, 'playwright.yml'), '-t', srv.url, '-o', out, '--no-console', '--grace', '20s', '--seed', '7']);
  assert.equal(r.code, 0, r.out + r.err);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  const byName = Object.fromEntries(result.summary.byName.map((n: any) => [n.name, n]));
  const counters = result.summary.counters;

  const browsed = byName['browser browse']?.ok ?? 0;
  const broken = byName['browser broken']?.outcomes.failed.pw_error ?? 0;
  assert.ok(browsed >= 1 && broken >= 1, `seed 7 picks both scenarios: browse ${browsed}, broken ${broken}`);
  assert.equal(browsed + broken, 3, 'three users, each ran its test function once');
  assert.equal(visits['/'], 3, 'every user opened the home page (server-side count)');
  assert.equal(visits['/slow'], browsed, 'only browse users followed the link');
  assert.equal(visits['/before'], 1, 'the top-level before test function ran once');
  assert.deepEqual([...from], [FIX], 'contextOptions reached the browser, {{ $dirname }} rendered to the plan\'s directory');

  assert.equal(counters['browse.greeting_seen'], browsed, 'vuContext.vars carries what before set; events.emit counters count');
  const slowStep = byName['browser.step.slow_page'];
  assert.equal(slowStep.count, browsed, 'one slow_page step per browse user');
  assert.ok(slowStep.latencyMs.min >= SLOW_MS, `the step waited for the slow page: min ${slowStep.latencyMs.min} ms`);
  assert.equal(byName['browser.step.home'].count, browsed);
  assert.ok(byName['browser browse'].latencyMs.min >= SLOW_MS, 'the scenario time covers its steps');
  const slowTtfb = byName[`browser.page.TTFB.${srv.url}/slow`];
  assert.equal(slowTtfb.count, browsed, 'the last page of each call reports its timings before it is closed');
  assert.ok(slowTtfb.latencyMs.min >= SLOW_MS, `TTFB from the Navigation Timing entry: min ${slowTtfb.latencyMs.min} ms`);
  assert.equal(byName[`browser.page.load.${srv.url}/before`].count, 1, 'page load time per URL');
  assert.equal(byName[`browser.page.load.${srv.url}/oops`].count, broken, 'a page closed right after its load (its function threw) still reports');
  assert.ok(counters['browser.page.codes.200'] >= 3 + 1 + browsed, 'responses counted by status');

  assert.equal(counters.vusers_failed, broken, 'a throwing test function fails its user');
  assert.equal(counters['processor_errors:broken'], broken);
  assert.match(r.err, /processor function broken failed .*not what we expected/);
});

test('playwright: maxContexts bounds the browser contexts open at once; users beyond it wait, and all run', async (t) => {
  let open = 0;
  let maxOpen = 0;
  let visits = 0;
  const srv = await startHttpServer((req, res) => {
    if (req.url !== '/hold') return void res.writeHead(404).end(); // the browser's /favicon.ico
    visits += 1;
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    setTimeout(() => {
      open -= 1;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>held</h1>');
    }, 800);
  });
  t.after(() => srv.close());
  const { dir, cleanup } = tempDir('playwright-bound');
  t.after(cleanup);
  writeFileSync(join(dir, 'flows.cjs'), 'module.exports = { hold: async (page) => { await page.goto("/hold"); } };\n');
  writeFileSync(join(dir, 'bound.yml'), [
    'config:',
    '  target: "http://127.0.0.1:1"',
    '  phases: [{ duration: 1, arrivalCount: 3 }]',
    '  engines:',
    '    playwright:',
    '      maxContexts: 1',
    '      launchOptions: { proxy: { server: "http://127.0.0.1:9", bypass: "127.0.0.1" } }',
    '  processor: ./flows.cjs',
    'scenarios:',
    '  - name: hold',
    '    engine: playwright',
    '    testFunction: hold',
    '',
  ].join('\n'));
  const out = join(dir, 'r.json');
  const r = await cli(['run', join(dir, 'bound.yml'), '-t', srv.url, '-o', out, '--no-console', '--grace', '20s']);
  assert.equal(r.code, 0, r.out + r.err);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(visits, 3, 'every user ran');
  assert.equal(maxOpen, 1, 'arrivals 333 ms apart, each page held 800 ms: one context at a time');
  assert.equal(result.summary.byName.find((n: any) => n.name === 'browser hold').ok, 3);
});

test('playwright: a test function the processor does not export and a trace option that does not exist stop at validate, located', async (t) => {
  const { dir, cleanup } = tempDir('playwright-bad');
  t.after(cleanup);
  writeFileSync(join(dir, 'flows.cjs'), 'module.exports = { browse: async () => {} };\n');
  const write = (name: string, engineOptions: string): string => {
    writeFileSync(join(dir, name), [
      'config:',
      '  target: "http://127.0.0.1:1"',
      '  engines:',
      `    playwright: ${engineOptions}`,
      '  processor: ./flows.cjs',
      'scenarios:',
      '  - engine: playwright',
      '    testFunction: brwose',
      '',
    ].join('\n'));
    return join(dir, name);
  };
  // A trace option Artillery's engine never reads is ignored by both, with a warning (issue 18); --strict refuses it.
  const tracedFile = write('traced.yml', '{ trace: { maxTraces: 3 } }');
  const traced = await cli(['validate', tracedFile]);
  assert.equal(traced.code, 2);
  assert.match(traced.err, /traced\.yml:4:\d+ warning AGENTLOAD_W_IGNORED_KEY config\.playwright\.trace\.maxTraces: /);
  const strict = await cli(['validate', '--strict', tracedFile]);
  assert.equal(strict.code, 2);
  assert.match(strict.err, /traced\.yml:4:\d+ AGENTLOAD_E_SCHEMA config\.(engines\.)?playwright\.trace\.maxTraces/);
  const misnamed = await cli(['validate', write('misnamed.yml', '{}')]);
  assert.equal(misnamed.code, 2);
  assert.match(misnamed.err, /misnamed\.yml:8:19 AGENTLOAD_E_PROCESSOR_FUNCTION scenarios\[0\]\.flow\[0\]\.testFunction: .*"brwose".*browse/);
});

test('playwright: useSeparateBrowserPerVU gives each user its own browser; trace saves the failing user\'s trace as a zip and drops the other', async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set AGENTLOAD_CHROMIUM)`);
  const srv = await startHttpServer((req, res) => {
    if (req.url === '/page') res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>page</h1>');
    else res.writeHead(404).end();
  });
  t.after(() => srv.close());
  const { dir, cleanup } = tempDir('playwright-browsers');
  t.after(cleanup);
  const traces = join(dir, 'traces');
  const run = async (overrides: object) => {
    const out = join(dir, 'r.json');
    const r = await cli(['run', join(FIX, 'playwright-browsers.yml'), '-t', srv.url, '-o', out, '--no-console', '--grace', '20s', '--overrides', JSON.stringify(overrides)]);
    return { ...r, result: JSON.parse(readFileSync(out, 'utf8')) };
  };
  const separate = await run({ config: { engines: { playwright: { trace: { outputDir: traces } } } } });
  assert.equal(separate.code, 0, separate.out + separate.err);
  const counters = separate.result.summary.counters;
  assert.equal(counters['test.browsers_seen'], 2, 'two users, two browsers');
  assert.equal(counters.vusers_failed, 1, 'the first visit failed');
  assert.equal(counters['browser.traces_collected'], 1, 'the failing user\'s trace was saved');
  assert.equal(counters['browser.traces_discarded'], 1, 'the passing user\'s trace was dropped');
  const zips = readdirSync(traces).filter((f) => f.endsWith('.zip'));
  assert.equal(zips.length, 1);
  assert.equal(readFileSync(join(traces, zips[0]!)).subarray(0, 2).toString(), 'PK', 'a zip archive');
  assert.match(separate.err + separate.out, new RegExp(`trace saved to ${join(traces, zips[0]!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

  const shared = await run({ config: { engines: { playwright: { useSeparateBrowserPerVU: false, trace: false } } } });
  assert.equal(shared.code, 0, shared.out + shared.err);
  assert.equal(shared.result.summary.counters['test.browsers_seen'], 1, 'one browser for the process');
  assert.equal(shared.result.summary.counters['browser.traces_collected'], undefined, 'no tracing when trace is false');
});

test('playwright: no Chromium where AGENTLOAD_CHROMIUM points is one line with the fix, exit 3, before any request', async (t) => {
  const { srv, visits } = await startSite();
  t.after(() => srv.close());
  const saved = process.env.AGENTLOAD_CHROMIUM;
  process.env.AGENTLOAD_CHROMIUM = '/nonexistent/chromium';
  t.after(() => {
    if (saved === undefined) delete process.env.AGENTLOAD_CHROMIUM;
    else process.env.AGENTLOAD_CHROMIUM = saved;
  });
  const r = await cli(['run', join(FIX, 'playwright.yml'), '-t', srv.url, '--no-console']);
  assert.equal(r.code, 3, r.out + r.err);
  assert.match(r.err, /AGENTLOAD_E_BROWSER_START AGENTLOAD_CHROMIUM=\/nonexistent\/chromium does not exist/);
  assert.match(r.err, /apt-get install chromium/);
  assert.deepEqual(visits, {});
});
