/**
 * Artillery's `--config FILE` (`-c`): a second YAML file merged into the
 * script before anything reads it, so one config can serve many scenario
 * files (`artillery run --config common-config.yml scenarios/dino.yml`).
 *
 * Artillery reads the script, then the config file, and merges each into the
 * last with lodash's merge: maps merge key by key, the config file's value
 * wins where both set one, and lists merge item by item (a list in the file
 * replaces the script's items at the same indexes and keeps the rest).
 * `config.processor` from the file is found next to the file (Artillery's
 * resolveConfigPath: falling back to the script's folder when no such file
 * is there); payload paths stay relative to the script, as Artillery keeps them.
 *
 * Diagnostics name the file a value was written in: a path the config file
 * sets is located there (MergedPositions), any other in the script.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter } from 'yaml';
import { PlanError, planErrors } from '../errors.ts';
import { parseGuarded, toJsGuarded } from './yaml-guards.ts';
import { YamlPositions, type PathSegment, type PlanPositions } from './yaml-positions.ts';
import type { SourceLocation } from '../errors.ts';

/**
 * Positions over two files: a path the config file holds is where it wrote
 * it, any other where the script did. Aliases (the Artillery rewrite's moved
 * paths) apply to both.
 */
class MergedPositions implements PlanPositions {
  constructor(private readonly script: PlanPositions, private readonly configFile: PlanPositions, private readonly scriptFile: string) {}

  alias(to: readonly PathSegment[], from: readonly PathSegment[]): void {
    this.script.alias(to, from);
    this.configFile.alias(to, from);
  }

  has(segments: readonly PathSegment[]): boolean {
    return this.configFile.has(segments) || this.script.has(segments);
  }

  of(segments: readonly PathSegment[]): SourceLocation | undefined {
    return (segments.length > 0 ? this.configFile.of(segments) : undefined) ?? this.script.of(segments);
  }

  keyOf(segments: readonly PathSegment[]): SourceLocation | undefined {
    return this.configFile.keyOf(segments) ?? this.script.keyOf(segments);
  }

  /** Position of the deepest existing prefix of the path, in whichever file holds it; the script's start at worst. */
  nearest(segments: readonly PathSegment[]): SourceLocation {
    for (let n = segments.length; n >= 0; n--) {
      const at = this.of(segments.slice(0, n));
      if (at !== undefined) return at;
    }
    return { file: this.scriptFile, line: 1, col: 1 };
  }
}

/** The script's data with the config file merged in, and positions over both. */
export function mergeConfigFile(data: unknown, positions: PlanPositions, scriptFile: string, configPath: string): { data: unknown; positions: PlanPositions } {
  const file = resolve(configPath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw planErrors([new PlanError('AGENTLOAD_E_PLAN_READ', `cannot read the --config file ${configPath}: ${reason}`, { cause: e, hint: 'pass the path of an Artillery config file (a YAML file with a config section)' })]);
  }
  const lines = new LineCounter();
  const at = (offset: number): SourceLocation => ({ file, ...lines.linePos(offset) });
  const { doc, problems } = parseGuarded(text, lines);
  if (doc === null || problems.length > 0) {
    throw planErrors(problems.map((p) => new PlanError(doc === null ? 'AGENTLOAD_E_PLAN_LIMIT' : 'AGENTLOAD_E_YAML', doc === null ? `the config file ${p.message}` : p.message, { location: doc === null ? { file, line: 1, col: 1 } : at(p.offset) })));
  }
  let extra: unknown;
  try {
    extra = toJsGuarded(doc);
  } catch (e) {
    throw planErrors([new PlanError('AGENTLOAD_E_YAML', (e as Error).message, { location: at(0), cause: e })]);
  }
  if (!isRecord(extra)) {
    throw planErrors([new PlanError('AGENTLOAD_E_SCHEMA', `expected the --config file to be a map with a config section, got ${extra === null ? 'an empty file' : typeof extra}`, { location: { file, line: 1, col: 1 } })]);
  }
  const config = extra.config;
  if (isRecord(config) && typeof config.processor === 'string') {
    const nextToFile = resolve(dirname(file), config.processor);
    if (existsSync(nextToFile)) config.processor = nextToFile;
    else config.processor = resolve(dirname(resolve(scriptFile)), config.processor);
  }
  const merged = mergeLikeArtillery(isRecord(data) ? data : {}, extra);
  return { data: merged, positions: new MergedPositions(positions, new YamlPositions(doc, lines, file), scriptFile) };
}

/** lodash's merge on parsed YAML: maps and lists merge into the same kind (lists by index); anything else replaces; undefined never does. */
function mergeLikeArtillery(into: Record<string, unknown> | unknown[], from: Record<string, unknown> | unknown[]): Record<string, unknown> | unknown[] {
  for (const [k, v] of Object.entries(from)) {
    if (v === undefined) continue;
    const key = Array.isArray(into) ? Number(k) : k;
    const current = (into as Record<string | number, unknown>)[key];
    if (isRecord(v) && isRecord(current)) mergeLikeArtillery(current, v);
    else if (Array.isArray(v) && Array.isArray(current)) mergeLikeArtillery(current, v);
    else (into as Record<string | number, unknown>)[key] = v;
  }
  return into;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
