/**
 * Running the sim as a separate process, for plans whose target is `sim`
 * and for benchmarks (the generator and the target must not share a CPU
 * thread, or the numbers measure neither).
 *
 * The child is `node dist/sim/main.js --config-json <block>` (from source:
 * `node --import tsx src/sim/main.ts …`)
 * with port 0 unless the block sets one; the parent reads its one stdout
 * line for the URL. No orphans: the child stops when `stop()` is called,
 * when this process exits (an 'exit' hook kills it), and when this process
 * dies abruptly (the IPC channel closes; main.ts watches it).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RunError, UsageError } from '../engine/errors.ts';
import { resolveSimConfig } from './sim-config.ts';
import { childLoaderArgs, siblingModule } from '../engine/module-form.ts';

/** The entry file a sim child runs. */
export const SIM_MAIN_PATH = fileURLToPath(siblingModule('./main.ts', import.meta.url));
const LISTENING = /^agentload sim listening on (http:\/\/\S+)$/m;
const ERROR_LINE = /(AGENTLOAD_E_[A-Z_]+) (.*)$/m;

/** Options for spawnSim. */
export interface SpawnSimOptions {
  /** A sim block (a plan's `config.sim`); validated here, before spawning. */
  config?: unknown;
  /** Where `config` came from, for error messages (e.g. "plans/x.yml config.sim"). */
  source?: string;
  /** Give up if the child has not printed its listening line by then. Default 15 s. */
  startTimeoutMs?: number;
  /** Called when the child exits after it started and before stop() was called: the target died mid-run. */
  onUnexpectedExit?: (code: number | null, signal: string | null) => void;
}

/** A running sim child. */
export interface SpawnedSim {
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the child has exited. Idempotent. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function startFailure(stderr: string, exitCode: number | null): Error {
  const m = ERROR_LINE.exec(stderr);
  if (m !== null && m[1] === 'AGENTLOAD_E_SIM_CONFIG') return new UsageError(m[2]!, {}, 'AGENTLOAD_E_SIM_CONFIG');
  if (m !== null && m[1] === 'AGENTLOAD_E_SIM_START') return new RunError('AGENTLOAD_E_SIM_START', m[2]!);
  const detail = stderr.trim().split('\n')[0] ?? '';
  return new RunError('AGENTLOAD_E_SIM_START', `sim exited with code ${exitCode} before listening${detail ? `: ${detail}` : ''}`);
}

/**
 * Spawns a sim child and resolves once it listens. Throws UsageError
 * AGENTLOAD_E_SIM_CONFIG for a bad block (before spawning) and RunError
 * AGENTLOAD_E_SIM_START when the child cannot start.
 */
export async function spawnSim(options: SpawnSimOptions = {}): Promise<SpawnedSim> {
  const block = { ...((options.config ?? {}) as Record<string, unknown>) };
  block['port'] ??= 0;
  resolveSimConfig(block, options.source ?? 'config.sim');
  const child = spawn(process.execPath, [...childLoaderArgs(), SIM_MAIN_PATH, '--config-json', JSON.stringify(block)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Its own process group: a Ctrl-C in the terminal reaches agentload only, which stops the run gracefully
    // and then the sim; the sim dying first turned the in-flight requests of the graceful stop into failures.
    // It still never outlives agentload: it exits when the IPC channel closes (main.ts).
    detached: true,
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { if (stderr.length < 8192) stderr += s; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new RunError('AGENTLOAD_E_SIM_START', `sim did not start within ${options.startTimeoutMs ?? 15_000} ms`));
    }, options.startTimeoutMs ?? 15_000);
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      const m = LISTENING.exec(stdout);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      process.removeListener('exit', killOnExit);
      // Let stderr drain so the child's one-line error is the one reported.
      setImmediate(() => reject(startFailure(stderr, code)));
    });
  });
  let stopping: Promise<void> | null = null;
  child.once('exit', (code, signal) => {
    if (stopping === null) options.onUnexpectedExit?.(code, signal);
  });
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const done = exited(child);
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await done;
      clearTimeout(force);
      process.removeListener('exit', killOnExit);
    })();
    return stopping;
  };
  return { url, port: Number(new URL(url).port), pid: child.pid!, stop };
}
