/**
 * Golden transcripts: every request recorded from the real upstream services
 * (test/fixtures/golden/*.json, written by scripts/record-golden.mjs) is
 * replayed, in order, against a real sim on 127.0.0.1 (the A2A service on its
 * port, the HTTP gateway alone on gatewayPort, as upstream's 8001 and 8080).
 * Each answer must have the recorded status, content type, JSON shape and,
 * where deterministic, the same values, including JSON-RPC error codes.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import { startSim } from '../../src/sim/start-sim.ts';
import { compareJson, Looseness } from './golden-compare.ts';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'golden');
const WS_QUIET_MS = 150;
const REPEAT_PACE_MS = 40;

interface GoldenCase {
  name: string;
  service: 'a2a' | 'gateway';
  http?: { method: string; path: string; headers?: Record<string, string>; body?: unknown; bodyRaw?: string };
  ws?: { path: string; send?: unknown[] };
  capture?: Record<string, string>;
  repeat?: number;
  response: any;
  volatile: string[];
  loose: string[];
}

function substitute(value: unknown, vars: Record<string, string>): any {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? '');
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  return value;
}

async function oneHttp(base: string, c: GoldenCase, vars: Record<string, string>): Promise<any> {
  const req = substitute(c.http, vars);
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  const body = req.bodyRaw ?? (req.body === undefined ? undefined : JSON.stringify(req.body));
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(base + req.path, { method: req.method, headers, body });
  const ctype = res.headers.get('content-type') ?? '';
  let text = '';
  if (ctype.includes('text/event-stream')) {
    const reader = res.body!.getReader();
    while (!/\r?\n\r?\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    await reader.cancel();
  } else text = await res.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch { /* SSE or other text */ }
  return { status: res.status, headers: Object.fromEntries(res.headers), body: json, text };
}

async function replayHttp(base: string, c: GoldenCase, vars: Record<string, string>): Promise<any> {
  const counts: Record<string, number> = {};
  let last: any;
  for (let i = 0; i < (c.repeat ?? 1); i++) {
    // Paced like the recording: upstream's DDoS check (modelled by the sim) refuses one IP above ~33 req/s.
    if (c.repeat !== undefined) await new Promise((r) => setTimeout(r, REPEAT_PACE_MS));
    last = await oneHttp(base, c, vars);
    counts[last.status] = (counts[last.status] ?? 0) + 1;
  }
  for (const [k, p] of Object.entries(c.capture ?? {})) vars[k] = p.split('.').reduce((o: any, key) => o?.[key], last.body);
  return { ...last, statusCounts: counts };
}

function replayWs(base: string, c: GoldenCase, vars: Record<string, string>): Promise<any> {
  return new Promise((resolve) => {
    const out: any = { upgradeStatus: 101, frames: [], closeCode: null };
    const ws = new WebSocket(base.replace(/^http/, 'ws') + substitute(c.ws!.path, vars));
    let timer: NodeJS.Timeout | undefined;
    let step = 0;
    let isDone = false;
    const finish = (): void => { isDone = true; clearTimeout(timer); ws.terminate(); resolve(out); };
    const quiet = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const next = c.ws!.send?.[step++];
        if (next === undefined) return finish();
        out.frames.push({ sent: next });
        ws.send(typeof next === 'string' ? next : JSON.stringify(next));
        quiet();
      }, WS_QUIET_MS);
    };
    ws.on('unexpected-response', (_req, res) => { isDone = true; out.upgradeStatus = res.statusCode; resolve(out); ws.terminate(); });
    ws.on('open', quiet);
    ws.on('message', (data) => {
      let m: unknown;
      try { m = JSON.parse(String(data)); } catch { m = String(data); }
      out.frames.push({ received: m });
      quiet();
    });
    ws.on('close', (code) => { if (!isDone) out.closeCode = code; clearTimeout(timer); resolve(out); });
    ws.on('error', () => {});
  });
}

function mediaType(v: string | undefined): string | undefined {
  return v?.split(';')[0]!.trim();
}

function sseShape(text: string): { event: string; keys: string[] } {
  const event = /^event: (.*)$/m.exec(text)?.[1]?.trim() ?? '';
  const data = /^data: (.*)$/m.exec(text)?.[1]?.trim() ?? '{}';
  return { event, keys: Object.keys(JSON.parse(data)).sort() };
}

function diffCase(c: GoldenCase, got: any): string[] {
  const want = c.response;
  const out: string[] = [];
  const rules = (root: string): Looseness => new Looseness(c.volatile, c.loose, root);
  if (c.ws) {
    if (got.upgradeStatus !== want.upgradeStatus) out.push(`upgrade status: expected ${want.upgradeStatus}, got ${got.upgradeStatus}`);
    compareJson(want.frames, got.frames, 'frames', rules('frames'), out);
    if (want.closeCode !== got.closeCode) out.push(`close code: expected ${want.closeCode}, got ${got.closeCode}`);
    return out;
  }
  if (got.status !== want.status) out.push(`status: expected ${want.status}, got ${got.status}`);
  if (mediaType(want.headers['content-type']) !== mediaType(got.headers['content-type'])) {
    out.push(`content-type: expected ${want.headers['content-type']}, got ${got.headers['content-type']}`);
  }
  if (want.statusCounts) compareJson(want.statusCounts, got.statusCounts, 'statusCounts', rules('statusCounts'), out);
  for (const h of ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-type', 'www-authenticate']) {
    if ((h in want.headers) !== (h in got.headers)) out.push(`header ${h}: expected ${h in want.headers ? 'present' : 'absent'}`);
  }
  if (want.status === 429) {
    for (const h of ['x-ratelimit-limit', 'x-ratelimit-type']) if (want.headers[h] !== got.headers[h]) out.push(`header ${h}: expected ${want.headers[h]}, got ${got.headers[h]}`);
  }
  if (want.text !== undefined) {
    assert.deepEqual(sseShape(got.text), sseShape(want.text), `${c.name}: SSE first event`);
  } else compareJson(want.body, got.body, 'body', rules('body'), out);
  return out;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

test('golden transcripts of the real AgentCore services: the sim answers every recorded request alike', async (t) => {
  assert.ok(files.length >= 5, 'golden files are present');
  const sim = await startSim({ port: 0, gatewayPort: 0 });
  t.after(() => sim.close());
  for (const file of files) {
    const doc = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { cases: GoldenCase[] };
    const vars: Record<string, string> = {};
    await t.test(file, async (tt) => {
      for (const c of doc.cases) {
        const base = c.service === 'gateway' ? sim.gatewayUrl : sim.url;
        const got = c.ws ? await replayWs(base, c, vars) : await replayHttp(base, c, vars);
        const diffs = diffCase(c, got);
        await tt.test(c.name, () => assert.deepEqual(diffs, [], `${c.name}:\n  ${diffs.join('\n  ')}`));
      }
    });
  }
});
