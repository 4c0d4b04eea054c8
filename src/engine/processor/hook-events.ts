/**
 * The `events` object (Artillery's `ee`) processor functions receive. What a
 * hook emits becomes a named metric in every report:
 *
 *   emit('counter', name, n = 1)      counter `name` += n (summary.counters)
 *   emit('histogram', name, value)    a sample of histogram `name`
 *   emit('summary', name, value)      the same (Artillery 2's other name)
 *   emit('customStat', {stat, value}) the same (Artillery 1's form)
 *   emit('rate', name)                counter `name` += 1 (its rate is count / duration)
 *   emit('error', code)               counter `errors.<code>`, as Artillery counts it
 *
 * A histogram is a request name tagged `custom=histogram` (CUSTOM_TAGS),
 * its values recorded × 1000 like latencies in µs, so the reports' "ms"
 * columns read as the emitted values (min, mean, p50 … p99.9, max) and its
 * count as the number of samples; it is kept out of the overall request
 * figures. Values below 0 are recorded as 0 (an HDR histogram holds no
 * negatives); non-numbers are ignored. Listeners added with on() still run:
 * the object is a plain EventEmitter besides.
 */
import { EventEmitter } from 'node:events';
import { CUSTOM_HISTOGRAM, CUSTOM_TAG } from '../metrics/names.ts';

/** What the events record through: a structural slice of the run's sink (HdrSink). */
export interface HookMetrics {
  add(counter: string, n?: number): void;
  handle(name: string, tags?: Record<string, string>): number;
  recordLatency(handle: number, latencyUs: number): void;
  ok(handle: number): void;
}

/** Tags that mark a histogram a processor emitted (not a request; the sink keeps it out of the overall figures). */
export const CUSTOM_TAGS: Readonly<Record<string, string>> = Object.freeze({ [CUSTOM_TAG]: CUSTOM_HISTOGRAM });

/** Error codes counted per code; beyond this many distinct codes, the rest go to `errors.other` (memory stays bounded). */
const MAX_ERROR_CODES = 100;

/** See the module comment. One per run (per worker thread), shared by every VU. */
export class HookEvents extends EventEmitter {
  /** Histogram name → handle, interned on first emit (names are not known before the hooks run). */
  private readonly histograms = new Map<string, number>();
  private readonly errorCodes = new Set<string>();

  constructor(private readonly sink: HookMetrics) {
    super();
    // A hook may emit 'error' with no listener: EventEmitter would throw it.
    this.on('error', () => {});
  }

  override emit(type: string | symbol, ...args: unknown[]): boolean {
    if (type === 'counter') this.count(args[0], args[1] ?? 1);
    else if (type === 'histogram' || type === 'summary') this.sample(args[0], args[1]);
    else if (type === 'customStat') {
      const s = args[0] as { stat?: unknown; value?: unknown } | null;
      if (s !== null && typeof s === 'object') this.sample(s.stat, s.value);
    } else if (type === 'rate') this.count(args[0], 1);
    else if (type === 'error') this.error(args[0]);
    return super.emit(type, ...args);
  }

  private count(name: unknown, n: unknown): void {
    if (typeof name !== 'string' || name === '' || typeof n !== 'number' || !Number.isFinite(n)) return;
    this.sink.add(name, n);
  }

  private sample(name: unknown, value: unknown): void {
    if (typeof name !== 'string' || name === '' || typeof value !== 'number' || !Number.isFinite(value)) return;
    let h = this.histograms.get(name);
    if (h === undefined) {
      h = this.sink.handle(name, CUSTOM_TAGS);
      this.histograms.set(name, h);
    }
    this.sink.recordLatency(h, Math.max(0, Math.round(value * 1000)));
    this.sink.ok(h);
  }

  private error(code: unknown): void {
    const raw = code instanceof Error ? ((code as { code?: unknown }).code ?? code.message) : code;
    let name = String(raw);
    if (!this.errorCodes.has(name)) {
      if (this.errorCodes.size >= MAX_ERROR_CODES) name = 'other';
      else this.errorCodes.add(name);
    }
    this.sink.add(`errors.${name}`);
  }
}
