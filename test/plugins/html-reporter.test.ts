import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runFixture, startTarget, tempDir } from './report-fixture.ts';

/** Debian's chromium (installed by .ci/run); AGENTLOAD_CHROMIUM overrides the path. */
const CHROMIUM = process.env.AGENTLOAD_CHROMIUM ?? '/usr/bin/chromium';

/** Loads `file` in headless Chromium; returns the DOM after scripts ran, and Chromium's log. */
function renderInChromium(file: string): Promise<{ dom: string; log: string }> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (or set AGENTLOAD_CHROMIUM)`);
  const profile = mkdtempSync(join(tmpdir(), 'agentload-chromium-'));
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-extensions',
    // Any network access from the page fails: the report must not need one.
    '--host-resolver-rules=MAP * ~NOTFOUND',
    `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', '--window-size=1600,1400',
    '--virtual-time-budget=3000', '--dump-dom', pathToFileURL(file).href,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (err) reject(new Error(`chromium failed: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve({ dom: stdout, log: stderr });
    });
  });
}

test('--html: a self-contained page whose charts Chromium draws with no script error', async (t) => {
  const server = await startTarget();
  const tmp = tempDir('html');
  t.after(async () => { await server.close(); tmp.cleanup(); });
  const file = join(tmp.dir, 'report.html');
  const { result } = await runFixture(tmp.dir, server.url, { flags: { htmlFile: file } });
  const html = readFileSync(file, 'utf8');

  // Self-contained: nothing is fetched — no external scripts, styles, images, fonts or imports.
  assert.doesNotMatch(html, /<link\b|\bsrc\s*=|@import|url\(|fetch\(|XMLHttpRequest|https:\/\//i);
  const rest = html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '').replaceAll(server.url, '');
  assert.doesNotMatch(rest, /http:\/\//, 'the only http:// strings are the SVG namespace and the target URL as text');

  const { dom, log } = await renderInChromium(file);
  assert.doesNotMatch(log, /Uncaught/, "a script error reached the console");
  const ready = /<div id="agentload-ready"[^>]*data-charts="(\d+)" data-drawn="(\d+)"/.exec(dom);
  assert.ok(ready, 'the page script did not finish (no agentload-ready marker)');
  assert.equal(ready[1], '4');
  assert.equal(ready[2], '4', 'every chart has a series path with a non-empty box');

  // Each chart has its series with one point per interval, non-empty path data.
  for (const id of ['chart-rps', 'chart-latency', 'chart-outcomes', 'chart-users']) {
    const svg = new RegExp(`<svg[^>]*id="${id}"[\\s\\S]*?</svg>`).exec(dom);
    assert.ok(svg, id);
    const paths = [...svg[0].matchAll(/<path class="series"[^>]*data-points="(\d+)" d="([^"]*)"/g)];
    assert.ok(paths.length >= 1, id);
    for (const p of paths) {
      assert.equal(Number(p[1]), result.intervals.length, id);
      assert.equal((p[2]!.match(/[ML]/g) ?? []).length, result.intervals.length, id);
    }
  }
  assert.match(dom, /id="chart-outcomes"[\s\S]*?<title>rate_limited<\/title>/);

  // The per-name table and the expectations, with the run's numbers.
  for (const s of result.summary.byName) {
    assert.match(dom, new RegExp(`<tr><td>${s.name}</td><td>${s.count}</td>`));
  }
  assert.match(dom, new RegExp(`<tr class="total"><td>All requests</td><td>${result.summary.overall.count}</td>`));
  const verdicts = [...dom.matchAll(/<td class="(pass|fail)">(PASS|FAIL)<\/td><td>([^<]*)<\/td>/g)].map((m) => [m[3], m[2]]);
  assert.deepEqual(verdicts, result.expectations.map((e) => [e.name, e.isPass ? 'PASS' : 'FAIL']));
  assert.match(dom, /<span class="verdict FAIL">FAIL<\/span>/);
});
