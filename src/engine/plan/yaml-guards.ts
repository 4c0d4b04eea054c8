/**
 * Guards that run around the YAML parser, because the parser itself cannot be
 * trusted with hostile input; the plan reader and the sim's `--config` reader
 * both parse through parseGuarded:
 *
 * - nesting depth, measured on the lexer's flat token stream before anything
 *   recursive runs: the yaml composer recurses once per level, and a thousand
 *   `[` (2 KB) overflowed V8's stack inside it, once even aborting the process.
 *   The same tokens feed the parser, so the text is lexed once (a second lexing
 *   pass was a third of the time `validate` took on a 10 000-step plan);
 * - duplicate map keys (and keys that are maps or lists), found in one linear pass: yaml's own check compares
 *   each key with every earlier one (a 20 000-key map took 6 s to parse), so
 *   it is turned off (`uniqueKeys: false`) and asked here instead;
 * - aliases to an enclosing node (`a: &x { b: *x }`), which yaml turns into a
 *   cyclic object that every later walk of the plan would follow forever;
 * - alias expansion, capped in toJsGuarded (a billion-laughs file).
 */
import { Alias, Composer, CST, Lexer, Parser, isAlias, isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import { aliasTargets } from './yaml-alias-targets.ts';

/** Deepest nesting a plan may have; the shipped plans use under 15 levels. */
export const MAX_NESTING_DEPTH = 64;

/** Tokens the lexer emits that are not source text (they take no column). */
const CONTROL_TOKENS = new Set(['\u0002', '\u0018', '\u001f']);
/** Token types that do not start a node. */
const NOT_A_NODE = new Set(['byte-order-mark', 'doc-mode', 'flow-error-end', 'scalar', 'doc-start', 'doc-end', 'newline',
  'map-value-ind', 'comma', 'space', 'comment', 'directive-line']);

/**
 * Counts nesting over a stream of lexer tokens. Block nesting is the stack of
 * columns at which nodes start (a node at a column not right of the enclosing
 * one closes it), flow nesting the count of open `[`/`{`. The count may run
 * one or two levels above the composer's own (a scalar value, an anchor,
 * counts as a level): the limit leaves room.
 */
class NestingMeter {
  readonly #columns: number[] = [];
  #flow = 0;
  #offset = 0;
  #lineStart = 0;
  /** Whether an alias (`*name`) was seen: without one the cyclic-alias walk has nothing to find. */
  hasAlias = false;

  constructor(private readonly text: string, private readonly maxDepth: number) {}

  /** Takes the next token; returns the offset where it passes the limit, or -1. */
  push(tok: string): number {
    if (CONTROL_TOKENS.has(tok)) return -1;
    const at = this.#offset;
    this.#offset += tok.length;
    const type = CST.tokenType(tok);
    if (type === 'alias') this.hasAlias = true;
    if (type === 'newline' || tok.includes('\n')) this.#lineStart = this.text.lastIndexOf('\n', this.#offset - 1) + 1;
    if (type === 'flow-seq-end' || type === 'flow-map-end') {
      if (this.#flow > 0) this.#flow--;
      return -1;
    }
    if (type !== null && NOT_A_NODE.has(type)) return -1;
    const columns = this.#columns;
    if (this.#flow === 0) {
      const col = at - this.#lineStart;
      while (columns.length > 0 && columns[columns.length - 1]! >= col) columns.pop();
      columns.push(col);
    }
    if (type === 'flow-seq-start' || type === 'flow-map-start') this.#flow++;
    return columns.length + this.#flow > this.maxDepth ? at : -1;
  }
}

/** The offset at which `text` first nests deeper than `maxDepth`, or -1 (see NestingMeter). */
export function nestingOverflowAt(text: string, maxDepth = MAX_NESTING_DEPTH): number {
  const meter = new NestingMeter(text, maxDepth);
  for (const tok of new Lexer().lex(text)) {
    const at = meter.push(tok);
    if (at >= 0) return at;
  }
  return -1;
}

/**
 * 1-based line and column of `offset`, counted in `text`: where parseGuarded
 * stopped early (`depth`), the LineCounter holds only the lines the parser reached.
 */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return { line, col: offset - text.lastIndexOf('\n', offset - 1) };
}

/** Aliases one file may expand into its value (yaml's guard against a billion-laughs file). */
export const MAX_ALIAS_COUNT = 10_000;

/** What parseGuarded found: `depth` stops the parse (no document); the others come from a parsed one. */
export interface YamlProblem {
  readonly kind: 'depth' | 'syntax' | 'key' | 'alias';
  /** Where in the text; LineCounter.linePos turns it into line and column. */
  readonly offset: number;
  /** Without a subject, e.g. `map keys must be unique`; `depth`: `nests deeper than 64 levels here`. */
  readonly message: string;
}

class TooDeep extends Error {
  constructor(readonly offset: number) {
    super(`nesting too deep at offset ${offset}`);
  }
}

/**
 * Parses one YAML document through the guards above, filling `lineCounter`.
 * Returns the document (null when it nests too deep, and then nothing was
 * composed) and every problem found, in the order found; an empty list means
 * toJsGuarded may be called. Merge keys (`<<`) are on.
 */
export function parseGuarded(text: string, lineCounter: LineCounter, maxDepth = MAX_NESTING_DEPTH): { doc: Document.Parsed | null; problems: YamlProblem[] } {
  return withPlainEnv(() => parse(text, lineCounter, maxDepth));
}

/**
 * Runs `f` with process.env swapped for a plain copy. yaml's parser reads
 * `process.env.LOG_TOKENS` once per token, and each read of Node's process.env
 * asks the operating system's environment: a third of the time parsing a
 * 10 000-step plan (750 000 tokens) took. `f` is synchronous, so no other code
 * sees the copy, and the real object is back before anything else runs.
 */
function withPlainEnv<T>(f: () => T): T {
  const env = process.env;
  process.env = { ...env };
  try {
    return f();
  } finally {
    process.env = env;
  }
}

function parse(text: string, lineCounter: LineCounter, maxDepth: number): { doc: Document.Parsed | null; problems: YamlProblem[] } {
  const meter = new NestingMeter(text, maxDepth);
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  function* tokens(): Generator<CST.Token> {
    for (const lexeme of new Lexer().lex(text)) {
      const at = meter.push(lexeme);
      if (at >= 0) throw new TooDeep(at);
      yield* parser.next(lexeme);
    }
    yield* parser.end();
  }
  const composer = new Composer({ merge: true, uniqueKeys: false });
  let doc: Document.Parsed | null = null;
  let secondAt = -1;
  try {
    for (const d of composer.compose(tokens(), true, text.length)) {
      if (doc !== null) {
        secondAt = d.range[0];
        break;
      }
      doc = d;
    }
  } catch (e) {
    if (!(e instanceof TooDeep)) throw e;
    return { doc: null, problems: [{ kind: 'depth', offset: e.offset, message: `nests deeper than ${maxDepth} levels here` }] };
  }
  if (doc === null) return { doc, problems: [] }; // compose(…, true) always ends with a document
  if (!meter.hasAlias) ALIAS_FREE.add(doc);
  const problems: YamlProblem[] = doc.errors.map((e) => ({ kind: 'syntax', offset: e.pos[0], message: e.message }));
  if (secondAt >= 0) problems.push({ kind: 'syntax', offset: secondAt, message: 'a second YAML document starts here; the file must hold one' });
  for (const k of mapKeyProblems(doc)) problems.push({ kind: 'key', offset: k.offset, message: k.message });
  for (const offset of meter.hasAlias ? cyclicAliasOffsets(doc) : []) {
    problems.push({ kind: 'alias', offset, message: 'this alias points at a node that contains it, which would never end' });
  }
  return { doc, problems };
}

/** Documents parseGuarded saw no alias in: toJsGuarded has no alias work to do for them. */
const ALIAS_FREE = new WeakSet<Document>();

type AliasResolve = (this: Alias, doc: Document, ctx?: { aliasResolveCache?: unknown[] }) => unknown;

/**
 * The document's value, with alias expansion capped at MAX_ALIAS_COUNT; throws yaml's error past it.
 *
 * yaml's toJS resolves each alias by scanning every alias and anchor before it (its alias cache is
 * that list), so a plan of 10 000 steps reused by alias spent 6 of its 8 CPU-seconds there. Each alias
 * is given, for this call only, a cache holding just its target (aliasTargets: one walk): yaml's own
 * resolution, counting and expansion cap then run unchanged on that one-entry list.
 */
export function toJsGuarded(doc: Document.Parsed): unknown {
  if (ALIAS_FREE.has(doc)) return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  const targets = aliasTargets(doc);
  // eslint-disable-next-line @typescript-eslint/unbound-method -- yaml's own method, always called with .call(alias) below
  const resolve = Alias.prototype.resolve as unknown as AliasResolve;
  for (const [alias, target] of targets) {
    const only = target === undefined ? [] : [target];
    const fast: AliasResolve = function (this: Alias, d, ctx) {
      if (ctx === undefined) return resolve.call(this, d);
      const kept = ctx.aliasResolveCache;
      ctx.aliasResolveCache = only;
      try {
        return resolve.call(this, d, ctx);
      } finally {
        ctx.aliasResolveCache = kept;
      }
    };
    Object.defineProperty(alias, 'resolve', { value: fast, configurable: true, writable: true });
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } finally {
    for (const alias of targets.keys()) delete (alias as { resolve?: unknown }).resolve;
  }
}

/** A problem with a map key: where it starts, and what is wrong. */
export interface KeyProblem {
  readonly offset: number;
  readonly message: string;
}

/**
 * Every map key that repeats an earlier key of the same map (scalar keys), and
 * every key that is itself a map or a list (`? [a, b]: 1`), which a plan
 * cannot mean and which yaml would turn into a string with a warning.
 */
export function mapKeyProblems(doc: Document): KeyProblem[] {
  const out: KeyProblem[] = [];
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      // Most maps of a plan have a few keys: comparing with the earlier ones is cheaper than a Set per map.
      const seen = node.items.length > 8 ? new Set<unknown>() : null;
      for (let i = 0; i < node.items.length; i++) {
        const key = node.items[i]!.key;
        if (isMap(key) || isSeq(key)) out.push({ offset: key.range?.[0] ?? 0, message: 'a map key must be a plain value, not a map or a list' });
        // `<<` may repeat: each merges another map in.
        else if (isScalar(key) && key.value !== '<<') {
          const isRepeat = seen === null ? repeatsEarlierKey(node.items, i, key.value) : seen.has(key.value);
          if (isRepeat) out.push({ offset: key.range?.[0] ?? 0, message: 'map keys must be unique' });
          else seen?.add(key.value);
        }
        visit(node.items[i]!.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return out;
}

function repeatsEarlierKey(items: ReadonlyArray<{ key: unknown }>, i: number, value: unknown): boolean {
  for (let j = 0; j < i; j++) {
    const k = items[j]!.key;
    if (isScalar(k) && k.value === value) return true;
  }
  return false;
}

/** Source offsets of every alias that points at a node enclosing it (a cycle once the plan is a JS object). */
export function cyclicAliasOffsets(doc: Document): number[] {
  const out: number[] = [];
  const ancestors = new Set<unknown>();
  const targets = aliasTargets(doc);
  const visit = (node: unknown): void => {
    if (isAlias(node)) {
      if (ancestors.has(targets.get(node))) out.push(node.range?.[0] ?? 0);
      return;
    }
    if (!isMap(node) && !isSeq(node)) return;
    ancestors.add(node);
    for (const item of node.items) {
      if (isMap(node)) {
        const pair = item as { key: unknown; value: unknown };
        visit(pair.key);
        visit(pair.value);
      } else visit(item);
    }
    ancestors.delete(node);
  };
  visit(doc.contents);
  return out;
}
