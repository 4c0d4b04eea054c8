/**
 * Limits on what a plan may ask for: values the schema accepts as numbers or
 * strings but no one can mean, and that would run forever, grow to gigabytes
 * or send something other than what the plan shows (issue 20, item 3).
 * Each message names the limit. docs/errors.md lists them all.
 *
 * Runs on the raw parsed YAML (after the nesting guard, so recursion is
 * bounded) and stays silent on values of the wrong type: the schema reports those.
 */
import { parseDurationMs } from '../duration.ts';
import type { ErrorCode } from '../errors.ts';
import type { PathSegment } from './yaml-positions.ts';

/** Arrivals per second one plan may ask for (all shards and workers together). */
export const MAX_ARRIVAL_RATE = 1_000_000;
/** Concurrent virtual users (users, maxVusers) one plan may ask for. */
export const MAX_USERS = 1_000_000;
/** Arrivals one phase may ask for with arrivalCount. */
export const MAX_ARRIVAL_COUNT = 1_000_000_000;
/** Longest phase: a week. */
export const MAX_PHASE_MS = 7 * 86_400_000;
/** Shortest snapshot interval: each interval keeps its numbers for the whole run. */
export const MIN_INTERVAL_MS = 100;
/** Longest request or wait timeout. */
export const MAX_TIMEOUT_MS = 3_600_000;
/** Connections per origin (config.http.connections). */
export const MAX_CONNECTIONS = 100_000;
/** Variable names that would reach Object.prototype instead of a variable. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** RFC 9110 token: what a header name may be. */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Request keys whose header names header-names.ts judges (a warning: the requests fail at run time, as in Artillery). */
const HTTP_REQUESTS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);
/** Characters that would end a header line or the header block (request smuggling). */
const HEADER_VALUE_BREAK = /[\r\n\0]/;

type Report = (code: ErrorCode, message: string, segs: PathSegment[], isKey?: boolean) => void;

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Reports every value of `plan` beyond a limit. Called by checkPlan. */
export function checkLimits(plan: unknown, report: Report): void {
  walk(plan, [], report);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function walk(node: unknown, path: PathSegment[], report: Report): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => walk(v, [...path, i], report));
    return;
  }
  if (!isRecord(node)) return;
  const parent = path[path.length - 1];
  const grand = path[path.length - 2];
  if (typeof parent === 'number' && grand === 'phases') checkPhase(node, path, report);
  if (parent === 'headers') checkHeaders(node, path, report, typeof grand === 'string' && HTTP_REQUESTS.has(grand));
  if (parent === 'variables') {
    for (const k of Object.keys(node)) if (RESERVED_NAMES.has(k)) report('AGENTLOAD_E_PLAN_LIMIT', reservedMessage(k), [...path, k], true);
  }
  if (path.includes('capture') && typeof node.as === 'string' && RESERVED_NAMES.has(node.as)) {
    report('AGENTLOAD_E_PLAN_LIMIT', reservedMessage(node.as), [...path, 'as']);
  }
  for (const [k, v] of Object.entries(node)) {
    const at = [...path, k];
    if (k === 'timeout' || k === 'connectTimeout') checkTimeout(v, at, report);
    else if (k === 'interval' && (parent === 'config' || grand === 'environments')) checkInterval(v, at, report);
    else if (k === 'connections' && parent === 'http' && typeof v === 'number' && v > MAX_CONNECTIONS) {
      report('AGENTLOAD_E_PLAN_LIMIT', `${fmt(v)} connections per origin is beyond the limit of ${fmt(MAX_CONNECTIONS)}`, at);
    }
    walk(v, at, report);
  }
}

function reservedMessage(name: string): string {
  return `"${name}" cannot be a variable name: it names a property of every JavaScript object; pick another name`;
}

function checkPhase(phase: Record<string, unknown>, at: PathSegment[], report: Report): void {
  const over = (key: string, limit: number, unit: string): void => {
    const v = phase[key];
    if (typeof v === 'number' && v > limit) report('AGENTLOAD_E_PLAN_LIMIT', `${key} ${fmt(v)} is beyond the limit of ${fmt(limit)} ${unit}; split the load into shards if you need more`, [...at, key]);
  };
  over('arrivalRate', MAX_ARRIVAL_RATE, 'arrivals per second');
  over('rampTo', MAX_ARRIVAL_RATE, 'arrivals per second');
  over('spawnRate', MAX_ARRIVAL_RATE, 'users per second');
  over('users', MAX_USERS, 'users');
  over('maxVusers', MAX_USERS, 'users');
  over('arrivalCount', MAX_ARRIVAL_COUNT, 'arrivals');
  for (const key of ['duration', 'pause']) {
    const v = phase[key];
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const ms = parseDurationMs(v);
    if (ms !== null && ms > MAX_PHASE_MS) report('AGENTLOAD_E_PLAN_LIMIT', `a ${key} of ${String(v)} is beyond the limit of 7 days per phase`, [...at, key]);
  }
}

function checkTimeout(v: unknown, at: PathSegment[], report: Report): void {
  if (typeof v !== 'string' && typeof v !== 'number') return;
  const ms = parseDurationMs(v);
  if (ms === null) return;
  if (ms < 1) report('AGENTLOAD_E_PLAN_LIMIT', `a timeout of ${String(v)} would fail every request before it is sent; the shortest is 1ms`, at);
  else if (ms > MAX_TIMEOUT_MS) report('AGENTLOAD_E_PLAN_LIMIT', `a timeout of ${String(v)} is beyond the limit of 1h`, at);
}

function checkInterval(v: unknown, at: PathSegment[], report: Report): void {
  if (typeof v !== 'string' && typeof v !== 'number') return;
  const ms = parseDurationMs(v);
  if (ms !== null && ms < MIN_INTERVAL_MS) {
    report('AGENTLOAD_E_PLAN_LIMIT', `an interval of ${String(v)} is below the limit of ${MIN_INTERVAL_MS}ms: every interval is kept for the whole run`, at);
  }
}

function checkHeaders(headers: Record<string, unknown>, at: PathSegment[], report: Report, isHttpRequest: boolean): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) {
      if (isHttpRequest) continue;
      report('AGENTLOAD_E_PLAN_LIMIT', `"${name}" is not a valid header name: use letters, digits and !#$%&'*+-.^_\`|~ only`, [...at, name], true);
    } else if (typeof value === 'string' && HEADER_VALUE_BREAK.test(value)) {
      report('AGENTLOAD_E_PLAN_LIMIT', `the value of header "${name}" contains a line break or NUL, which would end the header early; remove it`, [...at, name]);
    }
  }
}
