/**
 * The mcp engine against MCP servers built with the official SDK on
 * 127.0.0.1 (the sim's, and one answering plain JSON): sessions opened and
 * ended, every call counted per method and tool, `isError` results and
 * JSON-RPC errors classified, captures flowing into templated arguments,
 * and a flow mixing http, stream and mcp steps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInline } from '../helpers/run-inline.ts';
import { startSim } from '../../src/sim/start-sim.ts';

type Result = Awaited<ReturnType<typeof runInline>>;
const named = (r: Result, name: string) => r.summary.byName.find((n) => n.name === name);

async function sim(t: { after(fn: () => unknown): void }) {
  const s = await startSim({ port: 0 });
  t.after(() => s.close());
  return s;
}

const flow = [
  { listTools: { capture: { json: 'result.tools[0].name', as: 'firstTool' } } },
  { callTool: { tool: 'echo', arguments: { text: 'hi {{ firstTool }}' }, expect: { json: [{ path: 'result.content[0].text', matches: '^hi ' }] } } },
  { callTool: { tool: 'calculator', arguments: { operation: 'add', a: 2, b: 3 }, expect: { json: [{ path: 'result.content[0].text', equals: '5' }] } } },
  { callTool: { tool: 'calculator', name: 'divide by zero', arguments: { operation: 'divide', a: 1, b: 0 } } },
  { callTool: { tool: 'no_such_tool', arguments: {} } },
  { getPrompt: { prompt: 'missing_prompt', arguments: {} } },
  { readResource: { uri: 'sim://status' } },
  { getPrompt: { prompt: 'greet', arguments: { name: 'vu{{ vu }}' } } },
];

for (const mode of ['sse', 'json'] as const) {
  test(`MCP over Streamable HTTP (${mode} answers): sessions, counts per tool, isError and JSON-RPC errors classified`, async (t) => {
    const s = await sim(t);
    const users = 4;
    const r = await runInline({ target: s.url, phases: [{ duration: 1, arrivalCount: users }], mcp: { path: mode === 'json' ? '/mcp?json=1' : '/mcp' } }, [{
      name: 'agent', flow,
    }]);
    assert.equal(named(r, 'initialize')!.ok, users, JSON.stringify(named(r, 'initialize')!.outcomes));
    assert.equal(named(r, 'notifications/initialized')!.ok, users);
    assert.equal(named(r, 'tools/list')!.ok, users);
    assert.equal(named(r, 'tools/call echo')!.ok, users, JSON.stringify(named(r, 'tools/call echo')!.outcomes));
    assert.equal(named(r, 'tools/call calculator')!.ok, users);
    assert.deepEqual(named(r, 'divide by zero')!.outcomes.failed, { tool_error: users });
    const unknownTool = named(r, 'tools/call no_such_tool')!;
    assert.equal(unknownTool.ok, 0);
    assert.equal(unknownTool.errors, users);
    assert.ok(Object.keys(unknownTool.outcomes.failed).every((k) => k === 'tool_error' || /^rpc_-32\d{3}$/.test(k)), JSON.stringify(unknownTool.outcomes));
    assert.deepEqual(named(r, 'prompts/get missing_prompt')!.outcomes.failed, { 'rpc_-32602': users });
    assert.equal(named(r, 'resources/read')!.ok, users);
    assert.equal(named(r, 'prompts/get greet')!.ok, users);
    assert.equal(named(r, 'DELETE session')!.ok, users);
    assert.equal(r.summary.counters.mcp_sessions_opened, users);
    assert.equal(r.summary.counters.mcp_sessions_closed, users);
    assert.ok(r.logs.some((l) => l.includes('division by zero')), r.logs.join('\n'));
  });
}

test('a target with no MCP server: initialize fails with its cause and every step fails as no_session, nothing thrown', async (t) => {
  const s = await sim(t);
  const r = await runInline({ target: s.url, phases: [{ duration: 1, arrivalCount: 2 }], mcp: { path: '/nothing-here' } }, [{
    name: 'agent', flow: [{ listTools: {} }, { callTool: { tool: 'echo', arguments: { text: 'x' } } }],
  }]);
  assert.deepEqual(named(r, 'initialize')!.outcomes.failed, { http_404: 2 });
  assert.deepEqual(named(r, 'tools/list')!.outcomes.failed, { no_session: 2 });
  assert.deepEqual(named(r, 'tools/call echo')!.outcomes.failed, { no_session: 2 });
  assert.equal(r.summary.counters.mcp_sessions_failed, 2);
});

test('one flow mixes http, stream and mcp steps, each on its own engine', async (t) => {
  const s = await sim(t);
  const r = await runInline({ target: s.url, phases: [{ duration: 1, arrivalCount: 2 }] }, [{
    name: 'mixed', flow: [
      { get: { url: '/api/v1/health', name: 'health' } },
      { callTool: { tool: 'echo', arguments: { text: 'summarise' }, capture: { json: 'result.content[0].text', as: 'task' } } },
      { stream: { openai: true, name: 'chat', url: '/v1/chat/completions?ttft_ms=5&token_ms=1&tokens=5', json: { stream: true, messages: [{ role: 'user', content: '{{ task }}' }] } } },
      { callTool: { tool: 'slow', arguments: { ms: 20 } } },
    ],
  }]);
  assert.equal(named(r, 'health')!.ok, 2);
  assert.equal(named(r, 'tools/call echo')!.ok, 2);
  assert.equal(named(r, 'chat')!.ok, 2, JSON.stringify(named(r, 'chat')!.outcomes));
  assert.equal(named(r, 'tools/call slow')!.ok, 2);
  assert.ok(named(r, 'tools/call slow')!.latencyMs.min >= 20);
});

test('a stateless SDK server (no session id): JSON-RPC -32001 and -32005 are expected outcomes, -32603 a failure, and no DELETE is sent', async (t) => {
  const { createServer } = await import('node:http');
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
  const { McpError } = await import('@modelcontextprotocol/sdk/types.js');
  let deletes = 0;
  const failing = (code: number) => () => { throw new McpError(code, `failed with ${code}`); };
  const http = createServer((req, res) => {
    if (req.method === 'DELETE') deletes++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      // The SDK's stateless pattern: a fresh server and transport per request.
      const server = new McpServer({ name: 'stateless', version: '1' });
      server.registerResource('limited', 'test://limited', {}, failing(-32001));
      server.registerResource('quota', 'test://quota', {}, failing(-32005));
      server.registerResource('broken', 'test://broken', {}, failing(-32603));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      await server.connect(transport);
      await transport.handleRequest(req, res, chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString()));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => http.close(() => resolve())));
  const port = (http.address() as { port: number }).port;
  const r = await runInline({ target: `http://127.0.0.1:${port}`, phases: [{ duration: 1, arrivalCount: 3 }] }, [{
    name: 'agent', flow: [
      { readResource: { uri: 'test://limited', name: 'limited' } },
      { readResource: { uri: 'test://quota', name: 'quota' } },
      { readResource: { uri: 'test://broken', name: 'broken' } },
    ],
  }]);
  assert.equal(named(r, 'initialize')!.ok, 3, JSON.stringify(named(r, 'initialize')!.outcomes));
  assert.deepEqual(named(r, 'limited')!.outcomes.expected, { rate_limited: 3 });
  assert.deepEqual(named(r, 'quota')!.outcomes.expected, { quota_exceeded: 3 });
  assert.deepEqual(named(r, 'broken')!.outcomes.failed, { 'rpc_-32603': 3 });
  assert.equal(named(r, 'limited')!.errors, 0);
  assert.equal(deletes, 0);
  assert.equal(r.summary.counters.mcp_sessions_closed, 3);
});
