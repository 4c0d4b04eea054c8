/**
 * The sim's MCP server (Model Context Protocol, Streamable HTTP), built on the
 * official TypeScript SDK so the stream engine's peer is the reference
 * implementation, not a second reading of the spec.
 *
 * One SDK server and transport per session (the SDK's stateful pattern):
 * `initialize` without a session id opens one and answers its
 * `Mcp-Session-Id`; every later request names it; DELETE ends it. Answers
 * are SSE streams by default, plain JSON when the path has `?json=1`.
 *
 * Tools: `echo {text}` → the text; `calculator {operation, a, b}` → the
 * result (division by zero is a tool error, isError: true); `slow {ms}` →
 * answers after ms (default 200). Resource `sim://status`; prompt `greet {name}`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** The endpoint's path. */
export const MCP_PATH = '/mcp';

const SLOW_DEFAULT_MS = 200;

function text(t: string, isError = false): { content: Array<{ type: 'text'; text: string }>; isError?: boolean } {
  return isError ? { content: [{ type: 'text', text: t }], isError: true } : { content: [{ type: 'text', text: t }] };
}

/** An SDK server with the sim's tools, resources and prompts. */
function buildServer(): McpServer {
  const server = new McpServer({ name: 'agentload-sim', version: '0.1.0' });
  server.registerTool('echo', { description: 'Answers its text', inputSchema: { text: z.string() } }, ({ text: t }) => text(t));
  server.registerTool('calculator', {
    description: 'add, subtract, multiply or divide a and b',
    inputSchema: { operation: z.enum(['add', 'subtract', 'multiply', 'divide']), a: z.number(), b: z.number() },
  }, ({ operation, a, b }) => {
    if (operation === 'divide' && b === 0) return text('division by zero', true);
    const r = operation === 'add' ? a + b : operation === 'subtract' ? a - b : operation === 'multiply' ? a * b : a / b;
    return text(String(r));
  });
  server.registerTool('slow', { description: 'Answers after ms milliseconds', inputSchema: { ms: z.number().int().min(0).max(60_000).optional() } },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms ?? SLOW_DEFAULT_MS));
      return text(`slept ${ms ?? SLOW_DEFAULT_MS} ms`);
    });
  server.registerResource('status', 'sim://status', { description: 'The sim status', mimeType: 'application/json' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: '{"status":"ok"}' }] }));
  server.registerPrompt('greet', { description: 'A greeting', argsSchema: { name: z.string() } },
    ({ name }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${name}` } }] }));
  return server;
}

/** Sessions of one sim: id → transport. */
export class McpSessions {
  private readonly byId = new Map<string, StreamableHTTPServerTransport>();

  /** Open sessions now. */
  get size(): number {
    return this.byId.size;
  }

  /** Serves one request to MCP_PATH. */
  serve(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.route(req, res, Buffer.concat(chunks)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: String(err) } }));
      });
    });
  }

  /** Ends every session (sim shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.byId.values()];
    this.byId.clear();
    await Promise.all(all.map((t) => t.close()));
  }

  private async route(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    let body: unknown;
    if (req.method === 'POST') {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
        return;
      }
    }
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? this.byId.get(id) : undefined;
    if (known !== undefined) return known.handleRequest(req, res, body);
    if (id === undefined && req.method === 'POST' && isInitializeRequest(body)) {
      const isJson = new URL(req.url ?? '/', 'http://sim').searchParams.get('json') === '1';
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: randomUUID,
        enableJsonResponse: isJson,
        onsessioninitialized: (sid) => void this.byId.set(sid, transport),
        onsessionclosed: (sid) => void this.byId.delete(sid),
      });
      transport.onclose = () => {
        if (transport.sessionId !== undefined) this.byId.delete(transport.sessionId);
      };
      await buildServer().connect(transport);
      return transport.handleRequest(req, res, body);
    }
    res.writeHead(id === undefined ? 400 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: id === undefined ? 'Bad Request: no valid session id' : 'Session not found' } }));
  }
}
