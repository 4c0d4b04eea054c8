/**
 * The `tool-rpc` engine: JSON-RPC 2.0 `call` and `batch` steps, POSTed to
 * `config.rpcPath` on a ClientPool timed out by the run's deadline service, the http
 * engine's transport (or sent over one WebSocket per VU with `transport: ws`),
 * each call classified ok / expected outcome / failed, with retries and
 * per-identifier quota accounting. See docs/engines/tool-rpc.md.
 */
import type { Deadlines, Engine, RunContext, StepCompileContext, StepInput, VirtualUser } from '../../engine/contracts.ts';
import type { Recorder } from '../../engine/contracts.ts';
import { ClientPool } from '../../engine/transport/client-pool.ts';
import { loadUndici, loadWs } from '../../engine/transport/network-libraries.ts';
import { parseDurationMs } from '../../engine/duration.ts';
import { QuotaAccounting } from './quota-accounting.ts';
import { compileRpcStep, DEFAULT_RPC_PATH, renderHeaders, type RpcStep } from './rpc-step.ts';
import { RpcSession } from './rpc-session.ts';
import { RpcWsConnection } from './ws-connection.ts';
import type { PendingRetry, RpcRuntime } from './rpc-request.ts';
import { DEFAULT_MAX_BODY_BYTES, maxBodyBytesOf } from '../../engine/transport/body-limit.ts';

const STEP_KEYS = ['call', 'batch'] as const;

interface Endpoint {
  readonly origin: string;
  readonly path: string;
  readonly wsUrl: string;
}

function endpoint(target: string, config: RunContext['config']): Endpoint {
  const u = new URL(target);
  const base = u.pathname.replace(/\/$/, '');
  const join = (p: unknown): string => {
    const s = String(p);
    return base + (s.startsWith('/') ? s : `/${s}`);
  };
  const path = join(config.rpcPath ?? DEFAULT_RPC_PATH);
  const ws = new URL(u.origin);
  ws.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.pathname = config.rpcWsPath === undefined ? path : join(config.rpcWsPath);
  return { origin: u.origin, path, wsUrl: ws.toString() };
}

/** See the module comment. One instance per run (builtinEngines makes fresh ones). */
/** Pool size when neither config.http.connections nor the plan's user count says more. */
const DEFAULT_RPC_CONNECTIONS = 128;

export class ToolRpcEngine implements Engine<RpcStep, RpcSession | null>, RpcRuntime {
  readonly id = 'tool-rpc';
  readonly stepKeys = STEP_KEYS;
  private sinkRef: Recorder | null = null;
  private accountingRef: QuotaAccounting | null = null;
  private pool: ClientPool | null = null;
  private deadlines: Deadlines | null = null;
  private ep: Endpoint | null = null;
  private readonly sockets = new Set<RpcWsConnection>();
  private tls: { rejectUnauthorized: false } | null = null;
  readonly retrying = new Set<PendingRetry>();
  private clock: () => number = () => 0;
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

  compileStep(key: string, step: StepInput, ctx: StepCompileContext): RpcStep {
    // Checked here, where a bad value gets its location; init reads the same value again.
    if (ctx.config.quotaWindow !== undefined) ctx.durationMs(ctx.config.quotaWindow, 'config.quotaWindow');
    return compileRpcStep(key, step, ctx);
  }

  async init(run: RunContext): Promise<void> {
    // Both: a call may go over HTTP (the pool opened below) or over a WebSocket (`transport: ws`).
    await Promise.all([loadUndici(), loadWs()]);
    this.sinkRef = run.sink;
    this.clock = run.nowUs;
    const w = run.config.quotaWindow;
    const window = typeof w === 'string' || typeof w === 'number' ? parseDurationMs(w) : null;
    this.accountingRef = new QuotaAccounting(run.sink, window === null ? Infinity : window * 1000);
    this.ep = endpoint(run.target, run.config);
    const http = (run.config.http ?? {}) as { connections?: number; pipelining?: number; tls?: { rejectUnauthorized?: unknown } };
    // Bounded like the http engine's pools (see there): one connection per possible VU, at least 128.
    const connections = http.connections ?? Math.max(DEFAULT_RPC_CONNECTIONS, run.concurrencyHint ?? 0);
    // config.http.tls (or --insecure) applies to calls over HTTPS and wss:// as to the http engine's requests.
    const tls = http.tls?.rejectUnauthorized === false ? { rejectUnauthorized: false as const } : null;
    this.tls = tls;
    this.pool = new ClientPool(this.ep.origin, connections, http.pipelining ?? 1, 30_000, tls);
    this.deadlines = run.deadlines;
    this.maxBodyBytes = maxBodyBytesOf(run.config);
  }

  get sink(): Recorder {
    return this.sinkRef!;
  }

  get accounting(): QuotaAccounting {
    return this.accountingRef!;
  }

  nowUs(): number {
    return this.clock();
  }

  openSession(vu: VirtualUser<RpcSession | null>): RpcSession {
    return new RpcSession(vu, this);
  }

  runStep(step: RpcStep, vu: VirtualUser<RpcSession | null>): void {
    vu.session!.begin(step);
  }

  sendHttp(session: RpcSession, body: Buffer): void {
    const opts = session.dispatchOpts;
    opts.path = this.ep!.path;
    opts.headers = session.headers;
    opts.body = body;
    session.trackFlight(this.deadlines!, session.step!.timeoutMs, session.sentUs);
    try {
      this.pool!.dispatch(opts, session);
    } catch (e) {
      session.onError(e as Error);
    }
  }

  sendWs(session: RpcSession, body: Buffer): void {
    let ws = session.ws;
    if (ws === null) {
      // Headers go out once, at the upgrade: those of the step that opens the socket, rendered for this user.
      const list = renderHeaders(session.step!.headers, session.vu.vars);
      const headers: Record<string, string> = {};
      for (let i = 2; i + 1 < list.length; i += 2) headers[list[i]!] = list[i + 1]!;
      ws = new RpcWsConnection(this.ep!.wsUrl, headers, session, this.sinkRef!, this.deadlines!, this.tls);
      session.ws = ws;
      this.sockets.add(ws);
    }
    ws.send(body, session.step!.timeoutMs);
  }

  closeSession(vu: VirtualUser<RpcSession | null>): void {
    const s = vu.session;
    if (s === null) return;
    s.close();
    if (s.ws !== null) {
      s.ws.close();
      this.sockets.delete(s.ws);
      s.ws = null;
    }
  }

  async close(): Promise<void> {
    for (const s of [...this.retrying]) s.abandonRetry();
    for (const ws of this.sockets) ws.abandon();
    this.sockets.clear();
    const p = this.pool;
    this.pool = null;
    await p?.destroy().catch(() => {});
  }
}
