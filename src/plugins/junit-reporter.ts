/**
 * `--junit results.xml`: the expectations as a JUnit test suite, for CI
 * systems that read JUnit (GitLab, Jenkins, GitHub test reporters). Each
 * expectation is a <testcase>; a FAIL carries a <failure>. An aborted run
 * adds a "run completed" testcase with a failure, so a half-run never shows
 * up green. Written atomically at the end of the run.
 */
import { fileOutput } from './report-outputs.ts';
import { basename } from 'node:path';
import type { PluginOptions } from '../engine/contracts.ts';
import type { ExpectationResult, Reporter, RunResult } from '../engine/contracts.ts';
import { requiredString } from './reporter-options.ts';
import { writeAtomic } from './write-atomic.ts';

/** Escapes text for XML attributes and content; drops characters XML 1.0 forbids. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function testcase(className: string, e: ExpectationResult, seconds: string): string {
  const open = `    <testcase classname="${xmlEscape(className)}" name="${xmlEscape(e.name)}" time="${seconds}"`;
  if (e.isPass) return `${open}>\n      <system-out>${xmlEscape(`${e.measured} (limit ${e.limit})`)}</system-out>\n    </testcase>`;
  // An optional check that failed does not fail the run, so it is no <failure> either: its FAIL is written out.
  if (e.isOptional === true) return `${open}>\n      <system-out>${xmlEscape(`FAIL (optional, does not fail the run): measured ${e.measured}, limit ${e.limit}${e.reason ? ` (${e.reason})` : ''}`)}</system-out>\n    </testcase>`;
  const message = `measured ${e.measured}, limit ${e.limit}${e.reason ? ` (${e.reason})` : ''}`;
  return `${open}>\n      <failure message="${xmlEscape(message)}" type="expectation">${xmlEscape(message)}</failure>\n    </testcase>`;
}

/** The JUnit XML document for a result. Pure. */
export function junitXml(result: RunResult): string {
  const className = `agentload.${basename(result.info.planFile).replace(/\.[^.]+$/, '')}`;
  const seconds = (result.summary.durationMs / 1000).toFixed(3);
  const cases = result.expectations.map((e) => testcase(className, e, seconds));
  let failures = result.expectations.filter((e) => !e.isPass && e.isOptional !== true).length;
  if (result.isAborted) {
    failures++;
    cases.push(testcase(className, { name: 'run completed', isPass: false, measured: 'aborted', limit: 'not aborted' }, seconds));
  }
  const tests = cases.length;
  const o = result.summary.overall;
  const props = {
    plan: result.info.planFile, planDigest: result.info.planDigest, target: result.info.target,
    environment: result.info.environment ?? '', requests: String(o.count), rps: String(o.rps),
    errorRate: String(o.errorRate), p95Ms: String(o.latencyMs.p95),
  };
  const properties = Object.entries(props).map(([k, v]) => `      <property name="${k}" value="${xmlEscape(v)}"/>`).join('\n');
  const suite = `name="${xmlEscape(className)}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${seconds}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${suite}>`,
    `  <testsuite ${suite} timestamp="${xmlEscape(result.info.startedAt)}">`,
    '    <properties>',
    properties,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** See the module comment. */
export class JunitReporter implements Reporter {
  readonly id = 'junit';
  constructor(private readonly file: string) {}
  outputs(): string[] {
    return [fileOutput('JUnit XML', this.file)];
  }
  onEnd(result: RunResult): void {
    writeAtomic(this.file, junitXml(result));
  }
}

/** Built-in factory: options `{ file }` (required). */
export function createJunitReporter(options: PluginOptions): Reporter {
  return new JunitReporter(requiredString(options, 'file', 'junit'));
}
