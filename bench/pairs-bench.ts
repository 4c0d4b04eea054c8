/**
 * `BENCH_CASES=pairs`: CPU per request of two generators started AT THE SAME TIME on the generator core,
 * against one nginx on the other core, RUNS times. Run one after the other, two identical generators
 * differed by ±15–30 % on a shared VM whose speed moves within seconds; started together, both see the
 * same contention, so the ratio of their CPU per request holds where their rates do not. Each pair:
 *
 *   GET             agentload closed loop        vs autocannon          (issue 23, item 4)
 *   tool call       agentload tool-rpc, id 1     vs autocannon POST     (item 2, the same bytes both ways)
 *   undici's POST   bare undici POST loop        vs autocannon POST     (the floor under any undici generator)
 *   agentload's own agentload tool-rpc, id 1     vs bare undici POST    (what agentload adds to that floor)
 *
 * Each child measures its own CPU-seconds over its own run (gen-*.mjs); the ratio is first / second. The
 * rates are printed too: sharing the core, each gets what its cost per request lets it take of it.
 */
import type { BenchTarget } from './targets.ts';
import { NGINX_RPC_PATH } from './targets.ts';

type Line = Record<string, number | boolean | null>;

/** The runners bench/run.ts owns (children pinned to the generator core), handed in. */
export interface PairRunners {
  readonly agentloadGet: (url: string) => Promise<Line>;
  readonly agentloadRpc: (url: string) => Promise<Line>;
  readonly autocannon: (url: string, body: string | null) => Promise<Line>;
  readonly barePost: (url: string, body: string) => Promise<Line>;
  readonly runs: number;
  readonly median: (xs: number[]) => number;
  readonly body: string;
}

export async function pairsCase(nginx: BenchTarget, r: PairRunners): Promise<void> {
  const get = nginx.url;
  const rpc = `${nginx.url}${NGINX_RPC_PATH.slice(1)}`;
  const pairs: Array<[string, string, () => Promise<Line>, string, () => Promise<Line>]> = [
    ['GET, closed loop', 'agentload', () => r.agentloadGet(get), 'autocannon', () => r.autocannon(get, null)],
    ['tool call (agentload classifies every answer)', 'agentload tool-rpc', () => r.agentloadRpc(rpc), 'autocannon POST', () => r.autocannon(rpc, r.body)],
    ["undici's POST, nothing read", 'bare undici POST loop', () => r.barePost(rpc, r.body), 'autocannon POST', () => r.autocannon(rpc, r.body)],
    ['what agentload adds to undici', 'agentload tool-rpc', () => r.agentloadRpc(rpc), 'bare undici POST loop', () => r.barePost(rpc, r.body)],
  ];
  console.log(`\n## Side by side at once on one core (both generators started together), target ${nginx.name}: CPU per request, first / second`);
  for (const [title, aName, a, bName, b] of pairs) {
    const ratios: number[] = [];
    const rates: number[] = [];
    const cpu: Array<[number, number]> = [];
    for (let i = 0; i < r.runs; i++) {
      const [x, y] = await Promise.all([a(), b()]);
      const cx = x.cpuSecPer100k as number;
      const cy = y.cpuSecPer100k as number;
      if (!(cx > 0 && cy > 0) || (x.errors as number) > 0 || (y.errors as number) > 0) throw new Error(`pairs: ${title}: a run failed (${JSON.stringify(x)} / ${JSON.stringify(y)})`);
      ratios.push(cx / cy);
      rates.push((x.rps as number) / (y.rps as number));
      cpu.push([cx, cy]);
    }
    const mid = r.median(ratios);
    console.log(`${title.padEnd(46)} ${aName} / ${bName}: median ${mid.toFixed(2)}   per run ${ratios.map((x) => x.toFixed(2)).join(' ')}   (CPU-s per 100k, medians: ${r.median(cpu.map((c) => c[0])).toFixed(2)} / ${r.median(cpu.map((c) => c[1])).toFixed(2)}); rate ratio, median ${r.median(rates).toFixed(2)}`);
  }
}
