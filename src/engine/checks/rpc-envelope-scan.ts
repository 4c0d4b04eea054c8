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

class Scanner {
  pos = 0;
  isTooDeep = false;
  b: Buffer = Buffer.alloc(0);

  reset(b: Buffer): void {
    this.b = b;
    this.pos = 0;
    this.isTooDeep = false;
  }

  ws(): void {
    const b = this.b;
    let p = this.pos;
    for (;;) {
      const c = b[p];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) p++;
      else break;
    }
    this.pos = p;
  }

  /** Skips one string from its opening quote; false when malformed. */
  string(): boolean {
    const b = this.b;
    let p = this.pos + 1;
    const end = b.length;
    while (p < end) {
      const c = b[p]!;
      // One table load per plain byte: most of a string is neither quote, backslash nor control.
      if (STRING_STOP[c] === 0) {
        p++;
        continue;
      }
      if (c === QUOTE) {
        this.pos = p + 1;
        return true;
      }
      if (c < 0x20) return false;
      if (c === BACKSLASH) {
        const e = b[p + 1];
        if (e === 0x75) {
          for (let i = 2; i < 6; i++) if (!isHex(b[p + i])) return false;
          p += 6;
          continue;
        }
        if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return false;
        p += 2;
        continue;
      }
      p++;
    }
    return false;
  }

  number(): boolean {
    const b = this.b;
    let p = this.pos;
    if (b[p] === 0x2d) p++;
    if (b[p] === 0x30) p++;
    else if (isDigit19(b[p])) while (isDigit(b[p])) p++;
    else return false;
    if (b[p] === 0x2e) {
      p++;
      if (!isDigit(b[p])) return false;
      while (isDigit(b[p])) p++;
    }
    if (b[p] === 0x65 || b[p] === 0x45) {
      p++;
      if (b[p] === 0x2b || b[p] === 0x2d) p++;
      if (!isDigit(b[p])) return false;
      while (isDigit(b[p])) p++;
    }
    this.pos = p;
    return true;
  }

  literal(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.b[this.pos + i] !== word.charCodeAt(i)) return false;
    this.pos += word.length;
    return true;
  }

  /** Skips one value at pos (no leading whitespace); false when malformed. */
  value(depth: number): boolean {
    const c = this.b[this.pos];
    if (c === QUOTE) return this.string();
    if (c === 0x7b) return this.container(depth, 0x7d, true);
    if (c === 0x5b) return this.container(depth, 0x5d, false);
    if (c === 0x74) return this.literal('true');
    if (c === 0x66) return this.literal('false');
    if (c === 0x6e) return this.literal('null');
    return this.number();
  }

  /** An object (members "key": value) or an array, from its opening bracket. */
  private container(depth: number, close: number, isObject: boolean): boolean {
    if (depth >= MAX_DEPTH) {
      this.isTooDeep = true;
      return false;
    }
    this.pos++;
    this.ws();
    if (this.b[this.pos] === close) {
      this.pos++;
      return true;
    }
    for (;;) {
      if (isObject) {
        if (this.b[this.pos] !== QUOTE || !this.string()) return false;
        this.ws();
        if (this.b[this.pos] !== 0x3a) return false;
        this.pos++;
        this.ws();
      }
      if (!this.value(depth + 1)) return false;
      this.ws();
      const c = this.b[this.pos];
      if (c === close) {
        this.pos++;
        return true;
      }
      if (c !== 0x2c) return false;
      this.pos++;
      this.ws();
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

/** One scanner, reused: scanning is synchronous, so no two answers share it at once. */
const scanner = new Scanner();

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
  const s = scanner;
  s.reset(b);
  s.ws();
  if (b[s.pos] !== 0x7b) {
    if (!s.value(0)) return s.isTooDeep ? null : undefined;
    s.ws();
    return s.pos === b.length ? NOT_AN_OBJECT : undefined;
  }
  // The members go into locals and the answer is built once at the end: an object grown member by member,
  // with computed keys, took a shape transition and a keyed store per member.
  let seen = 0;
  let jsonrpc: unknown, id: unknown, error: unknown;
  s.pos++;
  s.ws();
  if (b[s.pos] === 0x7d) s.pos++;
  else {
    for (;;) {
      const keyAt = s.pos;
      if (b[keyAt] !== QUOTE || !s.string()) return undefined;
      const keyEnd = s.pos;
      s.ws();
      if (b[s.pos] !== 0x3a) return undefined;
      s.pos++;
      s.ws();
      const valueAt = s.pos;
      if (!s.value(1)) return s.isTooDeep ? null : undefined;
      const key = memberName(b, keyAt, keyEnd);
      if (key === 'result') seen |= RESULT;
      else if (key === 'jsonrpc') {
        seen |= JSONRPC;
        jsonrpc = memberValue(b, valueAt, s.pos);
      } else if (key === 'id') {
        seen |= ID;
        id = memberValue(b, valueAt, s.pos);
      } else if (key === 'error') {
        seen |= ERROR;
        error = memberValue(b, valueAt, s.pos);
      }
      s.ws();
      const c = b[s.pos];
      s.pos++;
      if (c === 0x7d) break;
      if (c !== 0x2c) return undefined;
      s.ws();
    }
  }
  s.ws();
  if (s.pos !== b.length) return undefined;
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
