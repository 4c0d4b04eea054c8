/** Process checks shared by tests that must prove no child outlives its parent. */

/** True while a process with `pid` exists (signal 0 probes without killing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
