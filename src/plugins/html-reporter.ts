/**
 * `--html report.html`: one self-contained page — charts over time of
 * requests/s, p50/p95/p99, errors and expected outcomes, active users and
 * connections (inline SVG, readable with scripts blocked), the per-name
 * table and the PASS/FAIL expectations. No network access is needed to view
 * it. Written atomically at the end of the run; `agentload report --html`
 * renders the same page from a saved run.json.
 */
import { fileOutput } from './report-outputs.ts';
import Handlebars from 'handlebars';
import type { PluginOptions } from '../engine/contracts.ts';
import type { Reporter, RunResult } from '../engine/contracts.ts';
import { htmlView } from './html/html-model.ts';
import { PAGE_SCRIPT, PAGE_STYLE, PAGE_TEMPLATE } from './html/html-template.ts';
import { requiredString } from './reporter-options.ts';
import { writeAtomic } from './write-atomic.ts';

let compiled: HandlebarsTemplateDelegate | null = null;

/** The report page for a result. Pure; the template is compiled once per process. */
export function renderHtml(result: RunResult): string {
  // An isolated instance: the plan templates register helpers on the global one.
  compiled ??= Handlebars.create().compile(PAGE_TEMPLATE, { strict: true });
  return compiled({ ...htmlView(result), style: PAGE_STYLE, script: PAGE_SCRIPT });
}

/** See the module comment. */
export class HtmlReporter implements Reporter {
  readonly id = 'html';
  constructor(private readonly file: string) {}
  outputs(): string[] {
    return [fileOutput('HTML report', this.file)];
  }
  onEnd(result: RunResult): void {
    writeAtomic(this.file, renderHtml(result));
  }
}

/** Built-in factory: options `{ file }` (required). */
export function createHtmlReporter(options: PluginOptions): Reporter {
  return new HtmlReporter(requiredString(options, 'file', 'html'));
}
