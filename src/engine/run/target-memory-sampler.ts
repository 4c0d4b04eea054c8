/**
 * Samples the target's resident memory during a run, for
 * `expect.targetMemory`: from its Prometheus endpoint
 * (`process_resident_memory_bytes`, path configurable, default /metrics on
 * the target's origin) or from /proc/<pid>/status (VmRSS) for
 * `--target-pid`. Also samples the generator's own CPU and peak RSS, so a
 * run can be checked against the seed's "CPU < 50 %, memory < 4 GB".
 *
 * The first failure to read marks the source "unavailable" with its reason
 * and sampling stops: the reason is reported once, and the expectation
 * FAILs with it rather than passing on no data.
 *
 * One timer, unref'd; a scrape that takes longer than the period is skipped
 * rather than queued. Never throws.
 */
import { readFile } from 'node:fs/promises';
import type { Clock } from '../scheduler/clock.ts';
import type { GeneratorUsage, MemorySample, MemorySeries } from '../contracts.ts';
import type { TargetMemorySpec } from '../expect/series-types.ts';

/** Where the sampler reads from, resolved by runPlan from the spec, the target and --target-pid. */
export type MemorySource = { kind: 'prometheus'; url: string } | { kind: 'pid'; pid: number } | { kind: 'none'; reason: string };

export type { GeneratorUsage } from '../contracts.ts';

const RSS_LINE = /^process_resident_memory_bytes(?:\{[^}]*\})?\s+([0-9.eE+]+)/m;
const VMRSS = /^VmRSS:\s+(\d+)\s+kB/m;

/** Picks the source: a pid source needs --target-pid; a prometheus one scrapes `path` on the target origin. */
export function resolveMemorySource(spec: TargetMemorySpec, target: string, targetPid: number | null): MemorySource {
  if (spec.source === 'pid') {
    return targetPid === null ? { kind: 'none', reason: 'source is pid but no --target-pid was given' } : { kind: 'pid', pid: targetPid };
  }
  try {
    return { kind: 'prometheus', url: new URL(spec.path, new URL(target).origin).href };
  } catch {
    return { kind: 'none', reason: `cannot build a metrics URL from target ${JSON.stringify(target)}` };
  }
}

/** Reads one RSS value in bytes; throws with a readable reason. */
async function readRss(source: MemorySource, timeoutMs: number): Promise<number> {
  if (source.kind === 'none') throw new Error(source.reason);
  if (source.kind === 'pid') {
    const text = await readFile(`/proc/${source.pid}/status`, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new Error(`cannot read /proc/${source.pid}/status: ${e.code ?? e.message}`);
    });
    const m = VMRSS.exec(text);
    if (m === null) throw new Error(`no VmRSS line in /proc/${source.pid}/status`);
    return Number(m[1]) * 1024;
  }
  const res = await fetch(source.url, { signal: AbortSignal.timeout(timeoutMs) }).catch((e: Error) => {
    throw new Error(`cannot scrape ${source.url}: ${(e.cause as Error | undefined)?.message ?? e.message}`);
  });
  if (res.status !== 200) throw new Error(`${source.url} answered HTTP ${res.status}`);
  const m = RSS_LINE.exec(await res.text());
  if (m === null) throw new Error(`${source.url} has no process_resident_memory_bytes`);
  return Number(m[1]);
}

function describe(source: MemorySource): string {
  return source.kind === 'prometheus' ? `prometheus ${source.url}` : source.kind === 'pid' ? `pid ${source.pid}` : 'none';
}

/**
 * This process's RSS, or 0 when it cannot be read: reading it opens
 * /proc/self/statm, which fails with EMFILE exactly when a ws run has used
 * every descriptor — a sample lost then must not crash the run.
 */
function generatorRss(): number {
  try {
    return process.memoryUsage.rss();
  } catch {
    return 0;
  }
}

/** See the module comment. start() once, stop() once. */
export class TargetMemorySampler {
  private readonly samples: MemorySample[] = [];
  private unavailable: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private isBusy = false;
  private inFlight: Promise<void> = Promise.resolve();
  private cpuStart = process.cpuUsage();
  private wallStartMs = 0;
  private peakRss = 0;

  constructor(private readonly source: MemorySource, private readonly everyMs: number, private readonly clock: Clock) {}

  /** Takes a first sample now, then one every period. */
  start(): void {
    this.cpuStart = process.cpuUsage();
    this.wallStartMs = this.clock.nowMs();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
  }

  private tick(): void {
    this.peakRss = Math.max(this.peakRss, generatorRss());
    if (this.isBusy || this.unavailable !== null) return;
    this.isBusy = true;
    const atMs = this.clock.nowMs();
    this.inFlight = readRss(this.source, Math.max(this.everyMs, 1000)).then(
      (bytes) => { this.samples.push({ atMs, bytes }); },
      (e: Error) => { this.unavailable = e.message; },
    ).finally(() => { this.isBusy = false; });
  }

  /** Stops sampling (taking one last sample) and returns the series. */
  async stop(): Promise<MemorySeries> {
    if (this.timer !== null) clearInterval(this.timer);
    await this.inFlight;
    this.tick();
    await this.inFlight;
    return { source: describe(this.source), samples: [...this.samples], unavailable: this.unavailable };
  }

  /** The generator's CPU ratio and peak RSS since start(). */
  generatorUsage(): GeneratorUsage {
    const cpu = process.cpuUsage(this.cpuStart);
    const wallMs = Math.max(this.clock.nowMs() - this.wallStartMs, 1);
    return { cpuRatio: (cpu.user + cpu.system) / 1000 / wallMs, peakRssBytes: Math.max(this.peakRss, generatorRss()) };
  }
}
