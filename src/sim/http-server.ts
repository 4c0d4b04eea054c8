/**
 * The sim's HTTP layer on plain node:http (no framework in the hot path).
 *
 * Routes, as upstream's A2A service: POST /api/v1/jsonrpc (upstream rules in
 * a2a/a2a-router.ts, or the seed's in jsonrpc-router.ts with seedCompat),
 * GET /api/v1/jsonrpc/methods, POST /api/v1/jsonrpc/ping, GET /api/v1/health
 * (+ /live, /ready), GET /metrics; plus the HTTP gateway's routes
 * (gateway/gateway-routes.ts). WebSocket upgrades go to ws-events.ts.
 *
 * Hot-path habits: requests are a SimRequest subclass whose fields are all
 * set in its constructor, so the body is gathered by module-level listener
 * functions (no closures per request); static answers are Buffers built
 * once; headers are flat arrays; chaos is skipped entirely when inactive.
 */

import { createServer, IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody, RPC, RpcReply } from './jsonrpc-protocol.ts';
import { routeRpc } from './jsonrpc-router.ts';
import { A2A_METHODS } from './a2a/a2a-methods.ts';
import { routeA2a } from './a2a/a2a-router.ts';
import { pyIsoNow } from './a2a/py-format.ts';
import { AGENTCORE_VERSION } from './a2a/rpc-methods.ts';
import { isGatewayPath, serveGateway } from './gateway/gateway-routes.ts';
import type { SimContext } from './sim-context.ts';
import { COMPLETIONS_PATH, serveCompletion } from './stream/completions.ts';
import { MCP_PATH, McpSessions } from './mcp/mcp-server.ts';

/** Each sim's MCP sessions, made at its first MCP request (the SDK is loaded with the sim either way). */
const mcpSessions = new WeakMap<SimContext, McpSessions>();

function mcpOf(sim: SimContext): McpSessions {
  let m = mcpSessions.get(sim);
  if (m === undefined) {
    m = new McpSessions();
    mcpSessions.set(sim, m);
  }
  return m;
}

/**
 * An incoming request with room for the body being gathered. Node builds
 * one per request through the server's `IncomingMessage` option.
 */
export class SimRequest extends IncomingMessage {
  sim: SimContext | null = null;
  res: ServerResponse | null = null;
  chunks: Buffer[] = [];
  bodySize = 0;
  startMs = 0;
  isTooLarge = false;

  constructor(socket: Socket) {
    super(socket);
  }
}

const RPC_PATH = '/api/v1/jsonrpc';
const JSON_TYPE = 'application/json';
const NOT_FOUND_REPLY = new RpcReply(404, Buffer.from('{"detail":"Not Found"}'), 0, 'not_found', '404');
const NOT_ALLOWED_REPLY = new RpcReply(405, Buffer.from('{"detail":"Method Not Allowed"}'), 0, 'not_allowed', '405');
// upstream's readiness probe always fails (its DB check is rejected by SQLAlchemy 2), so /ready is 503 there; the sim answers the same.
const NOT_READY_REPLY = new RpcReply(503, Buffer.from('{"detail":"Service not ready"}'), 0, 'health_ready', '503');
const LIVE_REPLY = new RpcReply(200, Buffer.from('{"status":"alive"}'), 0, 'health_live', '200');

function healthReply(): RpcReply {
  const body = { status: 'healthy', version: AGENTCORE_VERSION, timestamp: pyIsoNow(true), checks: { application: { status: 'healthy', details: 'Application is running' } } };
  return new RpcReply(200, JSON.stringify(body), 0, 'health', '200');
}

function restPingReply(): RpcReply {
  return new RpcReply(200, JSON.stringify({ pong: true, timestamp: pyIsoNow(true), service: 'agentcore-a2a-protocol' }), 0, 'rest_ping', '200');
}
/** Keep-alive long enough that virtual users with seconds of think time reuse their connections. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

function tooLargeReply(limit: number): RpcReply {
  return new RpcReply(413, Buffer.from(errorBody('null', RPC.INVALID_REQUEST, `payload too large: limit is ${limit} bytes`)),
    0, 'payload_too_large', '413');
}

function chaosReply(status: number): RpcReply {
  return new RpcReply(status, Buffer.from(errorBody('null', RPC.INTERNAL_ERROR, 'simulated server error (chaos)')),
    0, 'chaos', String(status));
}

/** Writes `reply` and records it. Called once per request, possibly from a timer. */
function deliverNow(req: SimRequest, reply: RpcReply): void {
  const res = req.res!;
  const sim = req.sim!;
  if (!res.destroyed) {
    const body = reply.body;
    if (body === null) {
      res.writeHead(reply.status);
      res.end();
    } else {
      const headers = ['content-type', JSON_TYPE, 'content-length',
        String(typeof body === 'string' ? Buffer.byteLength(body) : body.length)];
      if (reply.retryAfterSec > 0) headers.push('retry-after', String(reply.retryAfterSec));
      // After a 413 the rest of the oversized body is not worth reading: close once answered.
      if (reply.status === 413) headers.push('connection', 'close');
      res.writeHead(reply.status, headers);
      res.end(body);
    }
  }
  sim.metrics.recordRequest(reply.label, reply.code, (performance.now() - req.startMs) / 1000);
}

/** Holds the reply for the chaos latency, if any, then writes it. */
function deliver(req: SimRequest, reply: RpcReply): void {
  const chaos = req.sim!.chaos;
  if (chaos.isActive) {
    const delayMs = chaos.delayMs(performance.now());
    if (delayMs > 0) {
      setTimeout(deliverNow, delayMs, req, reply);
      return;
    }
  }
  deliverNow(req, reply);
}

/** Applies error/reset chaos before any work; returns true when the request was consumed by it. */
function tookChaos(req: SimRequest, errorReply: RpcReply): boolean {
  const sim = req.sim!;
  if (!sim.chaos.isActive) return false;
  if (sim.chaos.shouldReset()) {
    sim.metrics.recordRequest('chaos', 'reset', (performance.now() - req.startMs) / 1000);
    req.socket.resetAndDestroy();
    return true;
  }
  if (sim.chaos.shouldFail()) {
    deliver(req, errorReply);
    return true;
  }
  return false;
}

function onBodyData(this: SimRequest, chunk: Buffer): void {
  if (this.isTooLarge) return;
  this.bodySize += chunk.length;
  const limit = this.sim!.config.bodyLimitBytes;
  if (limit !== null && this.bodySize > limit) {
    this.isTooLarge = true;
    this.chunks.length = 0;
    deliverNow(this, tooLargeReply(limit));
    return;
  }
  this.chunks.push(chunk);
}

function onBodyEnd(this: SimRequest): void {
  if (this.isTooLarge) return;
  const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bodySize);
  this.chunks.length = 0;
  const sim = this.sim!;
  if (sim.chaos.isActive && tookChaos(this, chaosReply(sim.config.errorStatus))) return;
  const reply = sim.config.seedCompat ? routeRpc(sim, this, body) : routeA2a(sim, this, body, A2A_METHODS);
  if (reply instanceof Promise) void reply.then(deliver.bind(null, this)); // the routers never reject
  else deliver(this, reply);
}

function serveMetrics(req: SimRequest): void {
  const sim = req.sim!;
  const res = req.res!;
  sim.metrics.render().then((text) => {
    res.writeHead(200, ['content-type', sim.metrics.contentType, 'content-length', String(Buffer.byteLength(text))]);
    res.end(text);
    sim.metrics.recordRequest('metrics', '200', (performance.now() - req.startMs) / 1000);
  }, (err: unknown) => {
    res.writeHead(500, ['content-type', 'text/plain']);
    res.end(`metrics collection failed: ${String(err)}`);
  });
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function handleRequest(sim: SimContext, req: SimRequest, res: ServerResponse): void {
  req.startMs = performance.now();
  req.sim = sim;
  req.res = res;
  const path = pathOf(req.url ?? '/');
  const verb = req.method;
  if (path === RPC_PATH) {
    if (verb !== 'POST') return deliverNow(req, NOT_ALLOWED_REPLY);
    const declared = req.headers['content-length'];
    const limit = sim.config.bodyLimitBytes;
    if (limit !== null && declared !== undefined && Number(declared) > limit) {
      req.isTooLarge = true;
      return deliverNow(req, tooLargeReply(limit));
    }
    req.on('data', onBodyData);
    req.on('end', onBodyEnd);
    return;
  }
  if (path === '/api/v1/health') {
    if (verb !== 'GET') return deliverNow(req, NOT_ALLOWED_REPLY);
    if (sim.chaos.isActive && tookChaos(req, chaosReply(sim.config.errorStatus))) return;
    return deliver(req, healthReply());
  }
  if (path === '/api/v1/health/live' && verb === 'GET') return deliver(req, LIVE_REPLY);
  if (path === '/api/v1/health/ready' && verb === 'GET') return deliver(req, NOT_READY_REPLY);
  if (path === '/api/v1/jsonrpc/ping' && verb === 'POST') return deliver(req, restPingReply());
  if (path === '/api/v1/jsonrpc/methods' && verb === 'GET') {
    return deliver(req, new RpcReply(200, JSON.stringify({ methods: [...A2A_METHODS.keys()] }), 0, 'methods', '200'));
  }
  if (path === '/metrics' && verb === 'GET') return serveMetrics(req);
  if (isGatewayPath(path)) return serveGatewayRecorded(sim, req, res, path);
  // Beyond upstream (a documented option): an OpenAI-compatible streaming completion endpoint (stream/completions.ts).
  if (path === COMPLETIONS_PATH) return serveCompletion(req, res);
  // … and an MCP server on the official SDK (mcp/mcp-server.ts).
  if (path === MCP_PATH) return mcpOf(sim).serve(req, res);
  deliverNow(req, NOT_FOUND_REPLY);
}

function serveGatewayRecorded(sim: SimContext, req: SimRequest, res: ServerResponse, path: string): void {
  if (path === '/health' && sim.chaos.isActive && tookChaos(req, chaosReply(sim.config.errorStatus))) return;
  serveGateway(sim, req, res, path);
  sim.metrics.recordRequest('gateway', String(res.statusCode), (performance.now() - req.startMs) / 1000);
}

function handleGatewayOnly(sim: SimContext, req: SimRequest, res: ServerResponse): void {
  req.startMs = performance.now();
  req.sim = sim;
  req.res = res;
  const path = pathOf(req.url ?? '/');
  // The gateway serves Prometheus metrics too (its own upstream; here the sim's), exempt from its limits.
  if (path === '/metrics' && req.method === 'GET') return serveMetrics(req);
  serveGatewayRecorded(sim, req, res, path);
}

/**
 * Creates (does not start) the gateway-only server (config.gatewayPort): every
 * path is the gateway's, as on upstream's port 8080.
 */
export function createGatewayServer(sim: SimContext): Server<typeof SimRequest> {
  const server = createServer<typeof SimRequest>({ IncomingMessage: SimRequest, noDelay: true },
    (req, res) => handleGatewayOnly(sim, req, res));
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}

/**
 * Creates (does not start) the sim's HTTP server for `sim`. The caller
 * attaches the WebSocket upgrade handler and calls listen().
 */
export function createSimServer(sim: SimContext): Server<typeof SimRequest> {
  const server = createServer<typeof SimRequest>({ IncomingMessage: SimRequest, noDelay: true },
    (req, res) => handleRequest(sim, req, res));
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 5_000;
  return server;
}
