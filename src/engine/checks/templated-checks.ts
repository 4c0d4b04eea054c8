/**
 * The checks of a step's `expect` whose expected values come from the
 * user's variables (Artillery's expect plugin renders every expectation as a
 * template), plus the plugin's checks that read headers, the body as text
 * and rendered values. Compiled once with the rest of the step's checks
 * (response-checks.ts); null for a step that has none of them, so plain
 * steps pay nothing.
 *
 *   expect:
 *     status: "{{ code }}"                  rendered per response, compared as a number
 *     contentType: "{{ type }}"             rendered; the content-type must contain it
 *     headers: [{name: x-id}, {name: x-id, equals: "{{ id }}"}]   present / equal (expect_header)
 *     bodyMatches: "id-{{ id }}"            a regular expression the body text matches (expect_body)
 *     allEqual: ["{{ a }}", "{{ b }}"]      every value renders the same (expect_equals)
 */
import { compileTemplate } from '../templates.ts';
import type { ResponseView, Template, VuVars } from '../contracts.ts';

type Fail = (message: string, yamlPath: string) => never;

interface HeaderCheck {
  readonly name: Template;
  readonly equals: Template | null;
}

/** See the module comment. */
export class TemplatedChecks {
  readonly needsBody: boolean;
  readonly needsHeaders: boolean;

  constructor(
    /** Templated expected statuses, or null when `status` is all literal (response-checks.ts handles it). */
    readonly statuses: readonly Template[] | null,
    private readonly contentType: Template | null,
    private readonly headers: readonly HeaderCheck[],
    private readonly bodyMatches: Template | null,
    private readonly allEqual: readonly Template[] | null,
  ) {
    this.needsBody = bodyMatches !== null;
    this.needsHeaders = contentType !== null || headers.length > 0;
  }

  /** Whether `status` is one of the rendered statuses; null without templated statuses or without variables. */
  acceptsStatus(status: number, vars: VuVars | undefined): boolean | null {
    if (this.statuses === null || vars === undefined) return null;
    for (const t of this.statuses) if (Number(t.render(vars)) === status) return true;
    return false;
  }

  /** The first failed check's reason, or null. */
  verify(res: ResponseView, vars: VuVars): string | null {
    if (this.contentType !== null && !(res.header('content-type') ?? '').includes(this.contentType.render(vars))) return 'expect_content_type';
    for (const h of this.headers) {
      const v = res.header(h.name.render(vars));
      if (v === undefined || (h.equals !== null && v !== h.equals.render(vars))) return 'expect_header';
    }
    if (this.bodyMatches !== null) {
      const src = this.bodyMatches.render(vars);
      let rx: RegExp;
      try {
        rx = new RegExp(src);
      } catch {
        return 'expect_body'; // a pattern that renders invalid fails the check, as in Artillery's plugin
      }
      if (!rx.test(res.text())) return 'expect_body';
    }
    if (this.allEqual !== null) {
      const first = this.allEqual[0]!.render(vars);
      for (let i = 1; i < this.allEqual.length; i++) if (this.allEqual[i]!.render(vars) !== first) return 'expect_equals';
    }
    return null;
  }
}

function isTemplated(v: unknown): boolean {
  return typeof v === 'string' && v.includes('{{');
}

/** Compiles the templated parts of `expect` (see the module comment); null when it has none. */
export function compileTemplatedChecks(e: Record<string, unknown>, yamlPath: string, fail: Fail): TemplatedChecks | null {
  const statusList = e.status === undefined ? [] : Array.isArray(e.status) ? e.status : [e.status];
  const statuses = statusList.some(isTemplated) ? statusList.map((s, i) => compileTemplate(String(s), undefined, `${yamlPath}.expect.status[${i}]`)) : null;
  const contentType = isTemplated(e.contentType) ? compileTemplate(e.contentType as string, undefined, `${yamlPath}.expect.contentType`) : null;
  const headers = (Array.isArray(e.headers) ? e.headers : []).map((raw, i): HeaderCheck => {
    const h = raw as Record<string, unknown>;
    const p = `${yamlPath}.expect.headers[${i}]`;
    if (typeof h.name !== 'string') fail('a header check needs a name', p);
    return {
      name: compileTemplate(h.name, undefined, `${p}.name`),
      equals: h.equals === undefined ? null : compileTemplate(h.equals as string, undefined, `${p}.equals`),
    };
  });
  const bodyMatches = e.bodyMatches === undefined ? null : compileTemplate(e.bodyMatches as string, undefined, `${yamlPath}.expect.bodyMatches`);
  if (bodyMatches !== null && bodyMatches.isStatic) {
    try {
      new RegExp(bodyMatches.source);
    } catch (err) {
      fail(`invalid regular expression ${JSON.stringify(bodyMatches.source)}: ${(err as Error).message}`, `${yamlPath}.expect.bodyMatches`);
    }
  }
  const allEqual = Array.isArray(e.allEqual) ? e.allEqual.map((v, i) => compileTemplate(typeof v === 'string' ? v : JSON.stringify(v), undefined, `${yamlPath}.expect.allEqual[${i}]`)) : null;
  if (statuses === null && contentType === null && headers.length === 0 && bodyMatches === null && allEqual === null) return null;
  return new TemplatedChecks(statuses, contentType, headers, bodyMatches, allEqual);
}
