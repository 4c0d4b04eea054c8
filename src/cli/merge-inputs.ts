/**
 * Reads `agentload merge`'s files and checks they are every shard of one
 * run: each carries a shard record, all have the same plan digest, shard
 * count and worker count, and indices 1..N appear exactly once. Any
 * problem is one UsageError AGENTLOAD_E_MERGE_INPUT (exit 2) naming the
 * files; unreadable or foreign JSON is AGENTLOAD_E_REPORT_INPUT
 * (read-result.ts).
 */
import { UsageError } from '../engine/errors.ts';
import { keyOf } from '../engine/metrics/hdr-sink.ts';
import { readResult } from './read-result.ts';
import type { ShardResult } from '../engine/merge/merge-shards.ts';
import type { ShardedRunResult } from '../engine/run/shard-record.ts';

function mergeError(message: string): UsageError {
  return new UsageError(message, {}, 'AGENTLOAD_E_MERGE_INPUT');
}

function isShardRecord(v: unknown): boolean {
  const s = v as Record<string, unknown> | null;
  const e = s?.expect as Record<string, unknown> | undefined;
  return s !== null && typeof s === 'object' && Number.isInteger(s.index) && Number.isInteger(s.count) && Number.isInteger(s.workers) &&
    typeof s.planDigest === 'string' && e !== undefined && Array.isArray(e.thresholds) && Array.isArray(e.phases) &&
    typeof e.series === 'object' && typeof e.loadEndMs === 'number' && typeof e.warmupMs === 'number';
}

/** The first of `files` whose value of `pick` differs from the first file's, or null. */
function firstMismatch<T>(items: ReadonlyArray<{ file: string; r: ShardResult }>, pick: (r: ShardResult) => T): [string, T, string, T] | null {
  const [a, ...rest] = items;
  const other = rest.find((x) => pick(x.r) !== pick(a!.r));
  return other === undefined ? null : [a!.file, pick(a!.r), other.file, pick(other.r)];
}

/** Reads and checks `files`; returns the results sorted by shard index. */
export function readShards(files: readonly string[]): ShardResult[] {
  const items = files.map((file) => {
    const r = readResult(file) as ShardedRunResult;
    if (!isShardRecord(r.shard)) throw mergeError(`${file}: not a shard result (no "shard" record); merge combines the files of agentload run --shard i/N --output FILE`);
    const missing = r.summary.byName.find((n) => r.histograms[keyOf(n.name, n.tags)] === undefined);
    if (missing !== undefined) throw mergeError(`${file}: no histogram for "${missing.name}", so its percentiles cannot be merged exactly`);
    return { file, r: r as ShardResult };
  });
  const digest = firstMismatch(items, (r) => r.shard.planDigest);
  if (digest) throw mergeError(`${digest[0]} and ${digest[2]} ran different plans (digest ${digest[1]} vs ${digest[3]}): every shard must run the same plan with the same flags`);
  const count = firstMismatch(items, (r) => r.shard.count);
  if (count) throw mergeError(`${count[0]} is a shard of ${count[1]} but ${count[2]} of ${count[3]}: merge the shards of one --shard i/N run`);
  const n = items[0]!.r.shard.count;
  const byIndex = new Map<number, string>();
  for (const { file, r } of items) {
    const seen = byIndex.get(r.shard.index);
    if (seen !== undefined) throw mergeError(`shard ${r.shard.index}/${n} is given twice (${seen} and ${file}); pass each shard once`);
    byIndex.set(r.shard.index, file);
  }
  const absent = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (absent.length > 0) {
    throw mergeError(`missing shard${absent.length > 1 ? 's' : ''} ${absent.map((i) => `${i}/${n}`).join(', ')} (got ${items.length} of ${n}); pass every shard's file`);
  }
  return items.map((x) => x.r).sort((a, b) => a.shard.index - b.shard.index);
}
