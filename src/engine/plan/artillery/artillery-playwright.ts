/**
 * Artillery's playwright engine read as agentload's (src/engines/playwright):
 *
 *   config.engines.playwright: {…}      → config.playwright: {…}  (options checked by the schema)
 *   scenario { engine: playwright,      → scenario { engine: playwright,
 *              testFunction: "fn" }                   flow: [ { testFunction: "fn" } ] }
 *   `flowFunction` (the older name)     → the same
 *   top-level before / after with a test function → the same, as a one-step flow
 *
 * `{{ $dirname }}` in the engine's options is the plan file's directory,
 * rendered here (Artillery renders it when it launches); a playwright plan
 * also gets `$dirname` among its variables, as Artillery's test functions
 * read `context.vars.$dirname`. The options themselves are checked by the
 * engine's schema (schemas/engines/playwright.json).
 */
import { dirname, resolve } from 'node:path';
import type { Segs } from './artillery-flow.ts';

type Report = (message: string, path: Segs, isKey?: boolean) => void;
type Alias = (to: Segs, from: Segs) => void;

/** Options whose Artillery value may be a boolean written as a string ("true"). */
const BOOLEAN_OPTIONS = ['aggregateByName', 'extendedMetrics', 'showAllPageMetrics', 'stripQueryString', 'normalizeQueryString', 'useSeparateBrowserPerVU', 'trace'];
const DIRNAME = /\{\{\s*\$dirname\s*\}\}/g;

/**
 * Moves `config.engines.playwright` (in `config` or one environment) to
 * `config.playwright`; true when there was one. `file` is the plan's path.
 */
export function rewritePlaywrightConfig(config: Record<string, unknown>, at: Segs, file: string, report: Report, alias: Alias): boolean {
  const engines = config.engines as Record<string, unknown> | undefined;
  if (engines === undefined || engines === null || typeof engines !== 'object' || !('playwright' in engines)) return false;
  const from: Segs = [...at, 'engines', 'playwright'];
  const raw = engines.playwright ?? {};
  if (!isRecord(raw)) {
    config.playwright = raw; // the schema reports it (an object is expected) at its place
    alias([...at, 'playwright'], from);
    return true;
  }
  const options = renderDirname(structuredClone(raw), dirname(resolve(file))) as Record<string, unknown>;
  for (const k of BOOLEAN_OPTIONS) {
    if (options[k] === 'true' || options[k] === 'false') options[k] = options[k] === 'true';
  }
  config.playwright = options;
  alias([...at, 'playwright'], from);
  return true;
}

/** Gives a playwright plan Artillery's `$dirname` variable (the plan file's directory) unless it sets one. */
export function addDirnameVariable(config: Record<string, unknown>, file: string): void {
  const vars = isRecord(config.variables) ? config.variables : {};
  vars.$dirname ??= dirname(resolve(file));
  config.variables = vars;
}

/**
 * A scenario (or top-level before / after) with `testFunction` or
 * `flowFunction`: its flow becomes the one step that calls it.
 */
export function rewritePlaywrightScenario(s: Record<string, unknown>, at: Segs, alias: Alias): void {
  const key = 'testFunction' in s ? 'testFunction' : 'flowFunction' in s ? 'flowFunction' : null;
  if (key === null) return;
  s.flow = [{ testFunction: s[key] }];
  delete s.testFunction;
  delete s.flowFunction;
  alias([...at, 'flow', 0, 'testFunction'], [...at, key]);
  alias([...at, 'flow'], [...at, key]);
}

function renderDirname(v: unknown, dir: string): unknown {
  if (typeof v === 'string') return v.replace(DIRNAME, dir);
  if (Array.isArray(v)) return v.map((x) => renderDirname(x, dir));
  if (isRecord(v)) {
    for (const k of Object.keys(v)) v[k] = renderDirname(v[k], dir);
  }
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
