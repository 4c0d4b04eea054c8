/**
 * Starts `agentload sim` as a separate process on a free loopback port for
 * a plan whose target is `sim`, and stops it when the run ends — also when
 * the run fails or is interrupted, so no orphan is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunError } from '../engine/errors.ts';

const READY = /agentload sim listening on (http:\/\/\S+)/;
const START_TIMEOUT_MS = 20_000;

/** A running sim child. */
export interface SimChild {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const SIM_MAIN = fileURLToPath(new URL('../sim/main.ts', import.meta.url));

/** Spawns the sim with `config` (the plan's config.sim block) and waits until it listens. */
export async function startSimChild(config: Record<string, unknown> | undefined): Promise<SimChild> {
  const dir = mkdtempSync(join(tmpdir(), 'agentload-sim-'));
  const configFile = join(dir, 'sim.json');
  writeFileSync(configFile, JSON.stringify({ ...(config ?? {}), port: 0, host: '127.0.0.1' }));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), SIM_MAIN, '--config', configFile, '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const cleanup = (): void => {
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await waitForReady(child);
    return { url, pid: child.pid!, stop: () => stopChild(child).finally(cleanup) };
  } catch (e) {
    child.kill('SIGKILL');
    cleanup();
    throw e;
  }
}

function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new RunError('AGENTLOAD_E_SIM_START', `the sim did not start within ${START_TIMEOUT_MS / 1000}s`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = READY.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.resume();
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = err.trim().split('\n').filter(Boolean).pop() ?? `exit code ${code}`;
      reject(new RunError('AGENTLOAD_E_SIM_START', `the sim exited before listening: ${line}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
