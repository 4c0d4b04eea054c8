/**
 * The one line printed when connections hit the open-file limit (EMFILE).
 * Node cannot raise its own RLIMIT_NOFILE, so the fix is the shell's
 * `ulimit -n`; the line says the current soft and hard limits (read from
 * /proc/self/limits where it exists) so the reader knows how far they can go.
 */
import { readFileSync } from 'node:fs';

/** The process's open-file limits, or null where /proc is unavailable. */
export function openFileLimits(): { soft: string; hard: string } | null {
  try {
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m === null ? null : { soft: m[1]!, hard: m[2]! };
  } catch {
    return null;
  }
}

/** The line for the run log; `openConnections` is how many were open when the limit was hit. */
export function emfileLine(openConnections: number): string {
  const l = openFileLimits();
  const limits = l === null ? '' : ` (soft limit ${l.soft}, hard ${l.hard})`;
  const target = l !== null && /^\d+$/.test(l.hard) && Number(l.hard) > Number(l.soft) ? l.hard : 'a higher number, e.g. 65536';
  return `agentload: the open-file limit${limits} was reached at ${openConnections} open WebSocket connections; ` +
    `raise it with \`ulimit -n ${target}\` in the shell that runs agentload — further failures are counted as ws_errors:emfile`;
}
