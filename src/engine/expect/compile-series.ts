/**
 * Compiles the time-series keys of `config.expect` and checks every
 * expectation's references against the plan. Pure; each problem is a
 * PlanError (AGENTLOAD_E_PLAN_EXPECT) located at its YAML path.
 *
 *   degradation:  { maxP95Increase: 10%, maxRpsDrop: 10%, window: 30s, minIncrease: 5ms, name: <request> }
 *   recovery:     { maxTime: 5s, phases: [burst], successTolerance: 5%, p95Tolerance: 50%, p95Slack: 5ms, baseline: 10s }
 *   rateLimit:    { limit: 100/s, burst: 20, tolerance: 10%, requireRetryAfter: true, honestWait: true, inPhases: [..] }   (rate-limit-spec.ts)
 *   targetMemory: { maxGrowth: 20%, maxGrowthMb: 100, source: prometheus | pid, path: /metrics, every: 1s }
 *   generator:    healthy | { maxLateRate: 1%, maxSchedulingDelayP99: 5ms, maxEventLoopLag: 200ms }   (generator-check.ts)
 */
import { parseDurationMs } from '../duration.ts';
import { PlanError } from '../errors.ts';
import { parseRatio } from './compile-expectations.ts';
import type { CompiledExpectation } from './expectation-types.ts';
import { compileRateLimitSpec } from './rate-limit-spec.ts';
import type { GeneratorSpec } from './generator-check.ts';
import { NO_SERIES, type DegradationSpec, type RecoverySpec, type SeriesExpectations, type TargetMemorySpec } from './series-types.ts';

type Locate = (yamlPath: string) => { file: string; line: number; col: number } | undefined;

/** What the references are checked against. */
export interface PlanFacts {
  /** Request names the compiled steps recorded under. */
  readonly requestNames: readonly string[];
  readonly phaseNames: readonly string[];
  readonly hasBurstPhase: boolean;
  readonly intervalMs: number;
  /** Whether `config.rateLimitKey` is set (expect.rateLimit FAILs without it). */
  readonly hasRateLimitKey?: boolean;
}

class Reader {
  constructor(private readonly locate: Locate) {}

  fail(p: string, msg: string): never {
    throw new PlanError('AGENTLOAD_E_PLAN_EXPECT', msg, { location: this.locate(p), yamlPath: p });
  }

  block(raw: unknown, p: string, keys: readonly string[]): Record<string, unknown> {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) this.fail(p, `expected a map with ${keys.join(', ')}, got ${JSON.stringify(raw)}`);
    for (const k of Object.keys(raw)) if (!keys.includes(k)) this.fail(`${p}.${k}`, `unknown key "${k}"; expected one of ${keys.join(', ')}`);
    return raw as Record<string, unknown>;
  }

  ratio(o: Record<string, unknown>, k: string, p: string, dflt: number | null): number | null {
    if (o[k] === undefined) return dflt;
    const v = parseRatio(o[k]);
    if (v === null || v < 0) this.fail(`${p}.${k}`, `expected a percentage like "10%", got ${JSON.stringify(o[k])}`);
    return v;
  }

  ms(o: Record<string, unknown>, k: string, p: string, dflt: number): number {
    if (o[k] === undefined) return dflt;
    const v = parseDurationMs(o[k] as string | number);
    if (v === null) this.fail(`${p}.${k}`, `expected a duration like "5s", got ${JSON.stringify(o[k])}`);
    return v;
  }
}

function degradation(r: Reader, raw: unknown, p: string): DegradationSpec {
  const o = r.block(raw, p, ['maxP95Increase', 'maxRpsDrop', 'window', 'minIncrease', 'name']);
  const spec = {
    maxP95Increase: r.ratio(o, 'maxP95Increase', p, null),
    maxRpsDrop: r.ratio(o, 'maxRpsDrop', p, null),
    windowMs: r.ms(o, 'window', p, 30_000),
    minIncreaseMs: r.ms(o, 'minIncrease', p, 5),
    scope: typeof o.name === 'string' ? o.name : null,
    yamlPath: p,
  };
  if (spec.maxP95Increase === null && spec.maxRpsDrop === null) r.fail(p, 'expected maxP95Increase or maxRpsDrop');
  if (spec.windowMs <= 0) r.fail(`${p}.window`, 'expected a window longer than 0s');
  return spec;
}

function recovery(r: Reader, raw: unknown, p: string): RecoverySpec {
  const o = r.block(raw, p, ['maxTime', 'phases', 'successTolerance', 'p95Tolerance', 'p95Slack', 'baseline']);
  if (o.maxTime === undefined) r.fail(p, 'expected maxTime, e.g. "5s"');
  const phases = o.phases === undefined ? [] : [o.phases].flat();
  if (phases.some((x) => typeof x !== 'string')) r.fail(`${p}.phases`, `expected a list of phase names, got ${JSON.stringify(o.phases)}`);
  return {
    maxTimeMs: r.ms(o, 'maxTime', p, 0),
    phases: phases as string[],
    successTolerance: r.ratio(o, 'successTolerance', p, 0.05)!,
    p95Tolerance: r.ratio(o, 'p95Tolerance', p, 0.5)!,
    p95SlackMs: r.ms(o, 'p95Slack', p, 5),
    baselineMs: r.ms(o, 'baseline', p, 10_000),
    yamlPath: p,
  };
}

function targetMemory(r: Reader, raw: unknown, p: string): TargetMemorySpec {
  const o = r.block(raw, p, ['maxGrowth', 'maxGrowthMb', 'source', 'path', 'every']);
  const source = o.source ?? 'prometheus';
  if (source !== 'prometheus' && source !== 'pid') r.fail(`${p}.source`, `expected prometheus or pid, got ${JSON.stringify(source)}`);
  const mb = o.maxGrowthMb;
  if (mb !== undefined && !(typeof mb === 'number' && mb >= 0)) r.fail(`${p}.maxGrowthMb`, `expected a number of MB >= 0, got ${JSON.stringify(mb)}`);
  const spec: TargetMemorySpec = {
    source,
    path: typeof o.path === 'string' ? o.path : '/metrics',
    sampleEveryMs: r.ms(o, 'every', p, 1000),
    maxGrowth: r.ratio(o, 'maxGrowth', p, null),
    maxGrowthBytes: mb === undefined ? null : Math.round(mb * 1_048_576),
    yamlPath: p,
  };
  if (spec.maxGrowth === null && spec.maxGrowthBytes === null) r.fail(p, 'expected maxGrowth (e.g. "20%") or maxGrowthMb');
  if (spec.sampleEveryMs < 100) r.fail(`${p}.every`, 'expected a sampling period of at least 100ms');
  return spec;
}

function generator(r: Reader, raw: unknown, p: string): GeneratorSpec {
  if (raw === 'healthy' || raw === true) return { isVerdict: true, maxLateRate: null, maxSchedulingDelayP99Ms: null, maxEventLoopLagMs: null, yamlPath: p };
  if (typeof raw === 'string' || typeof raw === 'boolean') r.fail(p, `expected "healthy" or a map with maxLateRate, maxSchedulingDelayP99, maxEventLoopLag, got ${JSON.stringify(raw)}`);
  const o = r.block(raw, p, ['maxLateRate', 'maxSchedulingDelayP99', 'maxEventLoopLag']);
  const spec: GeneratorSpec = {
    isVerdict: false,
    maxLateRate: r.ratio(o, 'maxLateRate', p, null),
    maxSchedulingDelayP99Ms: o.maxSchedulingDelayP99 === undefined ? null : r.ms(o, 'maxSchedulingDelayP99', p, 0),
    maxEventLoopLagMs: o.maxEventLoopLag === undefined ? null : r.ms(o, 'maxEventLoopLag', p, 0),
    yamlPath: p,
  };
  if (spec.maxLateRate === null && spec.maxSchedulingDelayP99Ms === null && spec.maxEventLoopLagMs === null) {
    r.fail(p, 'expected "healthy" or at least one of maxLateRate, maxSchedulingDelayP99, maxEventLoopLag');
  }
  return spec;
}

/** Compiles degradation / recovery / targetMemory / rateLimit / generator and checks them against the plan. */
export function compileSeries(expect: unknown, locate: Locate, facts: PlanFacts): SeriesExpectations {
  if (expect === null || typeof expect !== 'object') return NO_SERIES;
  const e = expect as Record<string, unknown>;
  const r = new Reader(locate);
  const base = 'config.expect';
  const d = e.degradation === undefined ? null : degradation(r, e.degradation, `${base}.degradation`);
  const rec = e.recovery === undefined ? null : recovery(r, e.recovery, `${base}.recovery`);
  const mem = e.targetMemory === undefined ? null : targetMemory(r, e.targetMemory, `${base}.targetMemory`);
  if (d?.scope != null && !facts.requestNames.includes(d.scope)) r.fail(`${base}.degradation.name`, unknownName(d.scope, facts));
  if (rec !== null) {
    rec.phases.forEach((ph, i) => facts.phaseNames.includes(ph) || r.fail(`${base}.recovery.phases[${i}]`, unknownPhase(ph, facts)));
    if (rec.phases.length === 0 && !facts.hasBurstPhase) r.fail(`${base}.recovery`, 'no phase is marked `burst: true`; mark one or list phases: [name]');
    if (facts.intervalMs > 1000) r.fail(`${base}.recovery`, `recovery is measured on 1-second intervals; set config.interval to 1s or less (got ${facts.intervalMs}ms)`);
  }
  const rl = e.rateLimit === undefined ? null : compileRateLimitSpec(e.rateLimit, `${base}.rateLimit`, locate, facts.hasRateLimitKey === true, facts.phaseNames);
  const gen = e.generator === undefined ? null : generator(r, e.generator, `${base}.generator`);
  return { degradation: d, recovery: rec, targetMemory: mem, rateLimit: rl, generator: gen, needsIntervalHistograms: d !== null || rec !== null };
}

function unknownName(name: string, facts: PlanFacts): string {
  return `no request is named "${name}"; the plan's requests are ${facts.requestNames.map((n) => `"${n}"`).join(', ')}`;
}

function unknownPhase(name: string, facts: PlanFacts): string {
  return `no phase is named "${name}"; the plan's phases are ${facts.phaseNames.map((n) => `"${n}"`).join(', ')}`;
}

/**
 * Rejects thresholds naming a request or a phase the plan does not have, at
 * their line:col — a typo must not become a "no samples" FAIL mid-CI.
 */
export function checkExpectationRefs(list: readonly CompiledExpectation[], locate: Locate, facts: PlanFacts): void {
  const r = new Reader(locate);
  for (const e of list) {
    if (e.scope !== null && e.tagScope === undefined && !facts.requestNames.includes(e.scope)) r.fail(e.yamlPath, unknownName(e.scope, facts));
    for (const ph of e.phases ?? []) if (!facts.phaseNames.includes(ph)) r.fail(e.yamlPath, unknownPhase(ph, facts));
  }
}
