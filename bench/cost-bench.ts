/**
 * `BENCH_CASES=cost`: what one request, one virtual user and one open
 * WebSocket cost the generator, agentload beside autocannon in the same run
 * (interleaved, same target, same connections):
 *
 *   CPU per 100k requests   closed loop, 50 connections: CPU-seconds ÷ requests × 100 000
 *   RSS per 1 000 VUs       peak RSS at 1 000 connections/users − peak RSS at 50, scaled to 1 000
 *   RSS per 1 000 WebSockets the same for 1 000 vs 50 open WebSockets in a send/echo loop
 *
 * The difference of two peaks cancels what both runs hold anyway (the
 * runtime, loaded code). autocannon has no WebSocket client, so the bare
 * `ws` client loop (gen-ws-bare.mjs) stands beside agentload's ws engine.
 */
import type { BenchTarget } from './targets.ts';

type Line = Record<string, number | boolean | null>;
type Gen = (url: string, n: number) => Promise<Line>;

/** The runners bench/run.ts owns (pinned children), handed in. */
export interface CostRunners {
  readonly agentload: (url: string, mode: 'closed' | 'ws', n: number) => Promise<Line>;
  readonly autocannon: Gen;
  readonly bareWs: Gen;
  readonly runs: number;
  readonly median: (xs: number[]) => number;
}

const FEW = 50;
const MANY = 1000;

async function interleave(runs: number, gens: Record<string, () => Promise<Line>>): Promise<Record<string, Line[]>> {
  const out: Record<string, Line[]> = Object.fromEntries(Object.keys(gens).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, g] of Object.entries(gens)) out[k]!.push(await g());
  return out;
}

export async function costCase(http: BenchTarget, ws: BenchTarget, r: CostRunners): Promise<void> {
  const med = (xs: Line[], key: string): number => r.median(xs.map((x) => x[key] as number));
  const h = await interleave(r.runs, {
    aFew: () => r.agentload(http.url, 'closed', FEW),
    cFew: () => r.autocannon(http.url, FEW),
    aMany: () => r.agentload(http.url, 'closed', MANY),
    cMany: () => r.autocannon(http.url, MANY),
  });
  const w = await interleave(r.runs, {
    aFew: () => r.agentload(ws.url, 'ws', FEW),
    bFew: () => r.bareWs(ws.url, FEW),
    aMany: () => r.agentload(ws.url, 'ws', MANY),
    bMany: () => r.bareWs(ws.url, MANY),
  });
  const per1000 = (many: Line[], few: Line[]): number => ((med(many, 'maxRssMb') - med(few, 'maxRssMb')) * 1000) / (MANY - FEW);
  const cpuA = med(h.aFew!, 'cpuSecPer100k'), cpuC = med(h.cFew!, 'cpuSecPer100k');
  const vuA = per1000(h.aMany!, h.aFew!), vuC = per1000(h.cMany!, h.cFew!);
  const wsA = per1000(w.aMany!, w.aFew!), wsB = per1000(w.bMany!, w.bFew!);
  const row = (label: string, a: string, c: string, ratio: number): string => `${label.padEnd(34)} ${a.padStart(14)} ${c.padStart(14)}   ${ratio.toFixed(2)}`;
  console.log(`\n## cost per request and per user, closed loop (${FEW} and ${MANY} connections), median of ${r.runs}, target ${http.name}; WebSockets against ${ws.name}`);
  console.log(`${''.padEnd(34)} ${'agentload'.padStart(14)} ${'autocannon'.padStart(14)}   agentload / peer`);
  console.log(row('CPU-s per 100k requests', cpuA.toFixed(2), cpuC.toFixed(2), cpuA / cpuC));
  console.log(row(`RSS per 1 000 VUs (MB)`, vuA.toFixed(1), vuC.toFixed(1), vuA / vuC));
  console.log(row('RSS per 1 000 open WebSockets (MB)', wsA.toFixed(1), `${wsB.toFixed(1)} (bare ws)`, wsA / wsB));
  console.log(`peak RSS MB, ${FEW} → ${MANY}: agentload ${med(h.aFew!, 'maxRssMb').toFixed(0)} → ${med(h.aMany!, 'maxRssMb').toFixed(0)}, autocannon ${med(h.cFew!, 'maxRssMb').toFixed(0)} → ${med(h.cMany!, 'maxRssMb').toFixed(0)}; ` +
    `ws: agentload ${med(w.aFew!, 'maxRssMb').toFixed(0)} → ${med(w.aMany!, 'maxRssMb').toFixed(0)}, bare ws ${med(w.bFew!, 'maxRssMb').toFixed(0)} → ${med(w.bMany!, 'maxRssMb').toFixed(0)}`);
  console.log(`requests/s at ${FEW} connections: agentload ${Math.round(med(h.aFew!, 'rps'))}, autocannon ${Math.round(med(h.cFew!, 'rps'))}; autocannon has no WebSocket client, so the bare ws client loop stands in`);
}
