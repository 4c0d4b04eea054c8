/** Runs the real `bin/agentload` as a child process, for end-to-end tests. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the child's working directory). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Spawns `bin/agentload ARGS` from the repository root; resolves its exit code and output. */
export function agentload(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/agentload'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d; });
    child.stderr.on('data', (d: Buffer) => { err += d; });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}
