/**
 * Maps paths in a parsed plan back to where they were written, so that every
 * diagnostic (schema, semantic, compile-time) can name file:line:col.
 *
 * Two spellings of a path meet here: Ajv's JSON pointer (`/config/phases/1`)
 * and the YAML path users read in messages (`config.phases[1]`). Both are
 * turned into segments (`['config', 'phases', 1]`) and walked over the YAML
 * AST, following aliases and `<<` merge keys.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode } from 'yaml';
import type { SourceLocation } from '../errors.ts';
import { aliasTargets } from './yaml-alias-targets.ts';

/** One step of a path: a map key or a sequence index. */
export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][\w$-]*$/;
const TOKEN = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/**
 * `['config', 'phases', 1, 'duration']` → `config.phases[1].duration`.
 * Keys that are not identifiers are quoted: `byName["agent.ping"]`.
 * The inverse of parseYamlPath; used in every diagnostic's `yamlPath`.
 */
export function formatYamlPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Parses a path written by formatYamlPath; undefined when it is malformed. */
export function parseYamlPath(path: string): PathSegment[] | undefined {
  const out: PathSegment[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < path.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(path);
    if (m === null || (start === 0 && path[0] === '.')) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]!) as string);
  }
  return out;
}

/**
 * Ajv's instancePath (`/scenarios/0/flow`) → segments. Array indices become
 * numbers by looking at `data`, since a pointer cannot tell `/0` in a list
 * from a map key named "0".
 */
export function pointerToSegments(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let cursor: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cursor)) {
      out.push(Number(key));
      cursor = cursor[Number(key)];
    } else {
      out.push(key);
      cursor = typeof cursor === 'object' && cursor !== null ? (cursor as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

interface Hit {
  /** The key node of a map entry; null for sequence items and the root. */
  key: YamlNode | null;
  /** The value as written (possibly an alias); null for `key:` with nothing after it. */
  value: YamlNode | null;
}

/**
 * Source positions of one parsed plan file. Built once per load by the plan
 * loader; read-only afterwards, so `PlanInput.locate` may call it any time.
 */
/**
 * Where the paths of a plan are written: one YAML file (YamlPositions), or a
 * script with a config file merged in (config-file.ts). Readers of a plan
 * locate through this, whichever it is.
 */
export interface PlanPositions {
  alias(to: readonly PathSegment[], from: readonly PathSegment[]): void;
  has(segments: readonly PathSegment[]): boolean;
  of(segments: readonly PathSegment[]): SourceLocation | undefined;
  keyOf(segments: readonly PathSegment[]): SourceLocation | undefined;
  nearest(segments: readonly PathSegment[]): SourceLocation;
}

export class YamlPositions implements PlanPositions {
  readonly #doc: Document;
  readonly #lines: LineCounter;
  readonly #file: string;

  readonly #aliases: Array<readonly [readonly PathSegment[], readonly PathSegment[]]> = [];
  /** Built at the first alias met: a plan without aliases, or without errors to locate, never pays for it. */
  #aliasTargets: ReturnType<typeof aliasTargets> | undefined;

  constructor(doc: Document, lineCounter: LineCounter, file: string) {
    this.#doc = doc;
    this.#lines = lineCounter;
    this.#file = file;
  }

  /**
   * Paths under `to` are written under `from` in the file: a dialect (the
   * Artillery rewrite) moved or renamed them before validation. Later
   * aliases win; a path is rewritten by its longest matching alias.
   */
  alias(to: readonly PathSegment[], from: readonly PathSegment[]): void {
    this.#aliases.push([to, from]);
  }

  #unalias(segments: readonly PathSegment[]): readonly PathSegment[] {
    let best: readonly [readonly PathSegment[], readonly PathSegment[]] | null = null;
    for (const a of this.#aliases) {
      if (a[0].length <= segments.length && a[0].every((s, i) => s === segments[i]) && (best === null || a[0].length >= best[0].length)) best = a;
    }
    return best === null ? segments : [...best[1], ...segments.slice(best[0].length)];
  }

  /** True when the path exists in the YAML as written. */
  has(segments: readonly PathSegment[]): boolean {
    return this.#walk(segments).length === this.#unalias(segments).length;
  }

  /**
   * Where the path's value is written: the value itself for scalars, the
   * `key:` for maps and lists (that is where a reader looks), the item for
   * list entries. Undefined when the path does not exist.
   */
  of(segments: readonly PathSegment[]): SourceLocation | undefined {
    const hits = this.#walk(segments);
    if (hits.length !== this.#unalias(segments).length) return undefined;
    if (hits.length === 0) return this.#pos(this.#doc.contents);
    const { key, value } = hits[hits.length - 1]!;
    if (value !== null && (key === null || isScalar(value) || isAlias(value))) return this.#pos(value);
    return this.#pos(key ?? value);
  }

  /** Where the last segment's key is written (for unknown keys); undefined if absent. */
  keyOf(segments: readonly PathSegment[]): SourceLocation | undefined {
    const hits = this.#walk(segments);
    if (hits.length !== this.#unalias(segments).length || hits.length === 0) return undefined;
    const { key, value } = hits[hits.length - 1]!;
    return this.#pos(key ?? value);
  }

  /** Position of the deepest existing prefix of the path; the file start at worst. */
  nearest(segments: readonly PathSegment[]): SourceLocation {
    for (let n = segments.length; n >= 0; n--) {
      const at = this.of(segments.slice(0, n));
      if (at !== undefined) return at;
    }
    return { file: this.#file, line: 1, col: 1 };
  }

  #walk(path: readonly PathSegment[]): Hit[] {
    const segments = this.#aliases.length === 0 ? path : this.#unalias(path);
    const hits: Hit[] = [];
    let node: unknown = this.#doc.contents;
    for (const seg of segments) {
      const hit = this.#child(this.#deref(node), seg, 0);
      if (hit === undefined) break;
      hits.push(hit);
      node = hit.value;
    }
    return hits;
  }

  #child(node: unknown, seg: PathSegment, depth: number): Hit | undefined {
    if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      return item === undefined ? undefined : { key: null, value: asNode(item) };
    }
    if (!isMap(node) || depth > 20) return undefined;
    const merges: unknown[] = [];
    for (const pair of node.items) {
      const k = pair.key;
      if (isScalar(k) && (k.source === '<<' || typeof k.value === 'symbol')) merges.push(pair.value);
      else if (isScalar(k) && String(k.value) === String(seg)) return { key: k, value: asNode(pair.value) };
    }
    // Keys written in the map win over merged ones, as in YAML's merge semantics.
    for (const m of merges) {
      const sources = isSeq(m) ? m.items : [m];
      for (const src of sources) {
        const hit = this.#child(this.#deref(src), seg, depth + 1);
        if (hit !== undefined) return hit;
      }
    }
    return undefined;
  }

  #deref(node: unknown): unknown {
    if (!isAlias(node)) return node;
    this.#aliasTargets ??= aliasTargets(this.#doc);
    return this.#aliasTargets.get(node);
  }

  #pos(node: YamlNode | null | undefined): SourceLocation {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file: this.#file, line: 1, col: 1 };
    const { line, col } = this.#lines.linePos(offset);
    return { file: this.#file, line, col };
  }
}

function asNode(v: unknown): YamlNode | null {
  return typeof v === 'object' && v !== null && 'range' in v ? (v as YamlNode) : null;
}
