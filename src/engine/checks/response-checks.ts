/**
 * Compiled `capture` and `expect` of a step, shared by every engine through
 * StepCompileContext.checks (engines don't import this file). Compiled once;
 * per response it reads only what the step asked for.
 *
 *   expect:  { status: 200 | [200, 201], contentType: json,
 *              json: [{ path, exists?, equals?, matches? }] }
 *   capture: { json | header | regex, as, group? } or a list of them
 */
import { compileJsonPath, readJsonPath, type JsonPath } from './json-path.ts';
import type { ResponseChecks, ResponseView, Template, VuVars } from '../contracts.ts';
import { compileTemplate } from '../templates.ts';
import { compileTemplatedChecks, type TemplatedChecks } from './templated-checks.ts';
import { compileExpectPluginChecks, type ExpectPluginChecks } from './expect-plugin-checks.ts';

interface JsonCheck {
  readonly source: string;
  readonly path: JsonPath;
  readonly exists: boolean | undefined;
  readonly hasEquals: boolean;
  readonly equals: unknown;
  /** `equals` when it is a string with a template (e.g. Artillery's `match: {value: "{{ email }}"}`): rendered per response. */
  readonly equalsTemplate: Template | null;
  readonly matches: RegExp | null;
}

interface Capture {
  readonly as: string;
  readonly json: JsonPath | null;
  readonly header: string | null;
  readonly regex: RegExp | null;
  readonly group: number;
  /** `strict: false` (Artillery's): finding nothing leaves the variable unset and fails nothing. */
  readonly isStrict: boolean;
  /** Where a non-strict capture counts finding nothing (`captures_missed:<as>`), so the unset variable is not silent; null when strict. */
  readonly missed: { count: number } | null;
}

/** The counter a non-strict capture of `as` counts its misses in. */
export type MissedCounter = (as: string) => { count: number };

type Fail = (message: string, yamlPath: string) => never;

function asList(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function regex(src: unknown, path: string, fail: Fail): RegExp {
  try {
    return new RegExp(String(src));
  } catch (e) {
    return fail(`invalid regular expression ${JSON.stringify(src)}: ${(e as Error).message}`, path);
  }
}

function path(src: unknown, yamlPath: string, fail: Fail): JsonPath {
  const p = typeof src === 'string' ? compileJsonPath(src) : null;
  return p ?? fail(`expected a JSON path like "result.answer", got ${JSON.stringify(src)}`, yamlPath);
}

/** Number of capturing groups in a (valid) regex source. */
function groupCount(src: string): number {
  try {
    return (new RegExp(`${src}|`).exec('')?.length ?? 1) - 1;
  } catch {
    return 0;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

class CompiledChecks implements ResponseChecks {
  readonly needsBody: boolean;
  readonly needsHeaders: boolean;
  readonly needsJson: boolean;

  constructor(
    private readonly statuses: readonly number[] | null,
    private readonly contentType: string | null,
    private readonly json: readonly JsonCheck[],
    private readonly captures: readonly Capture[],
    /** Checks with templated values, headers, body text (templated-checks.ts); null for nearly every step. */
    private readonly templated: TemplatedChecks | null,
    /** notStatus, cdnHit, jmespath (expect-plugin-checks.ts); null for nearly every step. */
    private readonly plugin: ExpectPluginChecks | null,
  ) {
    this.needsJson = json.length > 0 || captures.some((c) => c.json !== null) || (plugin?.needsJson ?? false);
    this.needsBody = this.needsJson || captures.some((c) => c.regex !== null) || (templated?.needsBody ?? false);
    this.needsHeaders = contentType !== null || captures.some((c) => c.header !== null) || (templated?.needsHeaders ?? false) || (plugin?.needsHeaders ?? false);
  }

  acceptsStatus(status: number, vars?: VuVars): boolean | null {
    if (this.plugin?.excludes(status, vars) === true) return false;
    if (this.templated?.statuses != null) return this.templated.acceptsStatus(status, vars);
    return this.statuses === null ? null : this.statuses.includes(status);
  }

  verify(res: ResponseView, vars: VuVars): string | null {
    const doc = this.needsJson ? res.json() : undefined;
    // Captures first, whatever the checks say (as Artillery): a failed check must not also lose the value.
    let captureFailed = false;
    for (const c of this.captures) {
      let v: unknown;
      if (c.json !== null) v = readJsonPath(doc, c.json);
      else if (c.header !== null) v = res.header(c.header);
      else if (c.regex !== null) v = c.regex.exec(res.text())?.[c.group];
      if (v !== undefined) vars[c.as] = v;
      else if (c.isStrict) captureFailed = true;
      else {
        vars[c.as] = undefined; // as Artillery: a value from an earlier step does not survive it
        c.missed!.count++;
      }
    }
    if (this.contentType !== null && !(res.header('content-type') ?? '').includes(this.contentType)) return 'expect_content_type';
    if (this.needsJson && doc === undefined && this.json.length > 0) return 'expect_json';
    for (const c of this.json) {
      const v = readJsonPath(doc, c.path);
      if (c.exists !== undefined && (v !== undefined) !== c.exists) return 'expect_json';
      if (c.exists === undefined && !c.hasEquals && c.matches === null && v === undefined) return 'expect_json';
      if (c.equalsTemplate !== null) {
        if (v === undefined || (typeof v === 'string' ? v : JSON.stringify(v)) !== c.equalsTemplate.render(vars)) return 'expect_json';
      } else if (c.hasEquals && !deepEqual(v, c.equals)) return 'expect_json';
      if (c.matches !== null && (v === undefined || !c.matches.test(typeof v === 'string' ? v : JSON.stringify(v)))) return 'expect_json';
    }
    if (this.templated !== null) {
      const reason = this.templated.verify(res, vars);
      if (reason !== null) return reason;
    }
    if (this.plugin !== null) {
      const reason = this.plugin.verify(res, doc);
      if (reason !== null) return reason;
    }
    if (captureFailed) return 'capture';
    return null;
  }
}

/** Compiles a step's `expect` and `capture`; null when it has neither (the fast path). */
export function compileChecks(expect: unknown, capture: unknown, yamlPath: string, fail: Fail, missedCounter: MissedCounter): ResponseChecks | null {
  if (expect === undefined && capture === undefined) return null;
  const e = (expect ?? {}) as Record<string, unknown>;
  const templated = compileTemplatedChecks(e, yamlPath, fail);
  const statuses = e.status === undefined || templated?.statuses != null ? null : asList(e.status).map(Number);
  // The plan schema makes contentType, header and regex strings.
  const contentType = e.contentType === undefined || (e.contentType as string).includes('{{') ? null : e.contentType === 'json' ? 'application/json' : (e.contentType as string);
  const json = asList(e.json).map((raw, i): JsonCheck => {
    const c = raw as Record<string, unknown>;
    const p = `${yamlPath}.expect.json[${i}]`;
    return {
      source: String(c.path),
      path: path(c.path, `${p}.path`, fail),
      exists: c.exists === undefined ? undefined : Boolean(c.exists),
      hasEquals: 'equals' in c,
      equals: c.equals,
      equalsTemplate: typeof c.equals === 'string' && c.equals.includes('{{') ? compileTemplate(c.equals, undefined, `${p}.equals`) : null,
      matches: c.matches === undefined ? null : regex(c.matches, `${p}.matches`, fail),
    };
  });
  const captures = asList(capture).map((raw, i): Capture => {
    const c = raw as Record<string, unknown>;
    const p = `${yamlPath}.capture${Array.isArray(capture) ? `[${i}]` : ''}`;
    if (typeof c.as !== 'string') fail('a capture needs `as` (the variable name)', p);
    return {
      as: c.as,
      json: c.json === undefined ? null : path(c.json, `${p}.json`, fail),
      header: c.header === undefined ? null : (c.header as string).toLowerCase(),
      regex: c.regex === undefined ? null : regex(c.regex, `${p}.regex`, fail),
      group: Number(c.group ?? (c.regex !== undefined && groupCount(c.regex as string) > 0 ? 1 : 0)),
      isStrict: c.strict !== false,
      missed: c.strict === false ? missedCounter(c.as) : null,
    };
  });
  return new CompiledChecks(statuses, contentType, json, captures, templated, compileExpectPluginChecks(e, yamlPath, fail));
}
