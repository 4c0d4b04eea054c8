/**
 * Child process of plan-fuzz.test.ts: validates `count` mutated plans
 * in-process through the CLI's own entry (main), so its error boundary is
 * what is tested, under the heap cap the parent gives with
 * --max-old-space-size. Prints `case <i>` before each case (so a crash or a
 * hang names its case) and one JSON line per problem; exits 0 when every
 * plan ended in exit 0 or 2 with a located one-line message.
 *
 *   node --import tsx --max-old-space-size=N validate-child.ts SEED COUNT DIR
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { mutatePlan } from '../helpers/plan-mutator.ts';
import { FUZZ_BASES } from './fuzz-bases.ts';

const [seedArg, countArg, dir] = process.argv.slice(2);
const seed = Number(seedArg);
const count = Number(countArg);
const bases = FUZZ_BASES.map((f) => readFileSync(f, 'utf8'));
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
let problems = 0;
const valid: number[] = [];

for (let i = 0; i < count; i++) {
  process.stdout.write(`case ${i}\n`);
  const file = join(dir!, `case-${i}.yml`);
  writeFileSync(file, mutatePlan(bases[i % bases.length]!, seed + i));
  const err: string[] = [];
  const code = await main(['validate', file], { out: () => {}, err: (t) => err.push(t), progress: null as never });
  const text = err.join('\n');
  // Plan warnings (keys Artillery ignores) come first, each located too; the error is the first line after them.
  const isWarning = (l: string): boolean => / warning AGENTLOAD_W_[A-Z_]+ /.test(l);
  const first = err.find((l) => !isWarning(l)) ?? '';
  const located = first.startsWith(`${file}:`) && /^\S+:\d+:\d+ AGENTLOAD_E_[A-Z_]+ /.test(first);
  const isWarningLocated = err.filter(isWarning).every((l) => l.startsWith(`${file}:`) && /^\S+:\d+:\d+ warning /.test(l));
  let why = '';
  if (code !== 0 && code !== 2) why = `exit ${code}`;
  else if (code === 2 && !located) why = 'not located';
  else if (!isWarningLocated) why = 'warning not located';
  else if (STACK_LINE.test(text) || text.includes('AGENTLOAD_E_INTERNAL')) why = 'stack trace';
  if (code === 0) valid.push(i);
  if (why !== '') {
    problems++;
    process.stdout.write(`${JSON.stringify({ problem: why, case: i, seed: seed + i, base: FUZZ_BASES[i % bases.length], output: text.slice(0, 600) })}\n`);
  }
}
process.stdout.write(`${JSON.stringify({ done: count, valid: valid.length, heapMb: Math.round(process.memoryUsage().heapUsed / 1e6) })}\n`);
process.exitCode = problems === 0 ? 0 : 1;
