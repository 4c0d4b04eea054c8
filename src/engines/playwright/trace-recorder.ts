/**
 * Playwright traces of browser users (Artillery's playwright `trace`), with
 * Artillery's policy: a user records from its context's start when fewer
 * than `maxConcurrent` are recording and fewer than `maxSaved` traces were
 * saved; the trace of a user whose test function fails is saved when the
 * last save is at least `intervalMs` ago (so a burst of failures leaves one
 * trace, not hundreds); the others are dropped when the user ends, unless
 * `isSavingSuccesses`. One recorder per engine, so per process.
 *
 * Counted: `browser.traces_collected` (zips written) and
 * `browser.traces_discarded` (recordings dropped), as Artillery names them.
 * Each zip opens with `npx playwright show-trace <file>`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { Recorder, VirtualUser } from '../../engine/contracts.ts';
import type { TraceOptions } from './playwright-options.ts';

/** A user's recording in progress. */
export interface Recording {
  readonly context: BrowserContext;
  readonly file: string;
}

/** See the module comment. */
export class TraceRecorder {
  private recording = 0;
  private saved = 0;
  private lastSavedMs = -Infinity;
  private intervalMs: number | null;
  private isDirMade = false;

  constructor(private readonly options: TraceOptions, private readonly sink: Recorder) {
    this.intervalMs = options.intervalMs;
  }

  /** Starts recording `context` for `vu` when the limits allow; null when they do not. */
  async start(context: BrowserContext, vu: VirtualUser): Promise<Recording | null> {
    if (this.recording >= this.options.maxConcurrent || this.saved >= this.options.maxSaved) return null;
    // Artillery draws 1 to 5 minutes so workers do not save at the same moment; drawn from the user's seeded stream.
    this.intervalMs ??= 60_000 * Math.max(1, Math.ceil(vu.nextRandom() * 5));
    this.recording++;
    try {
      await context.tracing.start({ screenshots: true, snapshots: true });
    } catch (e) {
      this.recording--;
      throw e;
    }
    return { context, file: join(this.options.outputDir, `trace-${process.pid}-${vu.id}-${Date.now()}.zip`) };
  }

  /** The user's test function failed: saves its trace if the interval allows; true when the recording has ended. */
  async onFailure(r: Recording, vu: VirtualUser): Promise<boolean> {
    if (performance.now() - this.lastSavedMs < this.intervalMs! || this.saved >= this.options.maxSaved) return false;
    this.lastSavedMs = performance.now();
    this.saved++;
    await this.save(r, vu);
    return true;
  }

  /** The user ended still recording: saved with `isSavingSuccesses`, else dropped. */
  async onEnd(r: Recording, vu: VirtualUser): Promise<void> {
    if (this.options.isSavingSuccesses && this.saved < this.options.maxSaved) {
      this.saved++;
      return this.save(r, vu);
    }
    this.recording--;
    await r.context.tracing.stop().catch(() => {});
    this.sink.add('browser.traces_discarded');
  }

  private async save(r: Recording, vu: VirtualUser): Promise<void> {
    this.recording--;
    try {
      if (!this.isDirMade) {
        await mkdir(this.options.outputDir, { recursive: true });
        this.isDirMade = true;
      }
      await r.context.tracing.stop({ path: r.file });
      this.sink.add('browser.traces_collected');
      vu.log(`playwright: trace saved to ${r.file}`);
    } catch (e) {
      vu.log(`playwright: the trace could not be saved to ${r.file}: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
    }
  }
}
