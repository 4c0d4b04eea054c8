/**
 * `agentload validate PLAN.yml [PLAN.yml | SUITE.yml …]`: load, load plugins
 * (as `run` would), compile; no requests, no ports. A suite file is expanded
 * and each of its plans checked; every invalid plan is reported.
 */
import { parseRunArgs } from './run-args.ts';
import { preparePlans } from './prepare-plans.ts';
import { expandRunFiles } from './suite-file.ts';
import { estimateLines } from './run-estimate.ts';

/** Returns the exit code (0); invalid plans throw PlanError (exit 2). */
export async function validateCommand(args: string[], out: (line: string) => void, err: (line: string) => void = () => {}): Promise<number> {
  const parsed = parseRunArgs(args, 'validate');
  // A file with scenarios only (Artillery's multi-file layout) is valid; run asks for --target.
  const a = { ...parsed, overrides: { ...parsed.overrides, isTargetOptional: true } };
  const plans = await preparePlans(expandRunFiles(a.planFiles).planFiles, a, { out, err, progress: null });
  for (const p of plans) {
    const c = p.counts;
    const noTarget = p.plan.config.target === undefined ? '; no target: run it with --target URL' : '';
    out(`${p.file}: valid — ${c.phases} phase(s), ${c.scenarios} scenario(s), ${c.expectations} expectation(s), ${c.reporters} reporter(s), ${(c.plannedDurationMs / 1000).toFixed(0)}s planned${noTarget}`);
    if (a.isEstimating === true) for (const line of estimateLines(p.compiled, a, false)) out(`  ${line}`);
  }
  return 0;
}
