/**
 * Guards that run around the YAML parser, because the parser itself cannot be
 * trusted with hostile input:
 *
 * - nesting depth, measured on the lexer's flat token stream before anything
 *   recursive runs: the yaml composer recurses once per level, and a thousand
 *   `[` (2 KB) overflowed V8's stack inside it, once even aborting the process;
 * - duplicate map keys (and keys that are maps or lists), found in one linear pass: yaml's own check compares
 *   each key with every earlier one (a 20 000-key map took 6 s to parse), so
 *   loadPlan turns it off (`uniqueKeys: false`) and asks here instead;
 * - aliases to an enclosing node (`a: &x { b: *x }`), which yaml turns into a
 *   cyclic object that every later walk of the plan would follow forever.
 */
import { CST, Lexer, isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';

/** Deepest nesting a plan may have; the shipped plans use under 15 levels. */
export const MAX_NESTING_DEPTH = 64;

/** Tokens the lexer emits that are not source text (they take no column). */
const CONTROL_TOKENS = new Set(['\u0002', '\u0018', '\u001f']);
/** Token types that do not start a node. */
const NOT_A_NODE = new Set(['byte-order-mark', 'doc-mode', 'flow-error-end', 'scalar', 'doc-start', 'doc-end', 'newline',
  'map-value-ind', 'comma', 'space', 'comment', 'directive-line']);

/**
 * The offset at which `text` first nests deeper than `maxDepth`, or -1.
 * Block nesting is the stack of columns at which nodes start (a node at a
 * column not right of the enclosing one closes it), flow nesting the count
 * of open `[`/`{`. The count may run one or two levels above the composer's
 * own (a scalar value, an anchor, counts as a level): the limit leaves room.
 */
export function nestingOverflowAt(text: string, maxDepth = MAX_NESTING_DEPTH): number {
  const columns: number[] = [];
  let flow = 0;
  let offset = 0;
  let lineStart = 0;
  for (const tok of new Lexer().lex(text)) {
    if (CONTROL_TOKENS.has(tok)) continue;
    const at = offset;
    offset += tok.length;
    const type = CST.tokenType(tok);
    if (type === 'newline' || tok.includes('\n')) lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    if (type === 'flow-seq-end' || type === 'flow-map-end') {
      if (flow > 0) flow--;
      continue;
    }
    if (type !== null && NOT_A_NODE.has(type)) continue;
    if (flow === 0) {
      const col = at - lineStart;
      while (columns.length > 0 && columns[columns.length - 1]! >= col) columns.pop();
      columns.push(col);
    }
    if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
    if (columns.length + flow > maxDepth) return at;
  }
  return -1;
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
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isMap(key) || isSeq(key)) out.push({ offset: key.range?.[0] ?? 0, message: 'a map key must be a plain value, not a map or a list' });
        // `<<` may repeat: each merges another map in.
        else if (isScalar(key) && key.value !== '<<') {
          if (seen.has(key.value)) out.push({ offset: key.range?.[0] ?? 0, message: 'map keys must be unique' });
          else seen.add(key.value);
        }
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents as Node | null);
  return out;
}

/** Source offsets of every alias that points at a node enclosing it (a cycle once the plan is a JS object). */
export function cyclicAliasOffsets(doc: Document): number[] {
  const out: number[] = [];
  const ancestors = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (isAlias(node)) {
      if (ancestors.has(node.resolve(doc))) out.push(node.range?.[0] ?? 0);
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
