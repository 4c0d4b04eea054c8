/**
 * The HTML report in a real browser: Debian's chromium (installed by .ci/run),
 * driven by playwright-core with every request outside the file refused, so
 * the page must work offline. Checks every section against the run's numbers
 * and, with AGENTLOAD_SCREENSHOTS=1, refreshes docs/images/report.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/cli.ts';
import { runFixture, startTarget, tempDir } from './report-fixture.ts';
import { CHROMIUM, launchLocalChromium } from '../helpers/local-chromium.ts';


test('--html: a self-contained page whose every section Chromium draws with no script error', async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set AGENTLOAD_CHROMIUM)`);
  const server = await startTarget();
  const tmp = tempDir('html');
  const browser = await launchLocalChromium();
  t.after(async () => { await browser.close(); await server.close(); tmp.cleanup(); });
  const file = join(tmp.dir, 'report.html');
  const { result } = await runFixture(tmp.dir, server.url, { flags: { htmlFile: file } });
  const html = readFileSync(file, 'utf8');

  // Self-contained: nothing is fetched — no external scripts, styles, images, fonts or imports.
  assert.doesNotMatch(html, /<link\b|\bsrc\s*=|@import|url\(|fetch\(|XMLHttpRequest|https:\/\//i);
  const rest = html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '').replaceAll(server.url, '');
  assert.doesNotMatch(rest, /http:\/\//, 'the only http:// strings are the SVG namespace and the target URL as text');

  const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
  const problems: string[] = [];
  const fetched: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.route('**/*', (route) => {
    if (route.request().url() === pathToFileURL(file).href) return route.continue();
    fetched.push(route.request().url());
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('#agentload-ready', { state: 'attached' });
  assert.deepEqual(problems, [], 'no script error');
  assert.deepEqual(fetched, [], 'nothing fetched');
  const ready = await page.$eval('#agentload-ready', (d) => [d.getAttribute('data-charts'), d.getAttribute('data-drawn')]);
  assert.deepEqual(ready, ['7', '7'], 'four run charts, two per-name charts and the histogram, each drawn');

  // Full width: the charts grow with the window instead of stopping at 760 px.
  const chartWidth = await page.$eval('#chart-rps', (s) => s.getBoundingClientRect().width);
  const pageWidth = await page.evaluate(() => document.documentElement.clientWidth);
  assert.ok(chartWidth > 760 || chartWidth > pageWidth / 3, `chart ${chartWidth}px in a ${pageWidth}px page`);

  // Each time chart has one point per interval.
  for (const id of ['chart-rps', 'chart-latency', 'chart-outcomes', 'chart-users', 'chart-endpoint-rps', 'chart-endpoint-p95']) {
    const points = await page.$$eval(`#${id} path.series`, (ps) => ps.map((p) => [Number(p.getAttribute('data-points')), (p.getAttribute('d')!.match(/[ML]/g) ?? []).length]));
    assert.ok(points.length >= 1, id);
    for (const [n, segs] of points) assert.deepEqual([n, segs], [result.intervals.length, result.intervals.length], id);
  }
  assert.ok((await page.$$('#chart-outcomes path.series title')).length >= 2);
  assert.match(await page.textContent('#chart-outcomes') ?? '', /rate_limited/);
  const named = result.summary.byName.filter((s) => s.count > 0);
  assert.equal((await page.$$('#chart-endpoint-rps path.series')).length, named.length, 'one per-name series per name');
  const barShare = await page.$$eval('#chart-histogram rect.bar title', (ts) => ts.reduce((n, t) => n + Number(/: ([\d.]+) %/.exec(t.textContent!)![1]), 0));
  assert.ok(Math.abs(barShare - 100) < 0.5, `the histogram's bars add up to 100 %, got ${barShare}`);

  // The per-name table, the percentile table (min … max), the failures with causes.
  const cells = (sel: string) => page.$$eval(`${sel} tbody tr`, (rs) => rs.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
  const names = await cells('#names');
  for (const s of named) assert.ok(names.some((r) => r[0] === s.name && r[1] === String(s.count)), s.name);
  assert.deepEqual(names.at(-1)!.slice(0, 2), ['All requests', String(result.summary.overall.count)]);
  assert.deepEqual(await page.$$eval('#percentiles th', (h) => h.map((x) => x.textContent)), ['Name', 'Requests', 'min', 'mean', 'p50', 'p75', 'p90', 'p95', 'p99', 'p99.9', 'max']);
  const pct = await cells('#percentiles');
  assert.equal(pct.length, named.length + 1);
  for (const row of pct) {
    const v = row.slice(2).map(Number);
    assert.ok(v[0]! <= v[2]! && v[2]! <= v[3]! && v[3]! <= v[4]! && v[4]! <= v[5]! && v[5]! <= v[6]! && v[6]! <= v[7]! && v[7]! <= v[8]!, `ordered percentiles: ${row}`);
  }
  const failures = await cells('#failures');
  const failed = named.flatMap((s) => Object.entries(s.outcomes.failed).map(([cause, n]) => [s.name, cause, String(n)]));
  assert.ok(failed.length > 0, 'the fixture has failures');
  for (const f of failed) assert.ok(failures.some((r) => r[0] === f[0] && r[1] === f[1] && r[2] === f[2]), `failure row ${f}`);
  assert.ok(failures.every((r) => !/rate_limited/.test(r[1]!)), 'expected outcomes are not failures');

  // Expectations with their measured values, and the metadata.
  const verdicts = await cells('#expectations');
  assert.deepEqual(verdicts.map((r) => [r[1], r[0], r[2]]), result.expectations.map((e) => [e.name, e.isPass ? 'PASS' : 'FAIL', e.measured]));
  assert.equal(await page.textContent('.verdict'), 'FAIL');
  const facts = await page.$$eval('dl.facts dt', (d) => d.map((x) => x.textContent));
  for (const label of ['Plan', 'Target', 'Seed', 'agentload', 'Generator', 'Started', 'Duration']) assert.ok(facts.includes(label), label);
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  assert.match(await page.textContent('dl.facts') ?? '', new RegExp(`version ${version.replace(/\./g, '\\.')}`));
  // AGENTLOAD_SCREENSHOTS=1 refreshes the README's picture; otherwise it goes to the temp dir.
  await page.screenshot({ path: process.env.AGENTLOAD_SCREENSHOTS ? join(ROOT, 'docs/images/report.png') : join(tmp.dir, 'report.png'), fullPage: true });
});
