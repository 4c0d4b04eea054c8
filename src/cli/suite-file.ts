/**
 * Suite files: a YAML document whose only top-level key is `suite`, listing
 * plans to run one after another (docs/suites.md):
 *
 *   suite:
 *     coolDown: 30s          # optional; --cool-down overrides it
 *     plans:                 # paths relative to this file
 *       - http-load.yml
 *       - burst.yml
 *
 * A file is a suite exactly when it parses as a map with a `suite` key;
 * anything else is handed to loadPlan, which reports it as a plan. Suites do
 * not nest: a listed file that is itself a suite is an error, so expansion
 * is one level and cannot loop.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { parseDurationMs } from '../engine/duration.ts';
import { nestingOverflowAt } from '../engine/plan/yaml-guards.ts';
import { PlanError, planErrors, type AgentloadError, type SourceLocation } from '../engine/errors.ts';

/** The run list once suite files are expanded. */
export interface ExpandedRun {
  /** Plan files in run order (suite entries resolved against their suite's folder). */
  readonly planFiles: readonly string[];
  /** The first suite file's `coolDown`, or null when no suite set one. */
  readonly coolDownMs: number | null;
}

interface ParsedSuite {
  readonly planFiles: string[];
  readonly coolDownMs: number | null;
}

const SUITE_KEYS = new Set(['plans', 'coolDown']);

function parse(file: string): { doc: Document; lines: LineCounter } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null; // loadPlan reports the unreadable file as AGENTLOAD_E_PLAN_READ
  }
  // Plans are parsed again by loadPlan: spare a big plan a second parse when no line can start a `suite` key.
  if (!/(^|[{,]\s*)["']?suite["']?\s*:/m.test(text)) return null;
  // Too deep for the parser's recursion: not a suite, and loadPlan reports the depth where it is.
  if (nestingOverflowAt(text) >= 0) return null;
  const lines = new LineCounter();
  // yaml's duplicate-key check is quadratic in a map's size (yaml-guards.ts); loadPlan reports duplicates.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  return doc.errors.length > 0 ? null : { doc, lines };
}

/** True when `file` parses as a map with a top-level `suite` key. Unreadable or broken YAML is not a suite. */
export function isSuiteFile(file: string): boolean {
  const parsed = parse(file);
  return parsed !== null && isMap(parsed.doc.contents) && parsed.doc.contents.has('suite');
}

// Keeps paths readable in tables and messages: relative to the cwd when the suite was given relatively.
function planPath(suiteFile: string, entry: string): string {
  if (isAbsolute(entry)) return entry;
  const full = resolve(dirname(suiteFile), entry);
  return isAbsolute(suiteFile) ? full : relative(process.cwd(), full) || join('.', entry);
}

/**
 * Reads and checks one suite file. Throws a PlanError (AGENTLOAD_E_SUITE,
 * exit 2) carrying every problem with its line:col: unknown keys, a missing
 * or empty `plans`, a non-string entry, a listed file that does not exist or
 * is itself a suite, an unreadable `coolDown`.
 */
function readSuite(file: string): ParsedSuite {
  const parsed = parse(file)!;
  const { doc, lines } = parsed;
  const problems: AgentloadError[] = [];
  const at = (node: Node | null | undefined): SourceLocation => ({ file, ...lines.linePos(node?.range?.[0] ?? 0) });
  const fail = (node: Node | null | undefined, yamlPath: string, message: string): void => {
    problems.push(new PlanError('AGENTLOAD_E_SUITE', message, { location: at(node), yamlPath }));
  };
  const root = doc.contents;
  if (isMap(root)) {
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      if (key !== 'suite') fail(pair.key as Node, key, 'a suite file has only the key "suite"; put plan settings in the plans themselves');
    }
  }
  const suite = doc.get('suite', true) as Node | undefined;
  const planFiles: string[] = [];
  let coolDownMs: number | null = null;
  if (!isMap(suite)) {
    fail(suite, 'suite', 'expected a map with "plans" (and optionally "coolDown")');
    throw planErrors(problems);
  }
  for (const pair of suite.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '?';
    if (!SUITE_KEYS.has(key)) fail(pair.key as Node, `suite.${key}`, `unknown key "${key}"; expected plans or coolDown`);
  }
  const cool = suite.get('coolDown', true) as Node | undefined;
  if (cool !== undefined) {
    const value = isScalar(cool) ? cool.value : undefined;
    coolDownMs = typeof value === 'string' || typeof value === 'number' ? parseDurationMs(value) : null;
    if (coolDownMs === null) fail(cool, 'suite.coolDown', `expected a duration like "30s", got ${JSON.stringify(cool.toJSON())}`);
  }
  const plans = suite.get('plans', true) as Node | undefined;
  if (!isSeq(plans) || plans.items.length === 0) {
    fail(plans ?? suite, 'suite.plans', 'expected a non-empty list of plan files (paths relative to the suite file)');
  } else {
    plans.items.forEach((item, i) => {
      const node = item as Node;
      const value = isScalar(node) ? node.value : undefined;
      if (typeof value !== 'string' || value === '') {
        fail(node, `suite.plans[${i}]`, `expected a plan file path, got ${JSON.stringify(node.toJSON())}`);
        return;
      }
      const path = planPath(file, value);
      if (!existsSync(path)) fail(node, `suite.plans[${i}]`, `plan file not found: ${path}`);
      else if (isSuiteFile(path)) fail(node, `suite.plans[${i}]`, `${path} is itself a suite; suites do not nest`);
      else planFiles.push(path);
    });
  }
  if (problems.length > 0) throw planErrors(problems);
  return { planFiles, coolDownMs };
}

/**
 * Expands the files of `agentload run`/`validate` into plan files: plans stay
 * as they are, suite files are replaced by their plans (in order). Reads
 * files only; runs nothing. Throws PlanError AGENTLOAD_E_SUITE on a bad suite.
 */
export function expandRunFiles(files: readonly string[]): ExpandedRun {
  const planFiles: string[] = [];
  let coolDownMs: number | null = null;
  for (const file of files) {
    if (!isSuiteFile(file)) {
      planFiles.push(file);
      continue;
    }
    const suite = readSuite(file);
    planFiles.push(...suite.planFiles);
    coolDownMs ??= suite.coolDownMs;
  }
  return { planFiles, coolDownMs };
}
