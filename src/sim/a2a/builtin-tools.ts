/**
 * Running a tool the way upstream's ToolExecutor does: look it up, validate
 * the parameters against its declaration, run it. Every outcome is a
 * ToolRun (status "success" or "failed"), never an exception: upstream's
 * tools.execute answers a failed tool inside a 200 result, not as a JSON-RPC
 * error. The messages are upstream's, because load plans match on them.
 *
 * Two timestamp styles are upstream's too: failures found before the tool
 * runs (unknown tool, bad parameters) carry a tz-aware timestamp and a null
 * result; results from the tool itself carry a naive timestamp.
 */

import type { Params } from '../sim-context.ts';
import { pyFloat, pyIsoNow, pyRepr, pyTypeName } from './py-format.ts';
import { UPSTREAM_TOOLS_BY_ID, type ToolMeta, type ToolParam } from './tool-registry.ts';

/** One tool execution's outcome, in upstream's result fields. */
export interface ToolRun {
  status: 'success' | 'failed';
  result: unknown;
  error: string | null;
  execution_time_ms: number;
  timestamp: string;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  // Python's bool is an int, so True passes as a number there too.
  number: (v) => typeof v === 'number' || typeof v === 'boolean',
  integer: (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'boolean',
  boolean: (v) => typeof v === 'boolean',
  array: (v) => Array.isArray(v),
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
};

/** upstream's parameter validation: required ones first, then each given one's type and enum. */
function validate(meta: ToolMeta, params: Params): string | null {
  for (const p of meta.parameters) {
    if (p.required && !(p.name in params)) {
      return `Missing required parameter: '${p.name}' (type: ${p.type}, description: ${p.description})`;
    }
  }
  for (const [name, value] of Object.entries(params)) {
    const decl: ToolParam | undefined = meta.parameters.find((p) => p.name === name);
    if (decl === undefined) continue;
    const check = TYPE_CHECKS[decl.type];
    if (check !== undefined && !check(value)) {
      return `Parameter '${name}' has incorrect type: expected ${decl.type}, got ${pyTypeName(value)} (value: ${pyRepr(value)})`;
    }
    if (decl.enum !== undefined && !decl.enum.includes(value as string)) {
      return `Parameter '${name}' must be one of [${decl.enum.map(pyRepr).join(', ')}], got: ${pyRepr(value)} (type: ${pyTypeName(value)})`;
    }
  }
  return null;
}

/** Python's float % (the sign follows the divisor). */
function pyMod(a: number, b: number): number {
  return a - b * Math.floor(a / b);
}

function calculator(p: Params): Outcome {
  const op = p['operation'] as string;
  const a = Number(p['a']);
  const b = Number(p['b']);
  if (op === '/' && b === 0) return { ok: false, error: 'Division by zero is not allowed' };
  if (op === '%' && b === 0) return { ok: false, error: 'Modulo by zero is not allowed' };
  const value = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b
    : op === '%' ? pyMod(a, b) : a ** b;
  if (!Number.isFinite(value)) return { ok: false, error: '(34, \'Numerical result out of range\')' };
  return {
    ok: true,
    value: { result: value, operation: op, operands: { a, b }, expression: `${pyFloat(a)} ${op} ${pyFloat(b)} = ${pyFloat(value)}` },
  };
}

function humanUtc(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}

function currentTime(p: Params): Outcome {
  const timezone = typeof p['timezone'] === 'string' ? p['timezone'] : 'UTC';
  const format = typeof p['format'] === 'string' ? p['format'] : 'iso';
  if (timezone.toUpperCase() !== 'UTC') {
    return { ok: false, error: `Timezone '${timezone}' not supported. Currently only UTC is supported.` };
  }
  const nowMs = Date.now();
  const iso = pyIsoNow(true, nowMs);
  const unix = nowMs / 1000;
  const current = format === 'unix' ? unix : format === 'human' ? humanUtc(new Date(nowMs)) : iso;
  return { ok: true, value: { current_time: current, timezone, format, utc_timestamp: unix, iso_string: iso } };
}

function echo(p: Params): Outcome {
  const message = p['message'];
  if (typeof message !== 'string') return { ok: false, error: `'${pyTypeName(message)}' object has no attribute 'upper'` };
  const uppercase = p['uppercase'] ?? false;
  const trimmed = message.trim();
  return {
    ok: true,
    value: {
      echo: uppercase ? message.toUpperCase() : message,
      original: message,
      length: message.length,
      uppercase,
      word_count: trimmed === '' ? 0 : trimmed.split(/\s+/).length,
    },
  };
}

const RUNNERS: Record<string, (p: Params) => Outcome> = { calculator, get_current_time: currentTime, echo };

function elapsedMs(startMs: number): number {
  return performance.now() - startMs;
}

/** Runs `toolId` with `params`. Synchronous: the three runnable tools are instant upstream too. Never throws. */
export function runTool(toolId: string, params: unknown): ToolRun {
  const startMs = performance.now();
  const meta = UPSTREAM_TOOLS_BY_ID.get(toolId);
  if (meta === undefined) {
    return { status: 'failed', result: null, error: `Tool '${toolId}' not found in registry`, execution_time_ms: elapsedMs(startMs), timestamp: pyIsoNow(true) };
  }
  const p = (typeof params === 'object' && params !== null && !Array.isArray(params) ? params : {}) as Params;
  const invalid = validate(meta, p);
  if (invalid !== null) {
    return { status: 'failed', result: null, error: `Parameter validation failed: ${invalid}`, execution_time_ms: elapsedMs(startMs), timestamp: pyIsoNow(true) };
  }
  const runner = RUNNERS[toolId];
  // The network and file tools would reach outside the machine upstream; the sim does not pretend to.
  const out: Outcome = runner === undefined ? { ok: false, error: `Tool '${toolId}' is not executed by agentload sim` } : runner(p);
  return out.ok
    ? { status: 'success', result: out.value, error: null, execution_time_ms: elapsedMs(startMs), timestamp: pyIsoNow(false) }
    : { status: 'failed', result: {}, error: out.error, execution_time_ms: elapsedMs(startMs), timestamp: pyIsoNow(false) };
}
