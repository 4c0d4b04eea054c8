/**
 * What `agentload sweep` prints: one row per rate tried, a text chart of
 * latency and goodput against rate, and the verdict (the highest rate that
 * held every expectation). Pure: rows in, lines out.
 *
 *   rate/s │ p95 ms ▏▇▇▇▇▇▇▇▇▇▇▇▇▇        goodput/s ▏▇▇▇▇▇▇▇▇
 */

/** One stage of a sweep: the rate asked and what the run measured. */
export interface SweepRow {
  readonly ratePerSec: number;
  /** Requests completed per second over the stage (every name, parts of streams excluded). */
  readonly achievedPerSec: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly errorRate: number;
  /** Streams per second that met their SLOs (stream_goodput), or null when the plan has no stream step. */
  readonly goodputPerSec: number | null;
  /** Every expectation held. */
  readonly isHeld: boolean;
  /** The generator could not keep up (its own saturation verdict): the figures are not the target's. */
  readonly isSaturated: boolean;
  /** Names of the expectations that failed. */
  readonly failed: readonly string[];
}

/** The rates a sweep tries: from, from + step, … up to `to` inclusive. */
export function sweepRates(fromPerSec: number, toPerSec: number, stepPerSec: number): number[] {
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const r = Math.round((fromPerSec + i * stepPerSec) * 1000) / 1000;
    if (r > toPerSec + 1e-9) break;
    out.push(r);
  }
  return out;
}

/** The highest rate that held with the generator keeping up, or null. Rates above a failed one do not count. */
export function highestHeld(rows: readonly SweepRow[]): number | null {
  let best: number | null = null;
  for (const r of rows) {
    if (!r.isHeld || r.isSaturated) break;
    best = r.ratePerSec;
  }
  return best;
}

const BAR = 30;

function bar(v: number, max: number): string {
  const n = max <= 0 ? 0 : Math.round((v / max) * BAR);
  return '█'.repeat(n).padEnd(BAR, ' ');
}

const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();

/** The table, the chart and the verdict, as lines. */
export function renderSweep(rows: readonly SweepRow[], lastRatePerSec: number): string[] {
  const lines = ['rate/s       req/s  p50 ms  p95 ms  p99 ms  errors   goodput/s  verdict'];
  for (const r of rows) {
    const verdict = r.isSaturated ? 'generator saturated' : r.isHeld ? 'held' : `FAILED ${r.failed.join(', ')}`;
    lines.push([
      fmt(r.ratePerSec).padStart(6), fmt(r.achievedPerSec).padStart(11), fmt(r.p50Ms).padStart(7), fmt(r.p95Ms).padStart(7),
      fmt(r.p99Ms).padStart(7), `${fmt(r.errorRate * 100)}%`.padStart(7), (r.goodputPerSec === null ? '-' : fmt(r.goodputPerSec)).padStart(11),
      ` ${verdict}`,
    ].join(' '));
  }
  const maxP95 = Math.max(...rows.map((r) => r.p95Ms), 0);
  const hasGoodput = rows.some((r) => r.goodputPerSec !== null);
  const maxGood = Math.max(...rows.map((r) => r.goodputPerSec ?? 0), 0);
  const head = `p95 latency (max ${fmt(maxP95)} ms)`.padEnd(BAR);
  lines.push('', `rate/s │ ${head} ${hasGoodput ? `│ goodput (max ${fmt(maxGood)}/s)` : ''}`.trimEnd());
  for (const r of rows) {
    lines.push(`${fmt(r.ratePerSec).padStart(6)} │ ${bar(r.p95Ms, maxP95)} ${hasGoodput ? `│ ${bar(r.goodputPerSec ?? 0, maxGood)}` : ''}`.trimEnd());
  }
  const best = highestHeld(rows);
  const last = rows[rows.length - 1];
  lines.push('');
  if (best === null) lines.push('no rate tried held every expectation');
  else if (last !== undefined && best === last.ratePerSec && best >= lastRatePerSec) {
    lines.push(`highest rate that held every expectation: ${fmt(best)}/s — the last rate tried; raise --to to find the knee`);
  } else lines.push(`highest rate that held every expectation: ${fmt(best)}/s`);
  return lines;
}
