/**
 * The HTTP gateway's own routes (upstream src/gateway, port 8080): health,
 * live, ready, /auth/token, /auth/me, /realtime/stats, /realtime/health and
 * the realtime SSE stream, behind its rate limiter (gateway-state.ts).
 * /health and /metrics are exempt from limiting, as upstream.
 *
 * Served on the sim's own port for the paths below (the A2A service has no
 * such paths), or alone on `gatewayPort`, where every path is limited and
 * unknown ones get 404, as on upstream's 8080. It never proxies JSON-RPC:
 * neither does upstream's.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AGENTCORE_VERSION } from '../a2a/rpc-methods.ts';
import { pyIsoNow } from '../a2a/py-format.ts';
import type { SimContext } from '../sim-context.ts';
import { DEMO_USERS, type LimitVerdict } from './gateway-state.ts';
import { serveSse } from './realtime-sse.ts';

const ROUTES = new Set(['/health', '/live', '/ready', '/auth/token', '/auth/me', '/realtime/stats', '/realtime/health', '/realtime/events']);

/** True when `path` is one of the gateway's routes (used on the shared port). */
export function isGatewayPath(path: string): boolean {
  return ROUTES.has(path);
}

function isExempt(path: string): boolean {
  return path.startsWith('/health') || path.startsWith('/metrics') || path.startsWith('/.well-known/');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function limitHeaders(verdicts: LimitVerdict[]): Record<string, string> {
  const worst = verdicts.reduce((a, b) => (b.remaining / b.limit < a.remaining / a.limit ? b : a));
  const h: Record<string, string> = {
    'x-ratelimit-limit': String(worst.limit), 'x-ratelimit-remaining': String(worst.remaining),
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60), 'x-ratelimit-type': worst.type,
  };
  if (!worst.isAllowed) h['retry-after'] = String(worst.retryAfterSec);
  return h;
}

/** upstream's answer when a limit refuses the request, or null to go on. */
function refusal(res: ServerResponse, verdicts: LimitVerdict[]): boolean {
  if (verdicts[0]!.type === 'ddos') {
    send(res, 429, { error: { code: 'DDOS_PROTECTION', message: 'Request blocked by DDoS protection', threat_level: 'medium', reasons: ['IP rate limit exceeded'] } }, { 'retry-after': '60' });
    return true;
  }
  const blocked = verdicts.filter((v) => !v.isAllowed);
  if (blocked.length === 0) return false;
  const worst = blocked.reduce((a, b) => (b.retryAfterSec < a.retryAfterSec ? b : a));
  const what = worst.type === 'endpoint' ? 'endpoint' : 'client_ip';
  send(res, 429, { error: { code: 'RATE_LIMIT_EXCEEDED', message: `Rate limit exceeded for ${what}`, limit: worst.limit, retry_after: worst.retryAfterSec } },
    { ...limitHeaders(verdicts), 'retry-after': String(worst.retryAfterSec) });
  return true;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
  });
}

function unauthorized(res: ServerResponse, detail: string, headers: Record<string, string>): void {
  send(res, 401, { detail }, { ...headers, 'www-authenticate': 'Bearer' });
}

async function token(sim: SimContext, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
  const body = await readJson(req);
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b['grant_type'] !== 'string') {
    return send(res, 422, { detail: [{ type: 'missing', loc: ['body', 'grant_type'], msg: 'Field required', input: body ?? null }] }, headers);
  }
  const user = DEMO_USERS.find((u) => u.username === b['username'] && u.password === b['password']);
  if (user === undefined) return unauthorized(res, 'Invalid username or password', headers);
  send(res, 200, { access_token: sim.gateway.issueToken(user), token_type: 'Bearer', expires_in: 3600, refresh_token: sim.gateway.issueToken(user), scope: null }, headers);
}

function me(sim: SimContext, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
  const auth = req.headers.authorization ?? '';
  if (!/^bearer /i.test(auth)) return unauthorized(res, 'Missing authentication token', headers);
  const tok = auth.slice(7).trim();
  const user = sim.gateway.tokens.get(tok);
  if (user === undefined) {
    return unauthorized(res, `Invalid or expired token: ${tok.split('.').length === 3 ? 'Signature verification failed.' : 'Not enough segments'}`, headers);
  }
  const now = new Date().toISOString().slice(0, -1) + '000Z';
  send(res, 200, { id: user.id, username: user.username, email: null, roles: user.roles, is_active: true, metadata: {}, created_at: now, updated_at: now }, headers);
}

/** upstream's realtime counters shape. */
export function realtimeStats(sim: SimContext): Record<string, unknown> {
  const g = sim.gateway;
  const total = g.sseConnections + g.wsConnections;
  return {
    connection_pool: { total_connections: total, websocket_connections: g.wsConnections, sse_connections: g.sseConnections, active_clients: total, active_users: 0, max_connections: 10000, utilization: total / 10000 },
    event_bus: { events_published: 0, events_processed: 0, subscribers_count: total, queue_size: 0, topics_count: 0, event_types_count: 0 },
    subscriptions: { total_subscriptions: total, active_clients: total },
  };
}

function health(res: ServerResponse): void {
  // Upstream answers "unhealthy" here because it probes the A2A service at a path that service does not serve; the sim reports what it is.
  const ok = { status: 'healthy', details: 'simulated' };
  send(res, 200, { status: 'healthy', version: AGENTCORE_VERSION, timestamp: pyIsoNow(true), checks: { redis: ok, a2a_protocol: ok, agent_runtime: ok } });
}

/**
 * Serves one gateway request (any path when `isGatewayOnly`, else only
 * isGatewayPath ones). Returns once the answer is under way.
 */
export function serveGateway(sim: SimContext, req: IncomingMessage, res: ServerResponse, path: string): void {
  let headers: Record<string, string> = {};
  if (!isExempt(path)) {
    const verdicts = sim.gateway.check(req.socket.remoteAddress ?? '', `${req.method}:${path}`, Date.now());
    if (verdicts !== null) {
      if (refusal(res, verdicts)) return;
      headers = limitHeaders(verdicts);
    }
  }
  const verb = req.method;
  if (path === '/health' && verb === 'GET') return health(res);
  if (path === '/live' && verb === 'GET') return send(res, 200, { status: 'alive' }, headers);
  if (path === '/ready' && verb === 'GET') return send(res, 200, { status: 'ready', ready: true, checks: { critical_dependencies: true } }, headers);
  if (path === '/auth/token' && verb === 'POST') return void token(sim, req, res, headers);
  if (path === '/auth/me' && verb === 'GET') return me(sim, req, res, headers);
  if (path === '/realtime/stats' && verb === 'GET') return send(res, 200, realtimeStats(sim), headers);
  if (path === '/realtime/health' && verb === 'GET') return send(res, 200, { status: 'healthy', issues: [], ...realtimeStats(sim) }, headers);
  if (path === '/realtime/events' && verb === 'GET') return serveSse(sim, req, res, headers);
  if (ROUTES.has(path)) return send(res, 405, { detail: 'Method Not Allowed' }, headers);
  send(res, 404, { detail: 'Not Found' }, headers);
}
