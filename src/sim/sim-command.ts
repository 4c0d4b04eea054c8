/**
 * `agentload sim [--port 8001] [--host 127.0.0.1] [--config sim.yml] [flags]`:
 * serves the bundled AgentCore-compatible target until SIGINT or SIGTERM.
 *
 * Its stdout is exactly one line, `agentload sim listening on http://HOST:PORT`;
 * the runner spawns the sim with `--port 0` and parses that line for the
 * port, so nothing else may be printed there.
 */

import { resolveSimConfig } from './sim-config.ts';
import { loadSimConfigFile } from './sim-config-file.ts';
import { mergeSimBlocks, parseSimArgs, simHelpLines } from './sim-flags.ts';
import { startResolvedSim } from './start-sim.ts';

/** The prefix of the single stdout line; parse the URL after it. */
export const SIM_LISTENING_PREFIX = 'agentload sim listening on ';

/** Options for embedding: `signal` stops the sim like SIGTERM does (used by src/sim/main.ts and tests). */
export interface SimCommandOptions {
  signal?: AbortSignal;
}

/** Resolves on the first of SIGINT, SIGTERM or `signal`; `dispose()` removes the listeners. */
function stopWaiter(signal: AbortSignal | undefined): { stopped: Promise<void>; dispose(): void } {
  let onStop = (): void => {};
  const stopped = new Promise<void>((resolve) => { onStop = resolve; });
  const dispose = (): void => {
    process.removeListener('SIGINT', onStop);
    process.removeListener('SIGTERM', onStop);
    signal?.removeEventListener('abort', onStop);
  };
  process.once('SIGINT', onStop);
  process.once('SIGTERM', onStop);
  signal?.addEventListener('abort', onStop, { once: true });
  if (signal?.aborted) onStop();
  return { stopped, dispose };
}

/**
 * Runs the sim command: parses `args` (everything after `sim`), starts the
 * server, prints the listening line through `out`, and resolves 0 once
 * SIGINT/SIGTERM (or `options.signal`) has stopped it and every socket is
 * closed. Throws UsageError (AGENTLOAD_E_USAGE / AGENTLOAD_E_SIM_CONFIG)
 * for bad flags or config, RunError AGENTLOAD_E_SIM_START when the port is
 * in use; the CLI entry prints `err.format()` and exits with `err.exitCode`.
 */
export async function simCommand(args: string[], out: (line: string) => void, options: SimCommandOptions = {}): Promise<number> {
  const parsed = parseSimArgs(args);
  if (parsed.isHelp) {
    for (const line of simHelpLines()) out(line);
    return 0;
  }
  const fileBlock = parsed.configPath === null ? {} : await loadSimConfigFile(parsed.configPath);
  const source = parsed.configPath === null ? 'command line' : `${parsed.configPath} and command line`;
  const config = resolveSimConfig(mergeSimBlocks(fileBlock, parsed.configJson, parsed.overrides), source);
  // Listen for signals before binding so a SIGTERM that races startup is not lost.
  const waiter = stopWaiter(options.signal);
  try {
    const sim = await startResolvedSim(config);
    out(`${SIM_LISTENING_PREFIX}${sim.url}`);
    await waiter.stopped;
    await sim.close();
  } finally {
    waiter.dispose();
  }
  return 0;
}
