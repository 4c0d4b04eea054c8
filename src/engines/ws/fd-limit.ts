/**
 * The one line printed when connections hit the open-file limit (EMFILE).
 * Node raises its own soft RLIMIT_NOFILE to the hard limit at startup, so by
 * the time agentload runs out of descriptors the hard limit is the ceiling,
 * and only the shell (or the system's limits) can lift it. The line names
 * the limit (read from /proc/self/limits where it exists) and the command.
 */
import { readFileSync } from 'node:fs';

/**
 * The process's open-file limits, or null where /proc is unavailable. Read
 * at engine init: once descriptors run out, reading /proc fails too.
 */
export function openFileLimits(): { soft: string; hard: string } | null {
  try {
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m === null ? null : { soft: m[1]!, hard: m[2]! };
  } catch {
    return null;
  }
}

/** Roughly twice what is needed, rounded up to a power of two, and at least 65536. */
function suggestedLimit(openConnections: number): number {
  let n = 65_536;
  while (n < openConnections * 2) n *= 2;
  return n;
}

/** The line for the run log; `openConnections` is how many were open when the limit was hit. */
export function emfileLine(openConnections: number, l: { soft: string; hard: string } | null): string {
  const limit = l === null ? '' : l.soft === l.hard ? ` (${l.soft})` : ` (soft ${l.soft}, hard ${l.hard})`;
  return `agentload: the open-file limit${limit} was reached with ${openConnections} WebSocket connections open; ` +
    `raise it with \`ulimit -n ${suggestedLimit(openConnections)}\` in the shell that starts agentload ` +
    '(above the hard limit needs root or /etc/security/limits.conf) — until then such connects fail as ws_errors:emfile';
}
