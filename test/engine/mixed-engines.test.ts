/**
 * Issue 16 item 3: one scenario, several engines. Each step is run by the
 * engine that owns its key, captures flow between them, every engine used is
 * started and closed, and every step is counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type RawData } from 'ws';
import { runInline } from '../helpers/run-inline.ts';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { compilePlan } from '../../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { builtinEngines } from '../../src/engines/index.ts';
import type { Engine } from '../../src/engine/contracts.ts';

type Result = Awaited<ReturnType<typeof runInline>>;
const byName = (r: Result, name: string) => r.summary.byName.find((n) => n.name === name);

/**
 * An agent gateway on 127.0.0.1: GET /health; JSON-RPC on /api/v1/jsonrpc (tools.execute
 * answers a token made from its id); POST /results records the body; WebSocket /ws echoes
 * `{type: echo, payload}` back.
 */
async function gateway(t: { after(fn: () => unknown): void }) {
  const results: unknown[] = [];
  const wsReceived: string[] = [];
  let tokens = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url === '/health') return res.end('{"status":"healthy"}');
      if (req.method === 'POST' && req.url === '/api/v1/jsonrpc') {
        const m = JSON.parse(body) as { id: unknown; method: string };
        return res.end(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { method: m.method, token: `tk-${++tokens}` } }));
      }
      if (req.method === 'POST' && req.url === '/results') {
        results.push(JSON.parse(body));
        res.writeHead(201);
        return res.end('{}');
      }
      res.writeHead(404);
      res.end('{}');
    });
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    if (req.url !== '/ws') return socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => {});
      ws.on('message', (data: RawData) => {
        wsReceived.push(String(data));
        const msg = JSON.parse(String(data)) as { type: string; payload: unknown };
        if (msg.type === 'echo') ws.send(JSON.stringify({ type: 'echo', payload: msg.payload }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(() => new Promise<void>((resolve) => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { url, results, wsReceived };
}

/** get → call (capturing the tool's token) → post of that token: the agent flow of the issue. */
const agentFlow = [
  { get: { url: '/health', name: 'health', expect: { status: 200 } } },
  { call: { method: 'tools.execute', name: 'tool', params: { tool_id: 'echo' }, capture: { json: 'result.token', as: 'token' } } },
  { post: { url: '/results', name: 'result', json: { token: '{{ token }}', vu: '{{ vu }}' }, expect: { status: 201 } } },
];

test('get → call (tool-rpc) → post in one http scenario: the post sends the token the call captured', async (t) => {
  const gw = await gateway(t);
  const r = await runInline({ target: gw.url, phases: [{ arrivalCount: 5, duration: 0.2 }] }, [{ name: 'agent', flow: agentFlow }]);
  for (const name of ['health', 'tool', 'result']) assert.equal(byName(r, name)?.ok, 5, `${name}: ${JSON.stringify(byName(r, name)?.outcomes)}`);
  assert.equal(r.summary.overall.count, 15);
  assert.equal(r.summary.overall.errors, 0);
  const tokens = (gw.results as Array<{ token: string }>).map((b) => b.token).sort();
  assert.deepEqual(tokens, ['tk-1', 'tk-2', 'tk-3', 'tk-4', 'tk-5'], 'each post carried a token its VU captured from the call');
  assert.equal(r.summary.counters.vusers_completed, 5);
});

test('a tool-rpc scenario runs http steps too; closed-model users loop through both engines', async (t) => {
  const gw = await gateway(t);
  const r = await runInline({ target: gw.url, phases: [{ users: 3, spawnRate: 100, duration: 0.5 }] }, [{ name: 'agent', engine: 'tool-rpc', flow: agentFlow }]);
  const [health, tool, result] = ['health', 'tool', 'result'].map((n) => byName(r, n)?.ok ?? 0);
  assert.ok(result! >= 3, `result ok ${result}`);
  // A user stopped at the phase end may not finish its last iteration (issue 16 item 6 decides how): at most one short each.
  assert.ok(health! >= tool! && tool! >= result! && health! - result! <= 3, `health ${health}, tool ${tool}, result ${result}`);
  assert.equal(r.summary.overall.errors, 0);
  assert.equal(gw.results.length, result);
  assert.ok((gw.results as Array<{ token: string }>).every((b) => /^tk-\d+$/.test(b.token)));
});

test('ws and http steps in one flow: a token from a call goes out on the WebSocket, its echo is posted back', async (t) => {
  const gw = await gateway(t);
  const r = await runInline({ target: gw.url, phases: [{ arrivalCount: 4, duration: 0.2 }] }, [{
    name: 'live', flow: [
      { call: { method: 'tools.execute', name: 'tool', capture: { json: 'result.token', as: 'token' } } },
      { connect: { url: '/ws', name: 'connect' } },
      { send: { name: 'send', json: { type: 'echo', payload: { token: '{{ token }}' } } } },
      { waitFor: { name: 'echo', match: { json: 'type', equals: 'echo' }, capture: { json: 'payload.token', as: 'echoed' } } },
      { post: { url: '/results', name: 'result', json: { echoed: '{{ echoed }}' }, expect: { status: 201 } } },
      { close: null },
    ],
  }]);
  for (const name of ['tool', 'send', 'echo', 'result']) assert.equal(byName(r, name)?.ok, 4, `${name}: ${JSON.stringify(byName(r, name)?.outcomes)}`);
  assert.equal(r.summary.overall.errors, 0);
  assert.equal(gw.wsReceived.length, 4);
  const echoed = (gw.results as Array<{ echoed: string }>).map((b) => b.echoed).sort();
  assert.deepEqual(echoed, ['tk-1', 'tk-2', 'tk-3', 'tk-4'], 'the token went http → ws → http');
  assert.equal(r.summary.counters.vusers_completed, 4);
});

test('a mixed flow validates and compiles; plan.engines holds every engine a step uses', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'agentload-mixed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'plan.yml');
  writeFileSync(file, [
    'config:',
    '  target: http://127.0.0.1:1',
    '  phases: [{ arrivalCount: 1, duration: 1 }]',
    'scenarios:',
    '  - name: agent',
    '    flow:',
    '      - get: { url: /health }',
    '      - call: { method: tools.execute }',
    '      - connect: /ws',
    '      - post: { url: /results, json: { ok: true } }',
    '  - name: plain',
    '    flow: [{ get: { url: /health } }]',
  ].join('\n'));
  const compiled = compilePlan(loadPlan(file, {}), { engines: builtinEngines(), sink: new HdrSink() });
  const [agent, plain] = compiled.scenarios;
  assert.deepEqual(agent!.engines.map((e) => e.id), ['http', 'tool-rpc', 'ws']);
  assert.deepEqual(agent!.flow.map((s) => (s.kind === 'engine' ? `${s.engine.id}#${s.slot}` : s.kind)), ['http#0', 'tool-rpc#1', 'ws#2', 'http#0']);
  assert.equal(agent!.isVuReusable, false, 'tool-rpc and ws keep their VUs: no reuse');
  assert.deepEqual(plain!.engines.map((e) => e.id), ['http']);
  assert.equal(plain!.isVuReusable, true);
  assert.deepEqual(compiled.engines.map((e) => e.id).sort(), ['http', 'tool-rpc', 'ws']);
});

/** An engine that also claims `get` (as an external plugin might); compiled only, never run. */
function altEngine(): Engine {
  return {
    id: 'alt', stepKeys: ['get'],
    compileStep: () => ({}), init: async () => {}, openSession: () => ({}), runStep: (_s, vu) => vu.resume(), closeSession: () => {}, close: async () => {},
  };
}

test('a key several engines claim goes to the scenario engine; when it is not one of them, the plan says so', () => {
  const compile = (engine: string) => compilePlan(
    { file: 'inline.yml', config: { target: 'http://127.0.0.1:1', phases: [{ arrivalCount: 1, duration: 1 }] }, locate: () => undefined,
      scenarios: [{ name: 's', engine, flow: [{ get: { url: '/' } }, { call: { method: 'm' } }] }] },
    { engines: [...builtinEngines(), altEngine()], sink: new HdrSink() });
  assert.deepEqual(compile('alt').scenarios[0]!.engines.map((e) => e.id), ['alt', 'tool-rpc']);
  assert.deepEqual(compile('http').scenarios[0]!.engines.map((e) => e.id), ['http', 'tool-rpc']);
  assert.throws(() => compile('ws'), (e: { code?: string; yamlPath?: string }) => e.code === 'AGENTLOAD_E_PLAN_UNKNOWN_STEP' && e.yamlPath === 'scenarios[0].flow[0]');
  assert.throws(() => compile('tool-rpc'), (e: { code?: string }) => e.code === 'AGENTLOAD_E_PLAN_UNKNOWN_STEP');
});
