/**
 * A script whose `processor` is set only under some environments (a
 * "functional" profile with hooks, a "load" profile without) names its
 * functions in flows every environment runs. Run with an environment that
 * has no processor, Artillery prints "custom function X could not be found"
 * at each call and goes on; agentload stops at validate, and says which
 * environments set one, so the fix is one flag.
 */
import type { Segs } from './artillery-flow.ts';

const HOOK_KEYS = new Set(['function', 'beforeRequest', 'afterResponse', 'beforeScenario', 'afterScenario']);

/** Where the first function name is and the message, or null when a processor is in effect or none is anywhere. */
export function processorOnlyInEnvironments(data: Record<string, unknown>, config: Record<string, unknown>, selected: Record<string, unknown>, envs: Record<string, unknown>): { path: Segs; message: string } | null {
  if (config.processor !== undefined || selected.processor !== undefined) return null;
  const names = Object.entries(envs).filter(([, e]) => isRecord(e) && e.processor !== undefined).map(([n]) => n);
  if (names.length === 0) return null;
  const path = firstHook(data.scenarios, ['scenarios']);
  if (path === null) return null;
  const which = names.map((n) => `"${n}"`).join(', ');
  return {
    path,
    message: `this names a processor function, but config.processor is set only in environment ${which}: run with -e ${names[0]!}, or set processor outside environments (Artillery warns "custom function … could not be found" and skips the call)`,
  };
}

function firstHook(node: unknown, at: Segs): Segs | null {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const p = firstHook(node[i], [...at, i]);
      if (p !== null) return p;
    }
  } else if (isRecord(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (HOOK_KEYS.has(k) && (typeof v === 'string' || (Array.isArray(v) && v.length > 0))) return [...at, k];
      const p = firstHook(v, [...at, k]);
      if (p !== null) return p;
    }
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
