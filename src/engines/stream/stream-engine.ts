/**
 * The `stream` engine: `stream` steps that read a server's answer as it
 * arrives (SSE, NDJSON or raw chunks) and measure what users feel of it:
 * time to first byte and token, every gap between tokens, time per output
 * token, tokens per stream and per second, goodput. Its own engine rather
 * than part of http: see docs/decisions.md ("stream is its own engine").
 *
 * Transport: one undici Agent for the run, `request()` with the body read as
 * an async iterator (a stream's cost is its many chunks, not the request).
 * Deadlines: each stream in flight is on the run's deadline service, which
 * aborts those past `timeout` (no first token), `maxDuration` or `maxGap`.
 */
import type { Agent } from 'undici';
import type { Deadlines, Engine, RunContext, StepCompileContext, StepInput, VirtualUser } from '../../engine/contracts.ts';
import { transportReason } from '../../engine/metrics/transport-reason.ts';
import { isRunEnded, runEndedError } from '../../engine/transport/run-ended-error.ts';
import { compileStreamStep, type StreamStep } from './stream-step.ts';
import { StreamFlight } from './stream-flight.ts';

const DEFAULT_CONNECTIONS = 128;

function ignore(): void {}

/** What the engine keeps per VU: nothing yet (a stream is one request); the slot exists for the runner. */
type StreamSession = null;

/** See the module comment. */
export class StreamEngine implements Engine<StreamStep, StreamSession> {
  readonly id = 'stream';
  readonly stepKeys = ['stream'] as const;
  /** A stream resumes its VU before the flow can end, and the session holds nothing: a closed VU is never touched again. */
  readonly releasesVuOnClose = true;
  private agent: Agent | null = null;
  private target = '';
  private sink: RunContext['sink'] | null = null;
  private nowUs: () => number = () => 0;
  private readonly active = new Set<StreamFlight>();
  private deadlines: Deadlines | null = null;
  private isClosed = false;

  compileStep(_key: string, step: StepInput, ctx: StepCompileContext): StreamStep {
    return compileStreamStep(step, ctx);
  }

  async init(run: RunContext): Promise<void> {
    this.target = run.target;
    this.sink = run.sink;
    this.nowUs = run.nowUs;
    this.deadlines = run.deadlines;
    const http = (run.config.http ?? {}) as { connections?: number };
    // Loaded here, not at the top: `validate` and plans without stream steps never load undici for it.
    const { Agent } = await import('undici');
    this.agent = new Agent({ connections: http.connections ?? Math.max(DEFAULT_CONNECTIONS, run.concurrencyHint ?? 0), headersTimeout: 0, bodyTimeout: 0 });
  }

  openSession(_vu: VirtualUser<StreamSession>): StreamSession {
    return null;
  }

  runStep(step: StreamStep, vu: VirtualUser): void {
    void this.run(step, vu);
  }

  closeSession(vu: VirtualUser<StreamSession>): void {
    vu.session = null;
  }

  async close(): Promise<void> {
    this.isClosed = true;
    for (const f of this.active) {
      f.unwatch();
      f.controller.abort(runEndedError());
    }
    await this.agent?.destroy(runEndedError());
  }

  /** One stream, start to outcome; never throws (a failure is an outcome). */
  private async run(step: StreamStep, vu: VirtualUser): Promise<void> {
    const flight = new StreamFlight(step, vu, this.sink!, this.nowUs, this.deadlines!);
    this.active.add(flight);
    flight.watch();
    let isAbandoned = false;
    try {
      const vars = vu.vars;
      const url = new URL(step.url.render(vars), this.target);
      const headers: Record<string, string> = {};
      for (const [k, t] of step.headers) headers[k] = t.render(vars);
      const body = step.json !== null ? JSON.stringify(step.json.render(vars)) : step.body !== null ? step.body.render(vars) : null;
      const res = await this.agent!.request({
        origin: url.origin, path: url.pathname + url.search, method: step.method, headers, body, signal: flight.controller.signal,
      });
      if (!flight.onHeaders(res.statusCode, res.headers)) {
        // Not worth reading (a status or a content type that fails the stream): a bounded drain, then the socket goes.
        res.body.dump({ limit: 64 * 1024 }).catch(ignore);
      } else {
        for await (const chunk of res.body) if (!flight.onChunk(chunk as Buffer)) break;
        flight.onEnd();
      }
    } catch (err) {
      const cause = flight.controller.signal.reason as unknown;
      if (isRunEnded(err) || isRunEnded(cause)) isAbandoned = true;
      else flight.onError(err instanceof TypeError && flight.abortReason === null ? 'bad_url' : transportReason(err));
    }
    this.active.delete(flight);
    flight.unwatch();
    if (isAbandoned) this.sink!.abandoned(step.handle);
    else flight.settle();
    vu.resume();
  }
}
