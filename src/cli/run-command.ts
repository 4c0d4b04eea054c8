/**
 * `agentload run PLAN.yml [PLAN.yml | SUITE.yml …] [--repeat N] [--cool-down D]`:
 * expand suite files, prepare (validate) every plan before the first request,
 * then run them one after another (run-session.ts; one plan once is the
 * degenerate session, printed exactly as before). SIGINT/SIGTERM abort the
 * current run gracefully — results are still written, later runs are
 * skipped — and a second signal exits at once.
 */
import { parseRunArgs } from './run-args.ts';
import { expandRunFiles } from './suite-file.ts';
import { preparePlans } from './prepare-plans.ts';
import { runSession } from './run-session.ts';
import { estimateLines } from './run-estimate.ts';

/** Pause between consecutive runs when neither `--cool-down` nor the suite file sets one. */
export const DEFAULT_COOL_DOWN_MS = 30_000;

/** Streams the command writes to. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly progress: NodeJS.WriteStream | null;
}

/** Returns the exit code: 0 held, 1 an expectation failed (in any run), 3 aborted. Invalid input throws (exit 2). */
export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const a = parseRunArgs(args, 'run');
  const expanded = expandRunFiles(a.planFiles);
  const coolDownMs = a.coolDownMs ?? expanded.coolDownMs ?? DEFAULT_COOL_DOWN_MS;

  const abort = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    if (++signals > 1) process.exit(3);
    io.err('agentload: interrupted — stopping; whatever was measured is written (press Ctrl-C again to quit at once)');
    abort.abort();
  };
  // From before the plans are prepared (loading plugins and compiling take a while): a signal with no
  // listener ends the process with 130, not the documented 3.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const plans = await preparePlans(expanded.planFiles, a, io);
    if (a.isDryRun === true) {
      for (const p of plans) for (const [i, line] of [`${p.file}:`, ...estimateLines(p.compiled, a, false)].entries()) io.out(i === 0 ? line : `  ${line}`);
      return 0;
    }
    // Before the first request: a plan that needs more cores than it was given says so now, not after the run.
    for (const p of plans) for (const line of estimateLines(p.compiled, a, true)) io.err(`agentload: ${p.file}: ${line}`);
    if (abort.signal.aborted) return 3;
    return await runSession(plans, a, io, coolDownMs, abort.signal);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
