/**
 * `--dashboard [host:]port`: a live page of the run, served by agentload
 * itself (no CDN). Loaded only when the flag is given. Binds 127.0.0.1
 * unless a host is given; bound elsewhere, a random token (printed on the
 * console) is required to open the page, its events and the Stop button.
 *
 *   GET  /        the page (dashboard-page.ts)
 *   GET  /events  SSE: a page opened mid-run first gets the latest status and
 *                 the view over every interval so far, then live events
 *   POST /stop    ends the run the way Ctrl-C does (SIGINT to this process),
 *                 so reports are written
 *
 * The server closes after onEnd has sent the `end` event (with the verdict
 * and the whole HTML report, which the page offers as a download).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ExpectationResult, IntervalSnapshot, Reporter, RunInfo, RunResult } from '../../engine/contracts.ts';
import type { LiveStatus } from '../../engine/metrics/live-status.ts';
import { dashboardPage } from './dashboard-page.ts';
import { finalView, liveView } from './dashboard-view.ts';
import { renderHtml } from '../html-reporter.ts';

/** Where to listen, what to print, and how Stop ends the run. */
export interface DashboardOptions {
  readonly host: string;
  readonly port: number;
  readonly planFile: string;
  readonly log: (line: string) => void;
  /** What Stop does; the CLI sends itself SIGINT, so Stop is Ctrl-C. */
  readonly stop: () => void;
  /** The end-of-run verdict line (run-verdict.ts), for the page's banner. */
  readonly verdict: (result: RunResult) => string;
  /** Expectations and generator health so far, at each interval (the CLI's dashboard-judge.ts); absent = none shown. */
  readonly judge?: (intervals: readonly IntervalSnapshot[], elapsedMs: number) => LiveJudgement;
}

/** What the judge says at an interval. */
export interface LiveJudgement {
  readonly expectations: readonly ExpectationResult[];
  /** One line of generator health. */
  readonly generator: string;
  /** The saturation warning, or null while the generator keeps up. */
  readonly warning: string | null;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** See the module comment. */
export class DashboardReporter implements Reporter {
  readonly id = 'dashboard';
  private server: Server | null = null;
  private readonly clients = new Set<ServerResponse>();
  private readonly token: string | null;
  private info: RunInfo | null = null;
  private readonly intervals: IntervalSnapshot[] = [];
  private lastStatus: LiveStatus | null = null;
  private lastView: string | null = null;

  constructor(private readonly o: DashboardOptions) {
    this.token = LOOPBACK.has(o.host) ? null : randomBytes(16).toString('hex');
  }

  /** `http://host:port/` (with the token when one is needed), once listening. */
  get url(): string | null {
    const a = this.server?.address() as AddressInfo | null | undefined;
    if (!a) return null;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}/${this.token === null ? '' : `?token=${this.token}`}`;
  }

  async init(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () => resolve());
    });
    this.server = server;
    this.o.log(`agentload: live dashboard at ${this.url}`);
  }

  onStart(info: RunInfo): void {
    this.info = info;
  }

  onTick(status: LiveStatus): void {
    this.lastStatus = status;
    this.send('status', JSON.stringify(status));
  }

  onInterval(s: IntervalSnapshot): void {
    this.intervals.push(s);
    if (this.info === null) return;
    this.lastView = JSON.stringify(liveView(this.info, this.intervals, s.endMs, this.o.judge?.(this.intervals, s.endMs) ?? null));
    this.send('view', this.lastView);
  }

  async onEnd(result: RunResult): Promise<void> {
    try {
      this.lastView = JSON.stringify(finalView(result));
      this.send('view', this.lastView);
      this.send('end', JSON.stringify({ verdict: this.o.verdict(result), report: renderHtml(result) }));
    } finally {
      // Closed even when the final view cannot be built: a listening server would keep the process alive.
      for (const c of this.clients) c.end();
      this.clients.clear();
      const server = this.server;
      this.server = null;
      if (server !== null) await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
    }
  }

  private isAllowed(req: IncomingMessage): boolean {
    if (this.token === null) return true;
    const given = Buffer.from(new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '');
    const want = Buffer.from(this.token);
    return given.length === want.length && timingSafeEqual(given, want);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!this.isAllowed(req)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('agentload dashboard: add ?token=… as printed on the console\n');
      return;
    }
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(dashboardPage(this.o.planFile));
    } else if (req.method === 'GET' && path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      // History first: a page opened mid-run sees the run so far.
      if (this.lastStatus !== null) res.write(`event: status\ndata: ${JSON.stringify(this.lastStatus)}\n\n`);
      if (this.lastView !== null) res.write(`event: view\ndata: ${this.lastView}\n\n`);
      this.clients.add(res);
      req.on('close', () => this.clients.delete(res));
    } else if (req.method === 'POST' && path === '/stop') {
      res.writeHead(202, { 'content-type': 'text/plain' }).end('stopping\n');
      this.o.log('agentload: Stop pressed on the dashboard');
      this.o.stop();
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  }

  private send(event: string, data: string): void {
    for (const c of this.clients) c.write(`event: ${event}\ndata: ${data}\n\n`);
  }
}
