/**
 * How a stream step counts tokens and knows it is done, compiled once per
 * step from its `tokens` and `until` options (and the `openai` preset).
 *
 *   tokens: event                                   one token per event (SSE event, NDJSON line, raw chunk)
 *   tokens: { text: choices[0].delta.content, split: event }   text at a JSON path; split: event | whitespace | chars | chars4
 *   tokens: { count: usage.completion_tokens }      a numeric count at a JSON path (the last one seen is the stream's total)
 *   until: 'data == "[DONE]"' · 'event == "done"' · { event: done } · { data: "[DONE]" } · { json: done, equals: true }
 *          · { tokens: 10 } (ends ok once 10 tokens arrived: for streams that never end, such as realtime events)
 *
 * An event "carries tokens" when it adds text (text rule) or, without a text
 * rule, when it is any event but the terminator: that is when TTFT and ITL are
 * sampled. With a count rule, the count replaces the stream's total.
 */
import { compileJsonPath, readJsonPath, type JsonPath } from '../../engine/checks/json-path.ts';

/** How text is split into tokens. `chars4` is the common ~4-characters-a-token estimate (no model tokenizer ships). */
export type TokenSplit = 'event' | 'whitespace' | 'chars' | 'chars4';

/** Compiled `tokens`. */
export interface TokenRule {
  /** Where the token text is, or null: every event is one token. */
  readonly textPath: JsonPath | null;
  readonly split: TokenSplit;
  /** Where a numeric total is, or null. */
  readonly countPath: JsonPath | null;
  /** True when events must be parsed as JSON to count tokens. */
  readonly needsJson: boolean;
}

/** Compiled `until`: the terminating event. Fields left null match anything. */
export interface UntilRule {
  readonly event: string | null;
  readonly data: string | null;
  readonly jsonPath: JsonPath | null;
  readonly equals: unknown;
  /** End once this many tokens arrived (the event that reaches it counts); null = no such rule. */
  readonly tokens: number | null;
}

type Fail = (message: string, yamlPath: string) => never;

const SPLITS: readonly TokenSplit[] = ['event', 'whitespace', 'chars', 'chars4'];

function path(src: unknown, yamlPath: string, fail: Fail): JsonPath {
  const p = typeof src === 'string' ? compileJsonPath(src) : null;
  return p ?? fail(`expected a JSON path like "choices[0].delta.content", got ${JSON.stringify(src)}`, yamlPath);
}

/** Compiles `tokens` (undefined = one per event). */
export function compileTokenRule(raw: unknown, yamlPath: string, fail: Fail): TokenRule {
  if (raw === undefined || raw === 'event') return { textPath: null, split: 'event', countPath: null, needsJson: false };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(`expected tokens to be "event" or { text: <path>, split } or { count: <path> }, got ${JSON.stringify(raw)}`, yamlPath);
  }
  const r = raw as Record<string, unknown>;
  const split = (r.split ?? 'event') as TokenSplit;
  if (!SPLITS.includes(split)) fail(`expected split to be one of ${SPLITS.join(', ')}, got ${JSON.stringify(r.split)}`, `${yamlPath}.split`);
  const textPath = r.text === undefined ? null : path(r.text, `${yamlPath}.text`, fail);
  const countPath = r.count === undefined ? null : path(r.count, `${yamlPath}.count`, fail);
  if (textPath === null && countPath === null) fail('tokens needs text or count (a JSON path)', yamlPath);
  return { textPath, split, countPath, needsJson: true };
}

const CONDITION = /^\s*(event|data)\s*==\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*$/;

/** Compiles `until` (undefined = the stream ends when the server ends the response). */
export function compileUntilRule(raw: unknown, yamlPath: string, fail: Fail): UntilRule | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string') {
    const m = CONDITION.exec(raw);
    if (m === null) return fail(`expected a condition like 'data == "[DONE]"' or 'event == "done"', got ${JSON.stringify(raw)}`, yamlPath);
    const value = m[2] !== undefined ? (JSON.parse(`"${m[2]}"`) as string) : m[3]!;
    return m[1] === 'event'
      ? { event: value, data: null, jsonPath: null, equals: undefined, tokens: null }
      : { event: null, data: value, jsonPath: null, equals: undefined, tokens: null };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail(`expected until to be a condition or { event | data | json+equals }, got ${JSON.stringify(raw)}`, yamlPath);
  const r = raw as Record<string, unknown>;
  const rule: UntilRule = {
    event: typeof r.event === 'string' ? r.event : null,
    data: typeof r.data === 'string' ? r.data : null,
    jsonPath: r.json === undefined ? null : path(r.json, `${yamlPath}.json`, fail),
    equals: r.equals,
    tokens: null,
  };
  if (r.tokens !== undefined) {
    if (!Number.isInteger(r.tokens) || (r.tokens as number) < 1) fail(`expected tokens to be a whole number ≥ 1, got ${JSON.stringify(r.tokens)}`, `${yamlPath}.tokens`);
    return { ...rule, tokens: r.tokens as number };
  }
  if (rule.event === null && rule.data === null && rule.jsonPath === null) fail('until needs event, data, json or tokens', yamlPath);
  return rule;
}

/** True when the event (name, raw data, parsed data or undefined) is the terminator (a `tokens` rule alone never is). */
export function isUntil(rule: UntilRule, event: string | undefined, data: string, json: unknown): boolean {
  if (rule.event === null && rule.data === null && rule.jsonPath === null) return false;
  if (rule.event !== null && event !== rule.event) return false;
  if (rule.data !== null && data !== rule.data) return false;
  if (rule.jsonPath !== null) {
    const v = readJsonPath(json, rule.jsonPath);
    return rule.equals === undefined ? v !== undefined && v !== null && v !== false : v === rule.equals;
  }
  return true;
}

/** Tokens in `text` by `split`. */
export function splitCount(text: string, split: TokenSplit): number {
  if (text.length === 0) return 0;
  switch (split) {
    case 'event': return 1;
    case 'chars': return text.length;
    case 'chars4': return Math.ceil(text.length / 4);
    default: {
      let n = 0;
      for (const w of text.split(/\s+/)) if (w.length > 0) n++;
      return n;
    }
  }
}
