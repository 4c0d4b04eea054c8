/**
 * Process entry for a sim child: `node --import tsx src/sim/main.ts [sim flags]`.
 *
 * This is what the runner (and bench/sim-bench.ts) spawns for a plan whose
 * target is `sim`. Like bin/agentload it is a thin edge: it hands argv to
 * simCommand, which prints the one stdout line `agentload sim listening on
 * http://HOST:PORT`, and turns a thrown agentload error into one stderr
 * line plus its exit code, never a stack trace.
 *
 * No orphans: when spawned with an IPC channel (stdio 'ipc', as spawn-sim.ts
 * does), the channel closing, which also happens when the parent is killed
 * with SIGKILL, stops the sim.
 */

import { simCommand } from './sim-command.ts';
import { isAgentloadError } from '../engine/errors.ts';

const stop = new AbortController();
if (process.send !== undefined) {
  process.once('disconnect', () => stop.abort());
  // The channel must not keep the process alive once the server has closed.
  process.channel?.unref();
}

try {
  const code = await simCommand(process.argv.slice(2), (line) => process.stdout.write(line + '\n'), { signal: stop.signal });
  process.exit(code);
} catch (err) {
  if (isAgentloadError(err)) {
    process.stderr.write(err.format() + '\n');
    process.exit(err.exitCode);
  }
  process.stderr.write(`AGENTLOAD_E_INTERNAL sim crashed: ${String(err)}\n`);
  process.exit(3);
}
