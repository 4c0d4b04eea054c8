/**
 * The CLI's single error boundary: dispatches the command, prints any
 * AgentloadError as one line (plus its hint) and returns its exit code. An
 * unexpected exception is an InternalError with a bug-report hint.
 */
import { readFileSync } from 'node:fs';
import { HELP, commandHelp } from './help.ts';
import type { CliIo } from './run-command.ts';
import { AgentloadError, InternalError, UsageError, isAgentloadError } from '../engine/errors.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function printError(e: AgentloadError, err: (t: string) => void): void {
  const list = 'diagnostics' in e && Array.isArray(e.diagnostics) && e.diagnostics.length > 0 ? (e.diagnostics as AgentloadError[]) : [e];
  for (const d of list) err(d.format());
  if (e.hint) err(`hint: ${e.hint}`);
}

/** Options after a lone `--` are plan arguments, not a request for help. */
function isHelpAsked(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && command !== 'sim' && isHelpAsked(rest)) {
    const text = await commandHelp(command);
    if (text !== null) {
      io.out(text);
      return 0;
    }
  }
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.out(HELP);
      return command === undefined ? 2 : 0;
    case '--version':
    case '-v':
      io.out(version());
      return 0;
    // Each command loads its own modules: `validate` must not pay for the run loop's (start-up is mostly module loading).
    case 'run': {
      const { runCommand } = await import('./run-command.ts');
      return runCommand(rest, io);
    }
    case 'validate': {
      const { validateCommand } = await import('./validate-command.ts');
      return validateCommand(rest, io.out, io.err);
    }
    case 'report': {
      const { reportCommand } = await import('./report-command.ts');
      return reportCommand(rest, io.out);
    }
    case 'compare': {
      const { compareCommand } = await import('./compare-command.ts');
      return compareCommand(rest, io.out);
    }
    case 'merge': {
      const { mergeCommand } = await import('./merge-command.ts');
      return mergeCommand(rest, io.out);
    }
    case 'sweep': {
      const { sweepCommand } = await import('./sweep-command.ts');
      return sweepCommand(rest, io);
    }
    case 'init': {
      const { initCommand } = await import('./init-command.ts');
      return initCommand(rest, io.out);
    }
    case 'calibrate': {
      const { calibrateCommand } = await import('./calibrate-command.ts');
      return calibrateCommand(rest, io);
    }
    case 'k8s': {
      const { k8sCommand } = await import('./k8s-command.ts');
      return k8sCommand(rest, io);
    }
    case 'sim': {
      const { simCommand } = await import('../sim/sim-command.ts');
      return simCommand(rest, io.out);
    }
    default:
      throw new UsageError(`unknown command "${command}"; expected run, validate, init, sweep, report, compare, merge, k8s, sim, --help or --version`);
  }
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: CliIo = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  progress: process.stderr,
}): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (isAgentloadError(e)) {
      printError(e, io.err);
      return e.exitCode;
    }
    const bug = new InternalError(String((e as Error)?.stack ?? e).replaceAll(process.cwd(), '<cwd>'), { cause: e });
    printError(bug, io.err);
    return bug.exitCode;
  }
}
