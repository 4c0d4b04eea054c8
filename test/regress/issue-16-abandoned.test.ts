/**
 * Issue 16, item 5: requests cut off by the end of a run are `abandoned`,
 * counted apart, never failures of the target and never in the error rate.
 * Real servers on 127.0.0.1 that never answer; a short grace ends the run
 * with requests in flight (and, over one connection, waiting for one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpServer } from '../helpers/servers.ts';
import { startWsServer } from '../helpers/ws-server.ts';
import { runInline } from '../helpers/run-inline.ts';
import { csvFiles, createCsvReporter } from '../../src/plugins/csv-reporter.ts';
import { resultText } from '../../src/plugins/format.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

const neverAnswers = () => { /* holds the request open */ };
const byName = (r: Awaited<ReturnType<typeof runInline>>, name: string) => r.summary.byName.find((n) => n.name === name)!;

test('http: requests in flight or waiting for a connection at the run end are abandoned, not failed', async (t) => {
  const srv = await startHttpServer(neverAnswers);
  t.after(() => srv.close());
  const dir = scratchDir('agentload-abandoned-');
  const csv = createCsvReporter({ prefix: join(dir, 'run') });
  // One connection: the first request is on it, the others wait in the pool for it.
  const r = await runInline({
    target: srv.url, grace: '300ms', http: { connections: 1, timeout: '60s' }, phases: [{ arrivalCount: 4, duration: 0.2 }],
  }, [{ name: 's', flow: [{ get: { url: '/hang', name: 'hang' } }] }], [csv]);
  const x = byName(r, 'hang');
  assert.equal(x.abandoned, 4, JSON.stringify(x));
  assert.equal(x.errors, 0, JSON.stringify(x.outcomes));
  assert.equal(x.count, 0);
  assert.equal(r.summary.overall.abandoned, 4);
  assert.equal(r.summary.overall.errorRate, 0);
  assert.equal(r.summary.counters.requests_abandoned, 4);
  assert.ok(resultText(r).some((l) => /^abandoned .*hang 4/.test(l)), resultText(r).join('\n'));
  const failures = readFileSync(csvFiles(join(dir, 'run')).failures, 'utf8');
  assert.match(failures, /hang,abandoned,4/);
  assert.doesNotMatch(failures, /destroyed/i);
});

test('tool-rpc: a call in flight at the run end is abandoned, and is not retried', async (t) => {
  const srv = await startHttpServer(neverAnswers);
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, grace: '300ms', http: { timeout: '60s' }, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [{ call: { method: 'tools/call', params: { name: 'echo' }, name: 'echo', retry: { attempts: 3, on: ['network'] } } }],
  }]);
  const x = byName(r, 'echo');
  assert.equal(x.abandoned, 2, JSON.stringify(x));
  assert.equal(x.errors, 0, JSON.stringify(x.outcomes));
  assert.equal(r.summary.overall.errorRate, 0);
  assert.equal(r.summary.counters.rpc_retries ?? 0, 0);
});

test('ws: a waitFor still waiting at the run end is abandoned, not a failure', async (t) => {
  const srv = await startWsServer();
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, grace: '300ms', phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{
    name: 's', engine: 'ws',
    flow: [{ connect: '/ws/silent' }, { waitFor: { name: 'greeting', timeout: '60s' } }],
  }]);
  const w = byName(r, 'greeting');
  assert.equal(w.abandoned, 2, JSON.stringify(w));
  assert.equal(w.errors, 0, JSON.stringify(w.outcomes));
  assert.equal(r.summary.overall.errors, 0);
});
