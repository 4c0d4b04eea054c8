/**
 * The HTTP gateway's state for one sim: issued tokens (demo users, as
 * upstream hard-codes them), the sliding windows of its rate limiter, and
 * realtime connection counters.
 *
 * Rate limiting follows upstream's middleware order: the DDoS check per IP
 * and second (429 DDOS_PROTECTION), then per client IP and per method+path
 * windows of 60 s (429 RATE_LIMIT_EXCEEDED); headers report the most
 * restrictive window (lowest remaining/limit). Upstream's DDoS and client-IP
 * checks bump one shared counter `ipCostPerRequest` times per request.
 */

import { randomUUID } from 'node:crypto';
import type { GatewayLimitConfig } from '../sim-config.ts';

/** A demo user: upstream's hard-coded admin/user/service accounts. */
export interface GatewayUser {
  id: string;
  username: string;
  password: string;
  roles: string[];
}

/** upstream's demo accounts (gateway/routes/auth.py). */
export const DEMO_USERS: readonly GatewayUser[] = [
  { id: '00000000-0000-0000-0000-000000000001', username: 'admin', password: 'admin123', roles: ['admin'] },
  { id: '00000000-0000-0000-0000-000000000002', username: 'user', password: 'user123', roles: ['user'] },
  { id: '00000000-0000-0000-0000-000000000003', username: 'service', password: 'service123', roles: ['service'] },
];

/** One check's verdict, in upstream's terms. */
export interface LimitVerdict {
  type: 'client_ip' | 'endpoint' | 'ddos';
  limit: number;
  remaining: number;
  retryAfterSec: number;
  isAllowed: boolean;
}

/** Timestamps (ms) of the hits in the last window, oldest first. Small: bounded by the limit. */
class Window {
  hits: number[] = [];
  count(nowMs: number, spanMs: number): number {
    const cutoff = nowMs - spanMs;
    let drop = 0;
    while (drop < this.hits.length && this.hits[drop]! <= cutoff) drop++;
    if (drop > 0) this.hits.splice(0, drop);
    return this.hits.length;
  }
}

const MINUTE_MS = 60_000;

/** Gateway state; single-threaded. */
export class GatewayState {
  readonly tokens = new Map<string, GatewayUser>();
  sseConnections = 0;
  wsConnections = 0;
  private readonly windows = new Map<string, Window>();
  private readonly sweep: NodeJS.Timeout;

  constructor(readonly limits: GatewayLimitConfig | null) {
    // Forget idle windows once a minute so many distinct paths cannot grow the map forever.
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const [k, w] of this.windows) if (w.count(now, MINUTE_MS) === 0) this.windows.delete(k);
    }, MINUTE_MS);
    this.sweep.unref();
  }

  private window(key: string): Window {
    let w = this.windows.get(key);
    if (w === undefined) this.windows.set(key, (w = new Window()));
    return w;
  }

  /**
   * Counts one request from `ip` to `endpoint` ("GET:/path") and returns the
   * verdicts (DDoS first). Null when limits are off. Called once per request.
   */
  check(ip: string, endpoint: string, nowMs: number): LimitVerdict[] | null {
    const l = this.limits;
    if (l === null) return null;
    const ipWin = this.window('ip:' + ip);
    const perSec = ipWin.count(nowMs, 1000) === 0 ? 0 : ipWin.hits.filter((t) => t > nowMs - 1000).length;
    if (perSec + l.ipCostPerRequest > l.ipPerSec) {
      return [{ type: 'ddos', limit: l.ipPerSec, remaining: 0, retryAfterSec: 60, isAllowed: false }];
    }
    const ipUsed = ipWin.count(nowMs, MINUTE_MS);
    const epWin = this.window('ep:' + endpoint);
    const epUsed = epWin.count(nowMs, MINUTE_MS);
    const retry = (w: Window): number => Math.max(1, Math.ceil((w.hits[0]! + MINUTE_MS - nowMs) / 1000));
    const ipOk = ipUsed + l.ipCostPerRequest <= l.ipPerMin;
    const epOk = epUsed < l.endpointPerMin;
    if (ipOk && epOk) {
      for (let i = 0; i < l.ipCostPerRequest; i++) ipWin.hits.push(nowMs);
      epWin.hits.push(nowMs);
    }
    return [
      { type: 'client_ip', limit: l.ipPerMin, remaining: Math.max(0, l.ipPerMin - ipWin.hits.length), retryAfterSec: ipOk ? 0 : retry(ipWin), isAllowed: ipOk },
      { type: 'endpoint', limit: l.endpointPerMin, remaining: Math.max(0, l.endpointPerMin - epWin.hits.length), retryAfterSec: epOk ? 0 : retry(epWin), isAllowed: epOk },
    ];
  }

  /** Issues an access token for `user` (opaque to clients; JWT-shaped like upstream's). */
  issueToken(user: GatewayUser): string {
    const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: user.id, username: user.username, roles: user.roles, jti: randomUUID(), iss: 'agentcore-gateway', aud: 'agentcore-api' })}.${randomUUID().replace(/-/g, '')}`;
    this.tokens.set(token, user);
    return token;
  }

  /** Stops the sweep timer. */
  close(): void {
    clearInterval(this.sweep);
  }
}
