/**
 * Artillery's expect plugin counts every check it runs: `plugins.expect.ok`
 * and `plugins.expect.failed`, and per check type `plugins.expect.ok.<type>` /
 * `plugins.expect.failed.<type>` (statusCode, contentType, hasProperty, …;
 * a headerEquals check is `header <name> values equals`, as the plugin names it).
 * agentload counts the same counters for a request whose checks came from the
 * plugin (the Artillery rewrite leaves them on the request under
 * EXPECT_PLUGIN_CHECKS). agentload stops at a request's first failed check:
 * the checks it ran before it count as ok, that one as failed, the ones after
 * it are not counted (the plugin runs them all).
 */
import type { Recorder } from '../contracts.ts';
import { EXPECT_PLUGIN_FAILED, EXPECT_PLUGIN_OK } from './names.ts';

/** Where the Artillery rewrite leaves a request's checks, as [plugin key, type name] pairs: invisible to the schema and to JSON. */
export const EXPECT_PLUGIN_CHECKS: unique symbol = Symbol.for('agentload.expectPluginChecks');

/** The order agentload runs the checks in (response-checks.ts); keys of one rank run in no fixed order among themselves. */
const RANK: Record<string, number> = {
  statusCode: 0, notStatusCode: 0, contentType: 1, hasProperty: 2, notHasProperty: 2,
  hasHeader: 3, headerEquals: 3, matchesRegexp: 3, equals: 3, cdnHit: 4, jmespath: 5, jpath: 5,
};

/** The failure reason a failed check of each key is counted under (http_<status> stands for a status check too). */
const KEYS_BY_REASON: Record<string, readonly string[]> = {
  expect_status: ['statusCode', 'notStatusCode'], expect_content_type: ['contentType'], expect_json: ['hasProperty', 'notHasProperty'],
  expect_header: ['hasHeader', 'headerEquals'], expect_body: ['matchesRegexp'], expect_equals: ['equals'], expect_cdn: ['cdnHit'], expect_jmespath: ['jmespath', 'jpath'],
};

interface Check {
  readonly key: string;
  readonly rank: number;
  readonly okName: string;
  readonly failedName: string;
}

/** See the module comment. Compiled once per request step; null for a step without plugin checks. */
export class ExpectPluginTally {
  private constructor(private readonly checks: readonly Check[]) {}

  static of(raw: unknown): ExpectPluginTally | null {
    if (!Array.isArray(raw) || raw.length === 0) return null;
    const checks = raw.map(([key, type]: [string, string]) => ({ key, rank: RANK[key] ?? 3, okName: `${EXPECT_PLUGIN_OK}.${type}`, failedName: `${EXPECT_PLUGIN_FAILED}.${type}` }));
    return new ExpectPluginTally(checks);
  }

  /** Every check held. */
  passed(sink: Pick<Recorder, 'add'>): void {
    sink.add(EXPECT_PLUGIN_OK, this.checks.length);
    for (const c of this.checks) sink.add(c.okName);
  }

  /**
   * The request failed with `reason`: a check's (expect_*, or http_<status> from a status check), a capture
   * that found nothing after every check held (`capture`), or another fault before the checks ran (not counted).
   */
  failed(sink: Pick<Recorder, 'add'>, reason: string): void {
    if (reason === 'capture') return this.passed(sink);
    const keys = reason.startsWith('http_') ? KEYS_BY_REASON.expect_status : KEYS_BY_REASON[reason];
    const failing = keys === undefined ? undefined : this.checks.find((c) => keys.includes(c.key));
    if (failing === undefined) return;
    let ok = 0;
    for (const c of this.checks) {
      if (c.rank >= failing.rank) continue;
      sink.add(c.okName);
      ok++;
    }
    if (ok > 0) sink.add(EXPECT_PLUGIN_OK, ok);
    sink.add(EXPECT_PLUGIN_FAILED);
    sink.add(failing.failedName);
  }
}
