/**
 * Where `agentload calibrate` keeps this machine's measured ceiling, and
 * reading it back. `--calibration FILE` wins; else
 * $XDG_CACHE_HOME/agentload/calibration.json; else
 * ~/.cache/agentload/calibration.json (the XDG default).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from '../engine/errors.ts';
import { writeAtomic } from '../plugins/write-atomic.ts';

/** What a calibration measured. Figures are per core: one generator process on one event loop. */
export interface Calibration {
  readonly version: 1;
  /** ISO time of the measurement. */
  readonly measuredAt: string;
  readonly node: string;
  /** Cores this process could use when it measured (os.availableParallelism). */
  readonly cores: number;
  /** Arrivals/s of one GET each that one core sustained with the generator healthy (within 1 % of schedule, not saturated). */
  readonly arrivalsPerSecPerCore: number;
  /** Generator CPU-seconds per 100 000 requests in the closed-loop measurement. */
  readonly cpuSecPer100k: number;
}

/** The file a calibration is written to and read from. */
export function calibrationPath(flag: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== null) return flag;
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'agentload', 'calibration.json');
}

export function writeCalibration(file: string, c: Calibration): void {
  mkdirSync(dirname(file), { recursive: true });
  writeAtomic(file, `${JSON.stringify(c, null, 2)}\n`);
}

/**
 * The calibration at `file`, or null when there is none. A file that exists
 * but is not a calibration is a usage error naming it (a stale guess would
 * size the run wrong without saying so).
 */
export function readCalibration(file: string): Calibration | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`cannot read the calibration ${file}: ${(e as Error).message}`);
  }
  let c: Partial<Calibration> | null = null;
  try {
    c = JSON.parse(text) as Partial<Calibration>;
  } catch {
    c = null;
  }
  const rate = c?.arrivalsPerSecPerCore;
  if (c === null || c.version !== 1 || typeof rate !== 'number' || !(rate > 0)) {
    throw new UsageError(`${file} is not an agentload calibration (expected {"version": 1, "arrivalsPerSecPerCore": N, …}); run agentload calibrate to write it`);
  }
  return c as Calibration;
}
