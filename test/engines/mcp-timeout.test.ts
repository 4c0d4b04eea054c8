/**
 * MCP requests time out on the run's deadline service: a tool call whose
 * answer never comes fails as `timeout` once the step's timeout has passed,
 * and the session stays usable for the calls after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';

test('a tools/call with no answer fails as timeout after its timeout; the next call on the session is answered', async (t) => {
  const held: Array<() => void> = [];
  // A minimal Streamable HTTP server answering plain JSON; the `slow` tool never answers.
  const srv = await startHttpServer((req, res, body) => {
    if (req.method === 'DELETE') return void res.writeHead(200).end();
    const m = JSON.parse(body) as { id?: number; method: string; params?: { name?: string } };
    if (m.id === undefined) return void res.writeHead(202).end();
    if (m.params?.name === 'slow') return void held.push(() => res.destroy());
    const result = m.method === 'initialize'
      ? { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 't', version: '1' } }
      : { content: [{ type: 'text', text: 'ok' }] };
    res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 's1' }).end(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }));
  });
  t.after(async () => { for (const h of held) h(); await srv.close(); });
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 1, duration: 0.1 }] }, [{
    name: 'agent', engine: 'mcp', flow: [
      { callTool: { tool: 'slow', arguments: {}, timeout: '300ms' } },
      { callTool: { tool: 'fast', arguments: {} } },
    ],
  }]);
  const slow = r.summary.byName.find((n) => n.name === 'tools/call slow')!;
  assert.deepEqual(slow.outcomes.failed, { timeout: 1 });
  assert.ok(slow.latencyMs.min >= 300, `ended at ${slow.latencyMs.min} ms, before its 300 ms timeout`);
  assert.equal(r.summary.byName.find((n) => n.name === 'tools/call fast')!.ok, 1);
});
