/**
 * A VU's loop frames (vu.ts): one per loop being walked, the flow's root
 * included, with where it is and what it iterates over.
 */
import type { VuVars } from '../contracts.ts';
import type { CompiledLoopOptions, CompiledStep } from '../compile/compiled-plan.ts';

/** A whileTrue loop's state at an iteration's end: not asked yet, asking, or answered. */
export const CHECK_NONE = 0;
export const CHECK_PENDING = 1;
export const CHECK_GO_ON = 2;
export const CHECK_STOP = 3;

/** One loop being walked. */
export interface Frame {
  steps: readonly CompiledStep[];
  index: number;
  iteration: number;
  count: number;
  items: unknown[] | null;
  /** Artillery's loop options (whileTrue, variable names); null for a plain loop. */
  options: CompiledLoopOptions | null;
  /** Where a whileTrue check stands (CHECK_*). */
  check: number;
}

/** A frame at the start of its first iteration. */
export function frame(steps: readonly CompiledStep[], count = 1, items: unknown[] | null = null, options: CompiledLoopOptions | null = null): Frame {
  return { steps, index: 0, iteration: 0, count, items, options, check: CHECK_NONE };
}

/** A loop's `over` value as the list it walks: a list, a variable naming one, a dotted path, JSON, or comma-separated text. */
export function loopItems(value: unknown, vars: VuVars): unknown[] | null {
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value !== 'string') return null;
  if (Array.isArray(vars[value])) return vars[value] as unknown[];
  // Artillery's `over: data.items`: a dotted path into a variable (a captured object, say).
  if (value.includes('.')) {
    let v: unknown = vars;
    for (const key of value.split('.')) v = v !== null && typeof v === 'object' && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(v)) return v as unknown[];
  }
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : null;
  } catch {
    return value.split(',').map((s) => s.trim());
  }
}
