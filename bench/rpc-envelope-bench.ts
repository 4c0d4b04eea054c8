/**
 * The cost of classifying one JSON-RPC answer that nothing reads, in this
 * process, interleaved: the whole body decoded and JSON.parse'd (what a
 * step with an expect or a capture still does) against scanEnvelope (what a
 * step with neither does). Two answers: agent.ping's from the sim (small) and
 * a tool result of about 5 KB. Prints ns per answer and the ratio.
 *
 *   node --import tsx bench/rpc-envelope-bench.ts [rounds=5]
 */
import { performance } from 'node:perf_hooks';
import { scanEnvelope } from '../src/engine/checks/rpc-envelope-scan.ts';

const ping = Buffer.from('{"jsonrpc":"2.0","result":{"success":false,"message":"Agent not found","timestamp":"2026-12-03T08:00:00.123456Z"},"id":17}');
const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, name: `row ${i}`, score: i * 1.5, tags: ['a', 'b', 'c'], ok: i % 2 === 0, note: 'caf\u00e9 \u2014 a line of text' }));
const tool = Buffer.from(JSON.stringify({ jsonrpc: '2.0', result: { tool_id: 'search', output: { rows }, execution_time_ms: 12.5 }, id: 17 }));
const ROUNDS = Number(process.argv[2] ?? 5);
const N = 200_000;

let sink = 0;
function parseWhole(b: Buffer): void {
  const doc = JSON.parse(b.toString('utf8')) as { id: number };
  sink += doc.id;
}
function scan(b: Buffer): void {
  const doc = scanEnvelope(b) as { id: number };
  sink += doc.id;
}

function nsPer(f: (b: Buffer) => void, b: Buffer, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f(b);
  return ((performance.now() - t0) * 1e6) / n;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [label, body, n] of [['agent.ping answer', ping, N], ['tool result', tool, N / 10]] as const) {
  nsPer(parseWhole, body, n / 10);
  nsPer(scan, body, n / 10);
  const p: number[] = [], s: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    p.push(nsPer(parseWhole, body, n));
    s.push(nsPer(scan, body, n));
  }
  console.log(`${label} (${body.length} bytes): decode + JSON.parse ${median(p).toFixed(0)} ns, scanEnvelope ${median(s).toFixed(0)} ns per answer, ratio scan / parse ${(median(s) / median(p)).toFixed(2)} (median of ${ROUNDS})`);
}
if (sink === -1) console.log(sink);
