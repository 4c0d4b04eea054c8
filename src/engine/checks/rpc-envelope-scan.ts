/**
 * Reads a JSON-RPC answer's envelope (`jsonrpc`, `id`, `error`) straight
 * from the response bytes, without building its `result`: classification
 * needs only those members when no expect or capture reads the answer, and
 * a tool's result can be large. The skipped values are still checked
 * against the JSON grammar (RFC 8259), so a body that JSON.parse would
 * refuse is refused here too, and the verdict is the same as with a full
 * parse (jsonrpc-verdict.ts).
 *
 *   {"jsonrpc":"2.0","result":{ … skipped, checked … },"id":7}
 *     → { jsonrpc: '2.0', result: true, id: 7 }        (result is a stand-in)
 *   {"jsonrpc":"2.0","error":{"code":-32001,…},"id":7}
 *     → { jsonrpc: '2.0', error: { code: -32001, … }, id: 7 }  (error parsed whole)
 *
 * A repeated member keeps its last value, as with JSON.parse; the answer
 * object holds the members in a fixed order (jsonrpc, result, error, id).
 */

/** What scanEnvelope answers for a body that is JSON but not an object (an array, a number …): no envelope. */
export const NOT_AN_OBJECT: readonly unknown[] = Object.freeze([]);
/** Nesting deeper than this is handed back to JSON.parse (the caller's fallback) rather than scanned. */
const MAX_DEPTH = 512;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** 1 for the bytes that end a run of plain string content: the quote, the backslash and control characters. */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) STRING_STOP[c] = 1;
STRING_STOP[QUOTE] = 1;
STRING_STOP[BACKSLASH] = 1;

/** What skipValue answers for a value nested deeper than MAX_DEPTH (malformed is -1). */
const TOO_DEEP = -2;
/** Kinds of the open containers while skipping a value, innermost last (skipValue's explicit stack). */
const OBJECT = 1;
const ARRAY = 2;
const openContainers = new Uint8Array(MAX_DEPTH);

/*
 * The skipping is written as plain functions over a local position, not methods over a field: every byte
 * read and every step is then a register operation, where `this.pos` was a load and a store each time.
 */

/** The position after the whitespace at p. */
function ws(b: Buffer, p: number): number {
  for (;;) {
    const c = b[p];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
    else return p;
  }
}

/** The position after the string whose opening quote is at p, or -1 when it is malformed. */
function skipString(b: Buffer, p: number): number {
  const end = b.length;
  p++;
  while (p < end) {
    const c = b[p]!;
    // One table load per plain byte: most of a string is neither quote, backslash nor control.
    if (STRING_STOP[c] === 0) {
      p++;
      continue;
    }
    if (c === QUOTE) return p + 1;
    if (c < 0x20) return -1;
    // A backslash.
    const e = b[p + 1];
    if (e === 0x75) {
      for (let i = 2; i < 6; i++) if (!isHex(b[p + i])) return -1;
      p += 6;
      continue;
    }
    if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1;
    p += 2;
  }
  return -1;
}

/** The position after the number at p, or -1 when it is malformed. */
function skipNumber(b: Buffer, p: number): number {
  if (b[p] === 0x2d) p++;
  if (b[p] === 0x30) p++;
  else if (isDigit19(b[p])) while (isDigit(b[p])) p++;
  else return -1;
  if (b[p] === 0x2e) {
    p++;
    if (!isDigit(b[p])) return -1;
    while (isDigit(b[p])) p++;
  }
  if (b[p] === 0x65 || b[p] === 0x45) {
    p++;
    if (b[p] === 0x2b || b[p] === 0x2d) p++;
    if (!isDigit(b[p])) return -1;
    while (isDigit(b[p])) p++;
  }
  return p;
}

/** The position after the literal `word` at p, or -1. */
function skipLiteral(b: Buffer, p: number, word: string): number {
  for (let i = 0; i < word.length; i++) if (b[p + i] !== word.charCodeAt(i)) return -1;
  return p + word.length;
}

/** After a member's key (p just past its closing quote): whitespace, ':', whitespace; the value's position, or -1. */
function skipColon(b: Buffer, p: number): number {
  p = ws(b, p);
  if (b[p] !== 0x3a) return -1;
  return ws(b, p + 1);
}

/** A member's key and colon at p: the value's position, or -1. */
function skipKey(b: Buffer, p: number): number {
  if (b[p] !== QUOTE) return -1;
  p = skipString(b, p);
  return p < 0 ? -1 : skipColon(b, p);
}

/**
 * The position after the value at p (no leading whitespace), -1 when it is malformed, or TOO_DEEP when a
 * container opens at nesting `depth` + its own ≥ MAX_DEPTH. Iterative: nesting is the openContainers stack.
 */
function skipValue(b: Buffer, p: number, depth: number): number {
  let open = 0;
  for (;;) {
    // A value at p.
    const c = b[p];
    if (c === QUOTE) p = skipString(b, p);
    else if (c === 0x7b || c === 0x5b) {
      if (depth + open >= MAX_DEPTH) return TOO_DEEP;
      const isObject = c === 0x7b;
      p = ws(b, p + 1);
      if (b[p] === (isObject ? 0x7d : 0x5d)) p++;
      else {
        openContainers[open++] = isObject ? OBJECT : ARRAY;
        if (isObject) {
          p = skipKey(b, p);
          if (p < 0) return -1;
        }
        continue;
      }
    } else if (c === 0x74) p = skipLiteral(b, p, 'true');
    else if (c === 0x66) p = skipLiteral(b, p, 'false');
    else if (c === 0x6e) p = skipLiteral(b, p, 'null');
    else p = skipNumber(b, p);
    if (p < 0) return -1;
    // After a value: close what ends here, or go on to the next member or element.
    for (;;) {
      if (open === 0) return p;
      p = ws(b, p);
      const kind = openContainers[open - 1];
      const d = b[p];
      if (d === 0x2c) {
        p = ws(b, p + 1);
        if (kind === OBJECT) {
          p = skipKey(b, p);
          if (p < 0) return -1;
        }
        break;
      }
      if (d === (kind === OBJECT ? 0x7d : 0x5d)) {
        p++;
        open--;
        continue;
      }
      return -1;
    }
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isDigit19(c: number | undefined): boolean {
  return c !== undefined && c >= 0x31 && c <= 0x39;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/** The parsed value of b[from, to), a member classification reads (small: a string, a number, the error object). */
function parseSlice(b: Buffer, from: number, to: number): unknown {
  return JSON.parse(b.toString('utf8', from, to));
}

/** True when b[from, to) holds exactly the ASCII text `word`. */
function isText(b: Buffer, from: number, to: number, word: string): boolean {
  if (to - from !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (b[from + i] !== word.charCodeAt(i)) return false;
  return true;
}

/** The name of the member whose quoted key is b[from, to), when classification reads it; '' for any other. */
function memberName(b: Buffer, from: number, to: number): string {
  for (let i = from + 1; i < to - 1; i++) {
    if (b[i] !== BACKSLASH) continue;
    const escaped = parseSlice(b, from, to) as string;
    return (MEMBERS as readonly string[]).includes(escaped) ? escaped : '';
  }
  // The four names differ in length: one comparison at most.
  const name = MEMBER_BY_LENGTH[to - from - 2];
  return name !== undefined && isText(b, from + 1, to - 1, name) ? name : '';
}

const MEMBERS = ['result', 'id', 'jsonrpc', 'error'] as const;
const MEMBER_BY_LENGTH: Array<string | undefined> = [];
for (const m of MEMBERS) MEMBER_BY_LENGTH[m.length] = m;

/** A member's value: the common shapes ("2.0", a small integer id) without JSON.parse, the rest through it. */
function memberValue(b: Buffer, from: number, to: number): unknown {
  if (isText(b, from, to, '"2.0"')) return '2.0';
  let n = 0;
  let i = from;
  // Up to 15 digits: exact as a double (a longer id goes through JSON.parse).
  for (; i < to && i - from < 15; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  if (i === to && (to - from === 1 || b[from] !== 0x30)) return n;
  return parseSlice(b, from, to);
}

/**
 * The envelope of the JSON answer in `b`: an object with the members
 * `jsonrpc`, `id` and `error` parsed and `result` present as `true`;
 * NOT_AN_OBJECT for JSON that is not an object; undefined for a body that
 * is not JSON; null when the nesting is too deep to scan (parse it whole).
 */
export function scanEnvelope(b: Buffer): Record<string, unknown> | typeof NOT_AN_OBJECT | undefined | null {
  let p = ws(b, 0);
  if (b[p] !== 0x7b) {
    p = skipValue(b, p, 0);
    if (p < 0) return p === TOO_DEEP ? null : undefined;
    return ws(b, p) === b.length ? NOT_AN_OBJECT : undefined;
  }
  // The members go into locals and the answer is built once at the end: an object grown member by member,
  // with computed keys, took a shape transition and a keyed store per member.
  let seen = 0;
  let jsonrpc: unknown, id: unknown, error: unknown;
  p = ws(b, p + 1);
  if (b[p] === 0x7d) p++;
  else {
    for (;;) {
      const keyAt = p;
      if (b[keyAt] !== QUOTE) return undefined;
      const keyEnd = skipString(b, keyAt);
      if (keyEnd < 0) return undefined;
      const valueAt = skipColon(b, keyEnd);
      if (valueAt < 0) return undefined;
      p = skipValue(b, valueAt, 1);
      if (p < 0) return p === TOO_DEEP ? null : undefined;
      const key = memberName(b, keyAt, keyEnd);
      if (key === 'result') seen |= RESULT;
      else if (key === 'jsonrpc') {
        seen |= JSONRPC;
        jsonrpc = memberValue(b, valueAt, p);
      } else if (key === 'id') {
        seen |= ID;
        id = memberValue(b, valueAt, p);
      } else if (key === 'error') {
        seen |= ERROR;
        error = memberValue(b, valueAt, p);
      }
      p = ws(b, p);
      const c = b[p++];
      if (c === 0x7d) break;
      if (c !== 0x2c) return undefined;
      p = ws(b, p);
    }
  }
  if (ws(b, p) !== b.length) return undefined;
  // The common answers, as object literals of one shape each.
  if (seen === (JSONRPC | RESULT | ID)) return { jsonrpc, result: true, id };
  if (seen === (JSONRPC | ERROR | ID)) return { jsonrpc, error, id };
  const out: Record<string, unknown> = {};
  if (seen & JSONRPC) out.jsonrpc = jsonrpc;
  if (seen & RESULT) out.result = true;
  if (seen & ERROR) out.error = error;
  if (seen & ID) out.id = id;
  return out;
}

const JSONRPC = 1;
const RESULT = 2;
const ERROR = 4;
const ID = 8;
