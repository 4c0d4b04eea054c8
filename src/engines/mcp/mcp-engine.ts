/**
 * The `mcp` engine: virtual users as MCP clients over the Streamable HTTP
 * transport. A VU's first MCP step opens its session (`initialize`, the
 * server's `Mcp-Session-Id`, `notifications/initialized`); its steps send
 * tools/list, tools/call, resources/read, prompts/get …; its end sends DELETE.
 * Answers come as JSON or as an SSE stream (mcp-answer.ts).
 *
 * Classification is tool-rpc's (src/engine/checks/jsonrpc-verdict.ts): a
 * JSON-RPC error is `rpc_<code>` unless the plan names it (-32001 →
 * rate_limited, -32005 → quota_exceeded by default). On top, a tools/call
 * result with `isError: true` fails as `tool_error`, its text logged (the
 * first MAX_TOOL_ERROR_LOGS of the run).
 *
 * Transport: undici's Agent, not the SDK's client: see docs/decisions.md
 * ("MCP hot path"), measured in bench/mcp.ts.
 */
import type { Agent, Dispatcher } from 'undici';
import type { Deadlines, Engine, RunContext, StepCompileContext, StepInput, VirtualUser } from '../../engine/contracts.ts';
import { classifySingle, DEFAULT_RPC_OUTCOMES, EXPECTED, OK, type RpcRules } from '../../engine/checks/jsonrpc-verdict.ts';
import { transportReason } from '../../engine/metrics/transport-reason.ts';
import { MCP_SESSIONS, MCP_SESSIONS_CLOSED, MCP_SESSIONS_FAILED, MCP_SESSIONS_OPENED } from '../../engine/metrics/names.ts';
import { isRunEnded, runEndedError } from '../../engine/transport/run-ended-error.ts';
import { compileMcpStep, MCP_METHODS, type McpStep } from './mcp-step.ts';
import { readAnswer } from './mcp-answer.ts';
import { McpSession } from './mcp-session.ts';
import { RequestDeadline } from './request-deadline.ts';

/** The protocol version offered in initialize (the server may answer another it supports). */
export const MCP_PROTOCOL_VERSION = '2025-06-18';
const MAX_TOOL_ERROR_LOGS = 10;
const DEFAULT_CONNECTIONS = 128;
const CLOSE_WAIT_MS = 2_000;
const INIT_RULES: RpcRules = { checks: null, outcomes: DEFAULT_RPC_OUTCOMES };

type Sink = RunContext['sink'];

/**
 * A 4xx/5xx whose body is no JSON-RPC message (a proxy's or framework's error page, `{"detail":"Not Found"}`)
 * and whose status the plan does not name: the status is the cause, not the envelope.
 */
function isHttpFailure(rules: RpcRules, status: number, doc: unknown): boolean {
  if (status < 400 || rules.outcomes.byStatus.has(status)) return false;
  return doc === null || typeof doc !== 'object' || (doc as { jsonrpc?: unknown }).jsonrpc !== '2.0';
}

/** See the module comment. */
export class McpEngine implements Engine<McpStep, McpSession | null> {
  readonly id = 'mcp';
  readonly stepKeys = Object.keys(MCP_METHODS);
  /** closeSession's DELETE carries the session id only, never the VU: a closed VU is never touched again. */
  readonly releasesVuOnClose = true;
  private agent: Agent | null = null;
  private endpoint: URL | null = null;
  private sink: Sink | null = null;
  private nowUs: () => number = () => 0;
  private deadlines: Deadlines | null = null;
  private extraHeaders: Record<string, string> = {};
  private initHandle = 0;
  private initializedHandle = 0;
  private deleteHandle = 0;
  private toolErrorLogs = 0;
  private readonly deletes = new Set<Promise<void>>();

  compileStep(key: string, step: StepInput, ctx: StepCompileContext): McpStep {
    return compileMcpStep(key, step, ctx);
  }

  async init(run: RunContext): Promise<void> {
    const cfg = (run.config.mcp ?? {}) as { path?: string; headers?: Record<string, string> };
    this.endpoint = new URL(cfg.path ?? '/mcp', run.target);
    this.extraHeaders = { ...(cfg.headers ?? {}) };
    this.sink = run.sink;
    this.nowUs = run.nowUs;
    this.deadlines = run.deadlines;
    this.initHandle = run.sink.handle('initialize', { mcp: 'initialize' });
    this.initializedHandle = run.sink.handle('notifications/initialized', { mcp: 'notifications/initialized' });
    this.deleteHandle = run.sink.handle('DELETE session', { mcp: 'DELETE' });
    const http = (run.config.http ?? {}) as { connections?: number };
    // Loaded here, not at the top: `validate` and plans without MCP steps never load undici for it.
    const { Agent } = await import('undici');
    this.agent = new Agent({ connections: http.connections ?? Math.max(DEFAULT_CONNECTIONS, run.concurrencyHint ?? 0), headersTimeout: 0, bodyTimeout: 0 });
  }

  openSession(vu: VirtualUser<McpSession | null>): McpSession {
    return new McpSession(vu);
  }

  runStep(step: McpStep, vu: VirtualUser<McpSession | null>): void {
    void this.run(step, vu.session!);
  }

  closeSession(vu: VirtualUser<McpSession | null>): void {
    const s = vu.session;
    vu.session = null;
    if (s === null || !s.isInitialized) return;
    s.isInitialized = false;
    this.sink!.gaugeAdd(MCP_SESSIONS, -1);
    this.sink!.add(MCP_SESSIONS_CLOSED);
    if (s.sessionId === null) return;
    const p = this.sendDelete(s.sessionId, s.protocolVersion);
    this.deletes.add(p);
    void p.then(() => this.deletes.delete(p));
  }

  async close(): Promise<void> {
    if (this.deletes.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.deletes), new Promise((r) => { timer = setTimeout(r, CLOSE_WAIT_MS); })]);
      clearTimeout(timer);
    }
    await this.agent?.destroy(runEndedError());
  }

  /** One step, start to outcome; never throws. */
  private async run(step: McpStep, s: McpSession): Promise<void> {
    const vu = s.vu;
    const sink = this.sink!;
    let startUs = vu.scheduledUs;
    if (!s.isInitialized) {
      if (!s.hasFailed) await this.initialize(s);
      if (!s.isInitialized) {
        sink.failed(step.handle, 'no_session');
        return vu.resume();
      }
      // The session's opening is measured under `initialize`; the call runs from its own send.
      startUs = this.nowUs();
    }
    const id = s.nextId++;
    const params = step.params === null ? undefined : step.params.render(vu.vars);
    const deadline = new RequestDeadline(this.deadlines!, step.timeoutMs);
    try {
      const res = await this.post(s, { jsonrpc: '2.0', id, method: step.method, params }, deadline.signal);
      s.headers = res.headers;
      const answer = await readAnswer(res, id);
      sink.recordLatency(step.handle, this.nowUs() - startUs);
      sink.status(step.handle, res.statusCode);
      // The server forgot the session (restart, expiry): the next step opens a new one, as the spec asks.
      if (res.statusCode === 404 && s.sessionId !== null) this.forget(s);
      this.settle(step, s, res.statusCode, answer.doc, answer.failure, id);
    } catch (err) {
      if (isRunEnded(err)) sink.abandoned(step.handle);
      else {
        const reason = (err as Error).name === 'TimeoutError' ? 'timeout' : transportReason(err);
        if (reason === 'timeout') sink.recordLatency(step.handle, this.nowUs() - startUs);
        sink.failed(step.handle, reason, err as Error);
      }
    }
    deadline.end();
    vu.resume();
  }

  private settle(step: McpStep, s: McpSession, status: number, doc: unknown, failure: string | null, id: number): void {
    const sink = this.sink!;
    const v = s.verdict;
    if (failure !== null) v.fail(failure);
    else if (isHttpFailure(step, status, doc)) v.fail(`http_${status}`);
    else classifySingle(step, doc, status, id, s, s.vu.vars, v);
    s.message = undefined;
    if (v.kind === OK && step.isToolCall) {
      const result = (doc as { result?: { isError?: unknown; content?: Array<{ text?: unknown }> } }).result;
      if (result?.isError === true) {
        v.fail('tool_error');
        if (this.toolErrorLogs++ < MAX_TOOL_ERROR_LOGS) {
          const text = (result.content ?? []).map((c) => (typeof c.text === 'string' ? c.text : '')).join(' ').slice(0, 200);
          s.vu.log(`mcp: ${step.method} failed with isError: ${text}`);
        }
      }
    }
    if (v.kind === OK) sink.ok(step.handle);
    else if (v.kind === EXPECTED) sink.expected(step.handle, v.name);
    else sink.failed(step.handle, v.name);
  }

  /** initialize → session id → notifications/initialized. Records under `initialize`; never throws. */
  private async initialize(s: McpSession): Promise<void> {
    const sink = this.sink!;
    const h = this.initHandle;
    const id = s.nextId++;
    const params = { protocolVersion: MCP_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'agentload', version: '0.1.0' } };
    const deadline = new RequestDeadline(this.deadlines!, 10_000);
    try {
      const res = await this.post(s, { jsonrpc: '2.0', id, method: 'initialize', params }, deadline.signal);
      const answer = await readAnswer(res, id);
      deadline.end();
      sink.recordLatency(h, this.nowUs() - s.vu.scheduledUs);
      sink.status(h, res.statusCode);
      const v = s.verdict;
      if (answer.failure !== null) v.fail(answer.failure);
      else if (isHttpFailure(INIT_RULES, res.statusCode, answer.doc)) v.fail(`http_${res.statusCode}`);
      else classifySingle(INIT_RULES, answer.doc, res.statusCode, id, s, s.vu.vars, v);
      if (v.kind !== OK) {
        if (v.kind === EXPECTED) sink.expected(h, v.name);
        else sink.failed(h, v.name);
        return this.failSession(s);
      }
      sink.ok(h);
      const sid = res.headers['mcp-session-id'];
      s.sessionId = typeof sid === 'string' && sid !== '' ? sid : null;
      const version = (answer.doc as { result?: { protocolVersion?: unknown } }).result?.protocolVersion;
      s.protocolVersion = typeof version === 'string' ? version : MCP_PROTOCOL_VERSION;
      s.isInitialized = true;
      sink.add(MCP_SESSIONS_OPENED);
      sink.gaugeAdd(MCP_SESSIONS, 1);
      await this.notifyInitialized(s);
    } catch (err) {
      deadline.end();
      if (isRunEnded(err)) return void sink.abandoned(h);
      sink.failed(h, (err as Error).name === 'TimeoutError' ? 'timeout' : transportReason(err), err as Error);
      this.failSession(s);
    }
  }

  private async notifyInitialized(s: McpSession): Promise<void> {
    const h = this.initializedHandle;
    const t0 = this.nowUs();
    const deadline = new RequestDeadline(this.deadlines!, 10_000);
    let res: Dispatcher.ResponseData;
    try {
      res = await this.post(s, { jsonrpc: '2.0', method: 'notifications/initialized' }, deadline.signal);
      await res.body.dump();
    } finally {
      deadline.end();
    }
    this.sink!.recordLatency(h, this.nowUs() - t0);
    this.sink!.status(h, res.statusCode);
    if (res.statusCode < 300) this.sink!.ok(h);
    else this.sink!.failed(h, `http_${res.statusCode}`);
  }

  private failSession(s: McpSession): void {
    s.hasFailed = true;
    this.sink!.add(MCP_SESSIONS_FAILED);
  }

  private forget(s: McpSession): void {
    s.isInitialized = false;
    s.sessionId = null;
    this.sink!.gaugeAdd(MCP_SESSIONS, -1);
  }

  private post(s: McpSession, message: unknown, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = {
      ...this.extraHeaders,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    if (s.sessionId !== null) headers['mcp-session-id'] = s.sessionId;
    if (s.protocolVersion !== '') headers['mcp-protocol-version'] = s.protocolVersion;
    const url = this.endpoint!;
    return this.agent!.request({
      origin: url.origin, path: url.pathname + url.search, method: 'POST', headers, body: JSON.stringify(message), signal,
    });
  }

  /** DELETE at the session's end; 405 (a server that does not let clients end sessions) is fine too. */
  private async sendDelete(sessionId: string, version: string): Promise<void> {
    const sink = this.sink!;
    const h = this.deleteHandle;
    const t0 = this.nowUs();
    const url = this.endpoint!;
    const deadline = new RequestDeadline(this.deadlines!, 10_000);
    try {
      const res = await this.agent!.request({
        origin: url.origin, path: url.pathname + url.search, method: 'DELETE',
        headers: { ...this.extraHeaders, 'mcp-session-id': sessionId, 'mcp-protocol-version': version }, signal: deadline.signal,
      });
      await res.body.dump();
      sink.recordLatency(h, this.nowUs() - t0);
      sink.status(h, res.statusCode);
      if (res.statusCode < 300 || res.statusCode === 405) sink.ok(h);
      else sink.failed(h, `http_${res.statusCode}`);
    } catch (err) {
      if (isRunEnded(err)) sink.abandoned(h);
      else sink.failed(h, transportReason(err), err as Error);
    }
    deadline.end();
  }
}
