/**
 * Every command's flags are one table (node:util parseArgs options plus an
 * optional `help` text and `arg` name): the parser, `--help` and the
 * did-you-mean for an unknown flag all read the same table, so a flag added
 * to a table shows up in all three with nothing else to update.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../engine/errors.ts';

/** One flag: parseArgs' option plus its help. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** One line for `--help`; flags without one are still listed, by name. */
  readonly help?: string;
  /** The value's placeholder in `--help` (`FILE`, `N`, …); default `VALUE` for string flags. */
  readonly arg?: string;
}

/** A command's flags by long name (without `--`). */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

type Parsed<T extends FlagTable> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

/** Edit distance, for did-you-mean (names are short; the quadratic table is fine). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known flag closest to `given` (a prefix, or within a third of its length in edits; one for names of four letters or fewer), or null. */
export function closestFlag(given: string, names: readonly string[]): string | null {
  const g = given.replace(/^-+/, '').replace(/=.*$/, '');
  if (g === '') return null;
  const prefixed = names.filter((n) => n.startsWith(g) || g.startsWith(n));
  if (prefixed.length === 1) return prefixed[0]!;
  let best: string | null = null;
  // Short names are a guess at two edits (csv → env); allow one there.
  let bestD = (g.length <= 4 ? 1 : Math.max(2, Math.floor(g.length / 3))) + 1;
  for (const n of names) {
    const d = editDistance(g, n);
    if (d < bestD) { best = n; bestD = d; }
  }
  return best;
}

/**
 * Parses `args` against `table` for `agentload <command>`. An unknown flag is
 * a UsageError naming it, the closest known flag and `--help`; a missing value
 * names the flag and what it takes.
 */
export function parseFlags<T extends FlagTable>(args: string[], table: T, command: string): Parsed<T> {
  try {
    return parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>({ args, options: table, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0]!.replace(/\.$/, '');
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    if (unknown !== null) {
      const near = closestFlag(unknown[1]!, Object.keys(table));
      throw new UsageError(`unknown option ${unknown[1]} for agentload ${command}${near === null ? '' : `; did you mean --${near}?`}`, {
        hint: `agentload ${command} --help lists every option`,
      });
    }
    throw new UsageError(message.replace(/^Option '([^']+)' argument missing/, "option '$1' expects a value"), { hint: `agentload ${command} --help lists every option` });
  }
}

/** `--help` lines for a table: `  -o, --output FILE   help`, aligned. */
export function flagHelpLines(table: FlagTable): string[] {
  const heads = Object.entries(table).map(([name, f]) => {
    const value = f.type === 'string' ? ` ${f.arg ?? 'VALUE'}` : '';
    return [`${f.short ? `-${f.short}, ` : '    '}--${name}${value}`, f.help ?? ''] as const;
  });
  const width = Math.min(30, Math.max(...heads.map(([h]) => h.length)));
  return heads.map(([h, text]) => (text === '' ? `  ${h}` : h.length > width ? `  ${h}\n  ${' '.repeat(width)}  ${text}` : `  ${h.padEnd(width)}  ${text}`));
}
