/**
 * The live dashboard in a real browser: Debian's chromium driven by
 * playwright-core (never a browser download) opens the page during a short
 * run of the real CLI against a loopback target, watches the counters grow
 * and the charts draw, presses Stop, and checks the run ended as Ctrl-C
 * does: exit 3, reports written, the page saying so. With
 * AGENTLOAD_SCREENSHOTS=1 its screenshot refreshes docs/images/dashboard.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';
import { startTarget, tempDir, writePlan } from '../cli/cli-fixture.ts';
import { CHROMIUM, launchLocalChromium } from '../helpers/local-chromium.ts';


test('dashboard: live counters and charts, Stop ends the run with its reports written', async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set AGENTLOAD_CHROMIUM)`);
  const server = await startTarget();
  const tmp = tempDir('dashboard');
  const plan = writePlan(tmp.dir, 'live.yml', server.url, '/ok');
  writeFileSync(plan, readFileSync(plan, 'utf8').replace('duration: 1, arrivalRate: 20', 'duration: 60, arrivalRate: 20'));
  const html = join(tmp.dir, 'r.html');
  const json = join(tmp.dir, 'r.json');
  const child = spawn(process.execPath, [join(ROOT, 'bin/agentload'), 'run', plan, '--dashboard', '127.0.0.1:0', '--html', html, '-o', json], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const browser = await launchLocalChromium();
  t.after(async () => { child.kill('SIGKILL'); await browser.close(); await server.close(); tmp.cleanup(); });
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d;
      const m = /live dashboard at (http:\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`exited before the dashboard started:\n${err}`)));
  });

  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  // Offline: the page may only talk to the dashboard itself.
  const origin = new URL(url).origin;
  await page.route('**/*', (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort()));
  await page.goto(url);

  const requests = async (): Promise<number> => Number(await page.getAttribute('body', 'data-requests') ?? '0');
  await page.waitForFunction(() => Number(document.body.getAttribute('data-requests') ?? '0') > 0);
  const first = await requests();
  await page.waitForFunction((n) => Number(document.body.getAttribute('data-requests') ?? '0') > n, first);
  assert.ok((await requests()) > first, 'the request counter grows');
  await page.waitForFunction(() => Number(document.body.getAttribute('data-views') ?? '0') >= 2);
  const drawn = await page.$$eval('#charts svg.chart', (svgs) => svgs.filter((s) => [...s.querySelectorAll('path.series')].some((p) => (p as SVGPathElement).getTotalLength() > 0)).length);
  assert.equal(drawn, 4, 'rps, latency, outcomes and users charts are drawn');
  assert.match(await page.textContent('#names') ?? '', /req/, 'the per-name table lists the request');
  assert.match(await page.textContent('#expectations') ?? '', /PASS so far\s*maxErrors\s*0/, 'expectations so far, with their current values');
  assert.match(await page.textContent('#generator') ?? '', /^CPU \d+% of a core · event loop busy \d+% · lag \d+ ms · late arrivals \d+$/);
  // AGENTLOAD_SCREENSHOTS=1 refreshes the README's picture; otherwise it goes to the temp dir.
  await page.screenshot({ path: process.env.AGENTLOAD_SCREENSHOTS ? join(ROOT, 'docs/images/dashboard.png') : join(tmp.dir, 'dashboard.png'), fullPage: true });

  // A page opened mid-run gets the history at once.
  const late = await browser.newPage();
  await late.goto(url);
  await late.waitForFunction(() => document.querySelectorAll('#charts svg.chart').length === 4);
  await late.close();

  page.once('dialog', (d) => void d.accept());
  await page.click('#stop');
  await page.waitForFunction(() => document.body.getAttribute('data-ended') === 'true');
  assert.match(await page.textContent('#state') ?? '', /^Run ended: ABORTED: stopped after/);
  assert.equal(await page.isVisible('#report'), true, 'the page links the HTML report');
  assert.equal(await exited, 3, 'Stop ends the run as Ctrl-C does');
  assert.ok(existsSync(html) && existsSync(json), 'reports written');
  assert.equal(JSON.parse(readFileSync(json, 'utf8')).isAborted, true);
  assert.match(out, /ABORTED: stopped after/);
  assert.deepEqual(problems, [], 'no console errors');
});

test('dashboard: bound beyond loopback, the page and Stop need the printed token', async (t) => {
  const { DashboardReporter } = await import('../../src/plugins/dashboard/dashboard-reporter.ts');
  let stops = 0;
  const lines: string[] = [];
  const d = new DashboardReporter({ host: '0.0.0.0', port: 0, planFile: 'p.yml', log: (l) => lines.push(l), stop: () => { stops++; }, verdict: () => 'PASS' });
  await d.init();
  t.after(() => d.onEnd({ expectations: [], intervals: [], isAborted: false, saturation: { message: null }, info: { phases: [], plannedDurationMs: 0 }, summary: { durationMs: 0 } } as never).catch(() => {}));
  const printed = /live dashboard at (http:\S+)/.exec(lines.join('\n'))![1]!;
  const token = new URL(printed).searchParams.get('token');
  assert.match(token ?? '', /^[0-9a-f]{32}$/);
  const base = `http://127.0.0.1:${new URL(printed).port}`;
  assert.equal((await fetch(`${base}/`)).status, 403);
  assert.equal((await fetch(`${base}/stop`, { method: 'POST' })).status, 403);
  assert.equal((await fetch(`${base}/?token=wrong`)).status, 403);
  assert.equal(stops, 0);
  assert.equal((await fetch(`${base}/?token=${token}`)).status, 200);
  assert.equal((await fetch(`${base}/stop?token=${token}`, { method: 'POST' })).status, 202);
  assert.equal(stops, 1);
});
