/**
 * The `playwright` engine: Artillery's browser scenarios on playwright-core
 * (the processor's project's when it installed one, else agentload's;
 * playwright-library.ts) and the system's Chromium (never a downloaded one;
 * playwright-options.ts).
 *
 * One browser per process (each worker thread has its own engine), launched
 * at init; or, with `useSeparateBrowserPerVU`, one per virtual user, launched
 * with its context and closed with it (the launch at init then only checks
 * that the browser starts). One browser context per virtual user, opened at
 * its first `testFunction` step and closed when the user ends; a fresh page
 * per call. With `trace`, users' contexts record Playwright traces
 * (trace-recorder.ts).
 * At most `maxContexts` contexts are open at once: a user beyond that waits
 * for one to close (`browser.context_waits`), and its wait counts in its time.
 *
 * A step calls the processor's test function as Artillery does,
 * `fn(page, context, events, test)`, and records under `browser <scenario>`
 * the time from the step's scheduled start to the function's end: ok, or
 * failed when it throws (pw_timeout, pw_assertion, pw_navigation, pw_error),
 * which also ends the user's scenario as failed (vusers_failed,
 * processor_errors:<fn>). `test.step(name, fn)` and the pages' own timings
 * are recorded by page-metrics.ts.
 */
import type { Browser, BrowserContext, LaunchOptions } from 'playwright-core';
import type { Engine, Recorder, RunContext, StepCompileContext, StepFunction, StepInput, VirtualUser } from '../../engine/contracts.ts';
import { PageMetrics } from './page-metrics.ts';
import { loadPlaywright, type PlaywrightLibrary } from './playwright-library.ts';
import { TraceRecorder, type Recording } from './trace-recorder.ts';
import { noBrowser, playwrightOptions, type PlaywrightOptions } from './playwright-options.ts';

/** A compiled `testFunction` step. */
export interface TestFunctionStep {
  readonly handle: number;
  readonly fn: StepFunction;
  readonly scenarioName: string;
}

/** One user's browser context, opened at its first step. */
interface BrowserSession {
  context: BrowserContext | null;
  /** The user's own browser (useSeparateBrowserPerVU), else null. */
  browser: Browser | null;
  /** The context's trace recording, while one runs. */
  recording: Recording | null;
}

/** Why a test function failed, in agentload's closed vocabulary. */
function reasonOf(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown; matcherResult?: unknown } | null;
  if (e?.name === 'TimeoutError') return 'pw_timeout';
  if (e?.matcherResult !== undefined) return 'pw_assertion';
  if (typeof e?.message === 'string' && e.message.includes('net::ERR_')) return 'pw_navigation';
  return 'pw_error';
}

/** See the module comment. */
export class PlaywrightEngine implements Engine<TestFunctionStep, BrowserSession | null> {
  readonly id = 'playwright';
  readonly stepKeys = ['testFunction'];
  private sink: Recorder | null = null;
  private nowUs: () => number = () => 0;
  private options: PlaywrightOptions | null = null;
  private metrics: PageMetrics | null = null;
  private browser: Browser | null = null;
  private library: PlaywrightLibrary | null = null;
  private launchOptions: LaunchOptions = {};
  private traces: TraceRecorder | null = null;
  private isClosing = false;
  /** Said once, by the first user to run a step (an engine has no log of its own at init). */
  private notices: string[] = [];
  /** The processor's path, from the compiled steps: its project's Playwright, if any, drives the browser. */
  private processorFile: string | null = null;
  private openContexts = 0;
  private readonly waiting: Array<(isGranted: boolean) => void> = [];
  private readonly closing = new Set<Promise<void>>();

  compileStep(_key: string, step: StepInput, ctx: StepCompileContext): TestFunctionStep {
    if (ctx.processorFunction === undefined) ctx.fail('this agentload build cannot call processor functions from an engine step', ctx.yamlPath);
    const fn = ctx.processorFunction(step.testFunction, ctx.yamlPath);
    this.processorFile ??= fn.file ?? null;
    return { handle: ctx.sink.handle(`browser ${ctx.scenarioName}`), fn, scenarioName: ctx.scenarioName };
  }

  async init(run: RunContext): Promise<void> {
    this.sink = run.sink;
    this.nowUs = () => run.nowUs();
    const options = playwrightOptions(run.config, run.target, process.env);
    this.options = options;
    const library = await loadPlaywright(this.processorFile);
    this.library = library;
    this.notices.push(library.description);
    if (options.testIdAttribute !== null) library.pw.selectors.setTestIdAttribute(options.testIdAttribute);
    const launch = { ...options.launch };
    if (launch.headless === false && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
      // A window needs a display; Artillery forces headless the same way on its cloud workers.
      launch.headless = true;
      this.notices.push('launchOptions.headless: false needs a display and DISPLAY is not set: the browser runs headless');
    }
    this.launchOptions = launch;
    const browser = await this.launch();
    // Launched here either way, so a Chromium that cannot start stops the run before its first user.
    if (options.isBrowserPerUser) await browser.close().catch(() => {});
    else this.browser = browser;
    this.metrics = new PageMetrics(run.sink, options, run.target);
    if (options.trace !== null) this.traces = new TraceRecorder(options.trace, run.sink);
  }

  private async launch(): Promise<Browser> {
    const launch = this.launchOptions;
    try {
      return await this.library!.pw.chromium.launch(launch);
    } catch (e) {
      const first = String((e as Error)?.message ?? e).split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
      throw noBrowser(`Chromium ${String(launch.executablePath ?? launch.channel)} would not start (${this.library!.description}): ${first}`);
    }
  }

  openSession(): BrowserSession {
    return { context: null, browser: null, recording: null };
  }

  runStep(step: TestFunctionStep, vu: VirtualUser<BrowserSession | null>): void {
    for (const line of this.notices.splice(0)) vu.log(line);
    void this.run(step, vu, vu.session!);
  }

  private async run(step: TestFunctionStep, vu: VirtualUser, session: BrowserSession): Promise<void> {
    const sink = this.sink!;
    try {
      session.context ??= await this.newContext(step.scenarioName, vu, session);
      const page = await session.context.newPage();
      const metrics = this.metrics!;
      const test = {
        step: async <T>(name: string, action: () => Promise<T> | T): Promise<T> => {
          const startMs = performance.now();
          const result = await action();
          metrics.step(name, performance.now() - startMs);
          return result;
        },
      };
      try {
        await step.fn.fn(page, step.fn.contextOf(vu), step.fn.events, test);
      } finally {
        await metrics.flush(page);
        await page.close().catch(() => {});
      }
      sink.recordLatency(step.handle, this.nowUs() - vu.scheduledUs);
      sink.ok(step.handle);
    } catch (err) {
      if (this.isClosing) sink.abandoned(step.handle);
      else {
        sink.recordLatency(step.handle, this.nowUs() - vu.scheduledUs);
        sink.failed(step.handle, reasonOf(err));
        // Saved before the user ends (fail() ends its scenario, and closing the context would lose the trace).
        if (session.recording !== null && (await this.traces!.onFailure(session.recording, vu))) session.recording = null;
        step.fn.fail(vu, err);
      }
    }
    vu.resume();
  }

  /** A context for one user, once one of the maxContexts is free. */
  private async newContext(scenarioName: string, vu: VirtualUser, session: BrowserSession): Promise<BrowserContext> {
    if (this.openContexts >= this.options!.maxContexts) {
      this.sink!.add('browser.context_waits');
      const isGranted = await new Promise<boolean>((resolve) => this.waiting.push(resolve));
      if (!isGranted) throw new Error('the run ended before a browser context was free');
    } else this.openContexts++;
    try {
      const o = this.options!;
      const browser = o.isBrowserPerUser ? (session.browser = await this.launch()) : this.browser!;
      const context = await browser.newContext(o.context);
      context.setDefaultNavigationTimeout(o.navigationTimeoutMs);
      context.setDefaultTimeout(o.timeoutMs);
      await this.metrics!.attach(context, scenarioName);
      if (this.traces !== null) session.recording = await this.traces.start(context, vu);
      return context;
    } catch (e) {
      await session.browser?.close().catch(() => {});
      session.browser = null;
      this.releaseContext();
      throw e;
    }
  }

  /** A context closed: the next waiting user gets its place. */
  private releaseContext(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(true);
    else this.openContexts--;
  }

  closeSession(vu: VirtualUser<BrowserSession | null>): void {
    const session = vu.session;
    const context = session?.context ?? null;
    if (session === null || context === null) return;
    const { browser, recording } = session;
    session.context = null;
    session.browser = null;
    session.recording = null;
    const done = (async () => {
      if (recording !== null) await this.traces!.onEnd(recording, vu).catch(() => {});
      await context.close().catch(() => {});
      await browser?.close().catch(() => {});
    })().then(() => this.releaseContext());
    this.closing.add(done);
    void done.then(() => this.closing.delete(done));
  }

  async close(): Promise<void> {
    this.isClosing = true;
    for (const w of this.waiting.splice(0)) w(false);
    await Promise.allSettled([...this.closing]);
    await this.browser?.close().catch(() => {});
    this.browser = null;
  }
}
