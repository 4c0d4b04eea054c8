/**
 * Loading the sim's YAML config file (`agentload sim --config sim.yml`).
 *
 * The file holds the sim block itself, or a single top-level `sim:` key (so a
 * snippet copied from a plan's `config.sim:` also works). Errors carry the
 * file:line:col of the offending key, mapped back with yaml's LineCounter.
 */

import { readFile } from 'node:fs/promises';
import { LineCounter, isNode, type Document } from 'yaml';
import { lineColAt, parseGuarded, toJsGuarded } from '../engine/plan/yaml-guards.ts';
import { UsageError } from '../engine/errors.ts';
import { simConfigError, validateSimConfig } from './sim-config.ts';

/**
 * Reads and parses `path` into a raw (unvalidated) sim block, through the plan
 * reader's YAML guards (nesting depth, alias expansion, cyclic aliases,
 * duplicate keys), so a hostile file is an error at its line:col, never a
 * stack overflow. Throws UsageError AGENTLOAD_E_SIM_CONFIG when the file is
 * unreadable (the only error without a position) or not YAML.
 */
export async function readSimConfigFile(path: string): Promise<{ raw: unknown; locate: (p: string) => Loc | undefined }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read sim config file ${path}: ${code}`, { cause: err }, 'AGENTLOAD_E_SIM_CONFIG');
  }
  const lineCounter = new LineCounter();
  const { doc, problems } = parseGuarded(text, lineCounter);
  if (doc === null) {
    throw new UsageError(`the sim config ${problems[0]!.message}`, {
      location: { file: path, ...lineColAt(text, problems[0]!.offset) }, hint: 'flatten the structure: no sim setting nests that deep',
    }, 'AGENTLOAD_E_SIM_CONFIG');
  }
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
    throw new UsageError(`invalid YAML: ${problems[0]!.message.split('\n')[0]}${more}`,
      { location: { file: path, ...lineCounter.linePos(problems[0]!.offset) } }, 'AGENTLOAD_E_SIM_CONFIG');
  }
  let raw: unknown;
  try {
    raw = toJsGuarded(doc);
  } catch (e) {
    throw new UsageError(`invalid YAML: ${(e as Error).message}`, { location: { file: path, line: 1, col: 1 }, cause: e }, 'AGENTLOAD_E_SIM_CONFIG');
  }
  const prefix: string[] = [];
  if (isSimWrapper(raw)) {
    raw = (raw as { sim: unknown }).sim;
    prefix.push('sim');
  }
  return { raw, locate: (p) => locateKey(doc, lineCounter, path, p === '(root)' ? prefix : [...prefix, ...p.split('.')]) };
}

/** A position inside a config file. */
export interface Loc {
  file: string;
  line: number;
  col: number;
}

function isSimWrapper(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) &&
    Object.keys(raw).length === 1 && 'sim' in raw;
}

function locateKey(doc: Document, lc: LineCounter, file: string, keyPath: string[]): Loc | undefined {
  // Walk up the path until a node exists, so a missing child still points at its parent; the document itself at worst.
  for (let n = keyPath.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keyPath.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = lc.linePos(node.range[0]);
      return { file, line: pos.line, col: pos.col };
    }
  }
  return { file, line: 1, col: 1 };
}

/**
 * Reads `path` and returns its validated sim block merged over nothing (the
 * caller layers flags on top). Throws UsageError AGENTLOAD_E_SIM_CONFIG with
 * the file position of the first bad key. Config time only.
 */
export async function loadSimConfigFile(path: string): Promise<Record<string, unknown>> {
  const { raw, locate } = await readSimConfigFile(path);
  const { problems } = validateSimConfig(raw);
  if (problems.length > 0) throw simConfigError(problems, path, locate(problems[0]!.path));
  return (raw ?? {}) as Record<string, unknown>;
}
