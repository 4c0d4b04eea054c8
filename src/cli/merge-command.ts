/**
 * `agentload merge shard-1.json … shard-N.json [--output merged.json]`:
 * combines the results of `run --shard i/N` into the result one generator
 * running the whole plan would have written (src/engine/merge/merge-shards.ts),
 * prints the same summary `agentload report` prints, with the plan's
 * expectations re-evaluated on the merged numbers.
 *
 * Exit: 0 every expectation held, 1 one failed, 3 a shard was aborted (its
 * numbers are partial), 2 bad flags or files that are not every shard of one
 * run (merge-inputs.ts).
 */
import { parseFlags, type FlagTable } from './parse-flags.ts';
import { UsageError } from '../engine/errors.ts';
import { mergeShards } from '../engine/merge/merge-shards.ts';
import { resultDocument } from '../plugins/json-reporter.ts';
import { resultText } from '../plugins/format.ts';
import { writeAtomic } from '../plugins/write-atomic.ts';
import { readShards } from './merge-inputs.ts';
import { isRunHeld } from '../engine/expect/run-held.ts';

/** `merge`'s flags (parse-flags.ts). */
export const MERGE_FLAGS = {
  output: { type: 'string', short: 'o', arg: 'FILE', help: 'write the merged result as JSON (report and compare read it)' },
} as const satisfies FlagTable;

/** Returns the exit code; see the module comment. */
export function mergeCommand(args: string[], out: (line: string) => void): number {
  const { values, positionals } = parseFlags(args, MERGE_FLAGS, 'merge');
  if (positionals.length === 0) throw new UsageError('agentload merge expects the shard result files (shard-1.json … shard-N.json), got none');
  const shards = readShards(positionals);
  const { result, notes } = mergeShards(shards);
  const n = shards.length;
  const merged = { shards: n, files: positionals, planDigest: shards[0]!.shard.planDigest, notes };
  if (values.output !== undefined) writeAtomic(values.output, `${JSON.stringify({ ...resultDocument(result), merged }, null, 2)}\n`);
  const verdict = result.expectations.length === 0 ? 'the plan has no expectations' : 'expectations re-evaluated on the merged result';
  const lines = [`agentload merge: ${n} shard${n > 1 ? 's' : ''} of ${result.info.planFile}, ${verdict}`, ...resultText(result)];
  if (notes.length > 0) lines.push('', ...notes.map((x) => `note: ${x}`));
  if (values.output !== undefined) lines.push(`wrote ${values.output}`);
  out(lines.join('\n'));
  return result.isAborted ? 3 : isRunHeld(result.expectations) ? 0 : 1;
}
