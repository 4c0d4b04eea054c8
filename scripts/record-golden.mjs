#!/usr/bin/env node
// Records golden transcripts from the REAL upstream AgentCore services into
// test/fixtures/golden/*.json. Not part of `npm test`: it needs the services
// running (see /work/shared/realgw: A2A server on 127.0.0.1:8001, HTTP gateway
// on 127.0.0.1:8080). test/sim/golden.test.ts replays every recorded request
// against `agentload sim` and asserts the same status, JSON shape and codes.
//
//   node scripts/record-golden.mjs [--a2a http://127.0.0.1:8001] [--gateway http://127.0.0.1:8080]
//
// Every case is recorded twice (two passes); a value that differs between the
// passes (ids, timestamps, timings) is listed in the case's `volatile` paths,
// so the test compares its type only. `loose` paths are also compared by type
// only, for values that are deterministic upstream but not worth modelling
// byte for byte (prose such as tool descriptions, pydantic's error texts).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { CASES } from './golden-cases.mjs';

const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'golden');
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i === -1 ? dflt : args[i + 1]; };
const BASES = { a2a: opt('--a2a', 'http://127.0.0.1:8001'), gateway: opt('--gateway', 'http://127.0.0.1:8080') };
// The gateway's DDoS check allows ~33 req/s per IP (shared Redis key); stay well under it.
const GATEWAY_PACE_MS = 60;
const WS_QUIET_MS = 400;
const KEPT_HEADERS = ['content-type', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-type', 'www-authenticate'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function substitute(value, vars) {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (_, k) => vars[k] ?? '');
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]));
  return value;
}

function pick(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

async function oneHttp(c, vars) {
  const req = substitute(c.http, vars);
  const headers = { ...(req.headers ?? {}) };
  let body;
  if (req.bodyRaw !== undefined) body = req.bodyRaw;
  else if (req.body !== undefined) body = JSON.stringify(req.body);
  if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  const res = await fetch(BASES[c.service] + req.path, { method: req.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const kept = {};
  for (const h of KEPT_HEADERS) if (res.headers.has(h)) kept[h] = res.headers.get(h);
  const ctype = res.headers.get('content-type') ?? '';
  let text;
  if (ctype.includes('text/event-stream')) {
    // An SSE stream never ends: keep the first event only.
    const reader = res.body.getReader();
    text = '';
    while (!/\r?\n\r?\n/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    await reader.cancel();
  } else text = await res.text();
  let json = null;
  try { json = text === '' ? null : JSON.parse(text); } catch { /* not JSON: keep the text */ }
  return { status: res.status, headers: kept, body: json, ...(json === null && text !== '' ? { text } : {}) };
}

async function recordHttp(c, vars) {
  const times = c.repeat ?? 1;
  const statuses = {};
  let last;
  for (let i = 0; i < times; i++) {
    if (c.service === 'gateway') await sleep(GATEWAY_PACE_MS);
    last = await oneHttp(c, vars);
    statuses[last.status] = (statuses[last.status] ?? 0) + 1;
  }
  if (c.capture) for (const [k, p] of Object.entries(c.capture)) vars[k] = pick(last.body, p);
  return times > 1 ? { ...last, statusCounts: statuses } : last;
}

function recordWs(c, vars) {
  const path = substitute(c.ws.path, vars);
  const url = BASES[c.service].replace(/^http/, 'ws') + path;
  return new Promise((resolve) => {
    const out = { upgradeStatus: 101, frames: [], closeCode: null };
    const ws = new WebSocket(url);
    let timer = null;
    let step = 0;
    let isDone = false;
    // Our own terminate() must not be recorded as the server's close code.
    const finish = () => { isDone = true; clearTimeout(timer); ws.terminate(); resolve(out); };
    const quiet = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const next = c.ws.send?.[step++];
        if (next === undefined) return finish();
        out.frames.push({ sent: next });
        ws.send(typeof next === 'string' ? next : JSON.stringify(next));
        quiet();
      }, WS_QUIET_MS);
    };
    ws.on('unexpected-response', (_req, res) => { out.upgradeStatus = res.statusCode; out.frames = []; isDone = true; resolve(out); ws.terminate(); });
    ws.on('open', quiet);
    ws.on('message', (data) => {
      let m; try { m = JSON.parse(String(data)); } catch { m = String(data); }
      out.frames.push({ received: m });
      quiet();
    });
    ws.on('close', (code) => { if (!isDone) out.closeCode = code; clearTimeout(timer); resolve(out); });
    ws.on('error', () => { /* the close or unexpected-response event reports it */ });
  });
}

async function pass(earlier) {
  const vars = {};
  const out = {};
  for (const [file, cases] of Object.entries(CASES)) {
    out[file] = [];
    for (const [i, c] of cases.entries()) {
      if (earlier && c.once) { out[file].push(earlier[file][i]); continue; }
      const response = c.ws ? await recordWs(c, vars) : await recordHttp(c, vars);
      out[file].push(response);
    }
  }
  return out;
}

function typeOf(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** Paths (a.b[0].c) whose values differ between two recordings of the same case. */
function diffPaths(a, b, path, out) {
  const ta = typeOf(a);
  if (ta !== typeOf(b)) { out.add(path); return; }
  if (ta === 'array') {
    if (a.length !== b.length) { out.add(path); return; }
    a.forEach((v, i) => diffPaths(v, b[i], `${path}[${i}]`, out));
  } else if (ta === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffPaths(a[k], b[k], path === '' ? k : `${path}.${k}`, out);
  } else if (a !== b) out.add(path);
}

const first = await pass();
// The rate-limit case fills a 60 s window; the second pass skips cases marked once.
const second = await pass(first);
const recordedAt = new Date().toISOString();
mkdirSync(OUT_DIR, { recursive: true });
for (const [file, cases] of Object.entries(CASES)) {
  const entries = cases.map((c, i) => {
    const volatile = new Set();
    if (!c.once) diffPaths(first[file][i], second[file][i], '', volatile);
    const { note, once, loose, ...request } = c;
    return { ...request, ...(note ? { note } : {}), response: first[file][i], volatile: [...volatile].sort(), loose: loose ?? [] };
  });
  const doc = { recordedFrom: 'Mathews-Tom/AgentCore via /work/shared/realgw', recordedAt, cases: entries };
  writeFileSync(join(OUT_DIR, `${file}.json`), JSON.stringify(doc, null, 2) + '\n');
  console.log(`${file}.json: ${entries.length} cases`);
}
