/**
 * compilePlan: PlanInput → CompiledPlan. Pure (no I/O, no clock): parses
 * durations, compiles templates, lets each engine pre-build its steps
 * (static bodies serialised once), resolves metric handles, compiles
 * expectations. Every problem is a PlanError located in the plan file,
 * raised before the first request. Problems are collected (each step, each
 * scenario, the phases, the expectations) and raised together, so validate
 * lists them all in one pass; expectations are checked only when the steps
 * compiled, since a failed step's name would read as an unknown name.
 */
import { parseDurationMs } from '../duration.ts';
import { PlanError, isAgentloadError, planErrors, type AgentloadError } from '../errors.ts';
import { compileTemplate, compileValue } from '../templates.ts';
import { compileExpectations } from '../expect/compile-expectations.ts';
import { withEnsureFacts } from '../expect/ensure-facts.ts';
import { recordEnsureLatencyGroups } from '../expect/ensure-latency-groups.ts';
import { checkExpectationRefs, compileSeries } from '../expect/compile-series.ts';
import { compileChecks } from '../checks/response-checks.ts';
import { compileOutcomeRules } from '../checks/outcome-rules.ts';
import type { CounterCell, HdrSink } from '../metrics/hdr-sink.ts';
import { CAPTURES_MISSED, INVALID_STEPS } from '../metrics/names.ts';
import { RateLimitRecorder } from '../metrics/rate-limit-recorder.ts';
import type { Engine, PhaseInput, PlanInput, StepCompileContext, StepFunction, StepInput, Template } from '../contracts.ts';
import type { CompiledLoopOptions, CompiledPhase, CompiledPlan, CompiledScenario, CompiledStep } from './compiled-plan.ts';
import { INVALID_STEP, LOOP_OPTIONS, PARALLEL, markOf, type LoopOptionsInput, type ParallelInput } from '../plan/artillery/flow-marks.ts';
import { ScenarioEngines } from './scenario-engines.ts';
import { compileVuVars } from './vu-vars.ts';
import { compileStepCondition, STEP_CONDITION, type StepConditionInput, type StepWhen } from '../plan/artillery/step-condition.ts';
import { Processor, type HookUser, type NamedHook } from '../processor/processor.ts';
import { ProcessorRequestHooks } from '../processor/request-hooks.ts';
import type { ProcessorModule } from '../processor/load-processor.ts';
import type { ScenarioInput } from '../contracts.ts';

const DEFAULT_INTERVAL_MS = 10_000;
/** How long running VUs may take to finish their scenario after the last phase (or their requests after an interrupt). */
const DEFAULT_GRACE_MS = 30_000;
const COMMON_STEP_KEYS = new Set(['think', 'loop', 'log', 'function']);
const LOOP_MODIFIERS = new Set(['count', 'over']);

/** A scenario's beforeRequest / afterResponse / onError functions, handed to each of its request steps. */
interface ScenarioHooks {
  readonly before: readonly NamedHook[];
  readonly after: readonly NamedHook[];
  readonly error: readonly NamedHook[];
}

const NO_HOOKS: ScenarioHooks = { before: [], after: [], error: [] };

class Compiler {
  /** Plan errors caught so far (see the module comment); compilePlan throws them together. */
  readonly problems: AgentloadError[] = [];
  /** Each request name and the engine whose step interned it first: which names are Artillery's http.* (ensure-facts.ts). */
  readonly namesByEngine = new Map<string, string>();
  /** Counters steps count into, one cell per name however many steps share it. */
  readonly #counters = new Map<string, CounterCell>();
  constructor(private readonly plan: PlanInput, private readonly sink: HdrSink, readonly processor: Processor | null) {}

  private counter(name: string): CounterCell {
    let c = this.#counters.get(name);
    if (c === undefined) this.#counters.set(name, (c = this.sink.counterCell(name)));
    return c;
  }

  /** Runs `f`; a plan error (exit 2) is kept in `problems` and `fallback` returned, so compiling goes on. */
  collect<T>(f: () => T, fallback: T): T {
    try {
      return f();
    } catch (e) {
      if (!isAgentloadError(e) || e.exitCode !== 2) throw e;
      const list = (e as { diagnostics?: AgentloadError[] }).diagnostics;
      this.problems.push(...(list !== undefined && list.length > 0 ? list : [e]));
      return fallback;
    }
  }

  fail(message: string, yamlPath: string, code: 'AGENTLOAD_E_SCHEMA' | 'AGENTLOAD_E_PLAN_UNKNOWN_ENGINE' | 'AGENTLOAD_E_PLAN_UNKNOWN_STEP' | 'AGENTLOAD_E_PLAN_DURATION' | 'AGENTLOAD_E_PROCESSOR_FUNCTION' = 'AGENTLOAD_E_SCHEMA'): never {
    throw new PlanError(code, message, { location: this.plan.locate(yamlPath), yamlPath });
  }

  durationMs(v: unknown, yamlPath: string): number {
    const ms = parseDurationMs(v as string | number);
    if (ms === null) this.fail(`expected a duration like "30s" or seconds, got ${JSON.stringify(v)}`, yamlPath, 'AGENTLOAD_E_PLAN_DURATION');
    return ms;
  }

  template(source: string, yamlPath: string): Template {
    // Located only when it fails: a walk of the YAML per string was a tenth of compiling a 10 000-step plan.
    return compileTemplate(source, () => this.plan.locate(yamlPath), yamlPath);
  }

  phases(): CompiledPhase[] {
    let startMs = 0;
    return this.plan.config.phases.map((p, index) => {
      const phase = this.phase(p, index, startMs);
      startMs += phase.durationMs;
      return phase;
    });
  }

  private phase(p: PhaseInput, index: number, startMs: number): CompiledPhase {
    const path = `config.phases[${index}]`;
    const name = p.name ?? `phase ${index + 1}`;
    const base = { index, name, startMs, arrivalCount: null, isPoisson: p.arrivalDistribution === 'poisson', maxVusers: p.maxVusers ?? Infinity, users: 0, spawnRatePerSec: 0, fromRatePerSec: 0, toRatePerSec: 0, isBurst: p.burst === true };
    if (p.pause !== undefined) return { ...base, kind: 'pause', durationMs: this.durationMs(p.pause, `${path}.pause`) };
    if (p.duration === undefined) this.fail('a phase needs a duration (or pause)', path);
    const durationMs = this.durationMs(p.duration, `${path}.duration`);
    if (p.users !== undefined) {
      const spawn = p.spawnRate ?? p.users;
      if (!(spawn > 0)) this.fail(`expected spawnRate > 0, got ${spawn}`, `${path}.spawnRate`);
      return { ...base, kind: 'users', durationMs, users: p.users, spawnRatePerSec: spawn };
    }
    if (p.arrivalCount !== undefined) return { ...base, kind: 'arrivals', durationMs, arrivalCount: p.arrivalCount };
    if (p.arrivalRate === undefined) this.fail('a phase needs arrivalRate, arrivalCount, users or pause', path);
    const from = p.arrivalRate;
    const to = p.rampTo ?? from;
    if (from < 0 || to < 0) this.fail(`expected a rate >= 0, got ${from < 0 ? from : to}`, `${path}.${from < 0 ? 'arrivalRate' : 'rampTo'}`);
    return { ...base, kind: 'arrivals', durationMs, fromRatePerSec: from, toRatePerSec: to };
  }

  scenarios(engines: ReadonlyMap<string, Engine>): CompiledScenario[] {
    return this.plan.scenarios.flatMap((s, i) => this.collect(() => [this.scenario(s, `scenarios[${i}]`, engines)], []));
  }

  /** One scenario, or a top-level `before` / `after` flow (which has no weight and no scenario hooks). */
  scenario(s: ScenarioInput, path: string, engines: ReadonlyMap<string, Engine>): CompiledScenario {
    const engineId = s.engine ?? 'http';
    const engine = engines.get(engineId);
    if (!engine) this.fail(`unknown engine "${engineId}"; available: ${[...engines.keys()].join(', ')}`, `${path}.engine`, 'AGENTLOAD_E_PLAN_UNKNOWN_ENGINE');
    const weight = s.weight ?? 1;
    // 0: never picked, as in Artillery (its picker gives a scenario weight × 100 slots).
    if (!(weight >= 0)) this.fail(`expected weight >= 0, got ${weight}`, `${path}.weight`);
    const owners = new ScenarioEngines(engine, [...engines.values()]);
    const raw = s as ScenarioInput & Record<string, unknown>;
    const hooks: ScenarioHooks = raw.beforeRequest === undefined && raw.afterResponse === undefined && raw.onError === undefined ? NO_HOOKS : {
      before: this.hookList(raw.beforeRequest, `${path}.beforeRequest`),
      after: this.hookList(raw.afterResponse, `${path}.afterResponse`),
      error: this.hookList(raw.onError, `${path}.onError`),
    };
    const name = s.name ?? path;
    const before = this.steps(hookSteps(raw.beforeScenario), owners, name, `${path}.beforeScenario`, hooks);
    const flow = this.steps(s.flow, owners, name, `${path}.flow`, hooks);
    const after = this.steps(hookSteps(raw.afterScenario), owners, name, `${path}.afterScenario`, hooks);
    return { name, weight, engines: owners.used, isVuReusable: owners.releasesVus(), before, flow, after };
  }

  private steps(list: readonly StepInput[], owners: ScenarioEngines, scenarioName: string, path: string, hooks: ScenarioHooks): CompiledStep[] {
    return list.flatMap((step, i) => this.collect(() => [this.conditioned(step, this.step(step, owners, scenarioName, `${path}[${i}]`, hooks), `${path}[${i}]`)], []));
  }

  /** The processor, or a located error: the plan names a function but has no `config.processor`. */
  private needProcessor(yamlPath: string): Processor {
    if (this.processor === null) this.fail('this names a processor function, but the plan has no config.processor', yamlPath, 'AGENTLOAD_E_PROCESSOR_FUNCTION');
    return this.processor;
  }

  private hookList(names: unknown, yamlPath: string): NamedHook[] {
    if (names === undefined) return [];
    return this.needProcessor(yamlPath).resolveList(names, yamlPath, (m, p) => this.fail(m, p, 'AGENTLOAD_E_PROCESSOR_FUNCTION'));
  }

  private functionStep(name: unknown, yamlPath: string): CompiledStep {
    const processor = this.needProcessor(yamlPath);
    return { kind: 'function', processor, hook: processor.resolve(name, yamlPath, (m, p) => this.fail(m, p, 'AGENTLOAD_E_PROCESSOR_FUNCTION')) };
  }

  /** A function an engine step calls itself (StepCompileContext.processorFunction). */
  private stepFunction(name: unknown, yamlPath: string): StepFunction {
    const processor = this.needProcessor(yamlPath);
    const hook = processor.resolve(name, yamlPath, (m, p) => this.fail(m, p, 'AGENTLOAD_E_PROCESSOR_FUNCTION'));
    return {
      name: hook.name,
      fn: hook.fn,
      events: processor.events,
      contextOf: (vu) => processor.contextOf(vu as unknown as HookUser),
      fail: (vu, err) => processor.fail(vu as unknown as HookUser, hook.name, err),
      file: processor.file,
    };
  }

  /** Compiles one step; an engine step goes to the engine that owns its key (scenario-engines.ts). */
  /** A step the Artillery rewrite gave an ifTrue / probability runs inside a conditional one-pass loop (step-condition.ts). */
  private conditioned(step: StepInput, compiled: CompiledStep, path: string): CompiledStep {
    const condition = typeof step === 'object' && step !== null ? (step as Record<symbol, StepConditionInput | undefined>)[STEP_CONDITION] : undefined;
    if (condition === undefined) return compiled;
    let when: StepWhen;
    try {
      const fn = condition.ifTrue === null || this.processor === null ? null : this.processor.predicate(condition.ifTrue);
      when = compileStepCondition(condition, fn);
    } catch (e) {
      this.fail(`ifTrue ${JSON.stringify(condition.ifTrue)} is not an expression filtrex reads: ${(e as Error).message.split('\n')[0]}`, path);
    }
    return { kind: 'loop', steps: [compiled], count: 1, over: null, when: when! };
  }

  private step(step: StepInput, owners: ScenarioEngines, scenarioName: string, path: string, hooks: ScenarioHooks): CompiledStep {
    // A bare name in beforeScenario / afterScenario is a processor function (Artillery's form).
    if (typeof step === 'string') return this.functionStep(step, path);
    if ('function' in step) return this.functionStep(step.function, `${path}.function`);
    const invalid = markOf<string>(step, INVALID_STEP);
    if (invalid !== undefined) return { kind: 'invalid', counters: [this.counter(INVALID_STEPS), this.counter(`${INVALID_STEPS}:${invalid}`)] };
    if ('think' in step) return this.think(step.think, `${path}.think`);
    if ('log' in step) return { kind: 'log', template: this.template(String(step.log), `${path}.log`) };
    if ('loop' in step) {
      if (!Array.isArray(step.loop)) this.fail('expected loop to be a list of steps', `${path}.loop`);
      const count = step.count === undefined ? (step.over === undefined ? 1 : Infinity) : Number(step.count);
      if (!(count >= 1)) this.fail(`expected count >= 1, got ${JSON.stringify(step.count)}`, `${path}.count`);
      // `"{{ name }}"` names the list itself: rendered as text it would be one picked element (templates.ts pickFor).
      const overSource = typeof step.over === 'string' ? (/^\{\{\s*([A-Za-z_$][\w$.]*)\s*\}\}$/.exec(step.over)?.[1] ?? step.over) : step.over;
      const over = overSource === undefined ? null : compileValue(overSource, (src, p) => this.template(src, p), `${path}.over`);
      const steps = this.steps(step.loop as StepInput[], owners, scenarioName, `${path}.loop`, hooks);
      const parallel = markOf<ParallelInput>(step, PARALLEL);
      if (parallel !== undefined) return { kind: 'parallel', steps, limit: parallel.limit };
      const options = this.loopOptions(markOf<LoopOptionsInput>(step, LOOP_OPTIONS), path);
      return { kind: 'loop', steps, count: options?.check != null ? Infinity : count, over, options };
    }
    const owner = owners.resolve(step, (m) => this.fail(m, path, 'AGENTLOAD_E_PLAN_UNKNOWN_STEP'));
    if (owner === null) {
      const given = Object.keys(step).filter((k) => !LOOP_MODIFIERS.has(k) && !COMMON_STEP_KEYS.has(k));
      this.fail(`unknown step ${JSON.stringify(given[0] ?? '')}; expected one of ${[...COMMON_STEP_KEYS, ...owners.knownKeys()].join(', ')}`, path, 'AGENTLOAD_E_PLAN_UNKNOWN_STEP');
    }
    const { key, engine, slot } = owner;
    const firstNew = this.sink.internedCount();
    const data = engine.compileStep(key, step, this.context(scenarioName, `${path}.${key}`, hooks));
    for (let h = firstNew; h < this.sink.internedCount(); h++) this.namesByEngine.set(this.sink.nameOf(h), engine.id);
    return { kind: 'engine', engine, slot, data, captures: captureNames(step[key]) };
  }

  /** Artillery's loop options resolved: whileTrue to the processor's function (a located error when it has none). */
  private loopOptions(o: LoopOptionsInput | undefined, path: string): CompiledLoopOptions | null {
    if (o === undefined) return null;
    const check = o.whileTrue === null ? null : { processor: this.needProcessor(`${path}.whileTrue`), hook: this.needProcessor(`${path}.whileTrue`).resolve(o.whileTrue, `${path}.whileTrue`, (m, p) => this.fail(m, p, 'AGENTLOAD_E_PROCESSOR_FUNCTION')) };
    return { check, indexVar: o.indexVar ?? '$loopCount', elementVar: o.elementVar ?? '$loopElement' };
  }

  private think(v: unknown, path: string): CompiledStep {
    if (v !== null && typeof v === 'object') {
      const r = v as { min?: unknown; max?: unknown };
      const minMs = this.durationMs(r.min, `${path}.min`);
      const maxMs = this.durationMs(r.max, `${path}.max`);
      if (maxMs < minMs) this.fail(`expected max >= min, got min ${minMs}ms, max ${maxMs}ms`, path);
      return { kind: 'think', minMs, maxMs };
    }
    const ms = this.durationMs(v, path);
    return { kind: 'think', minMs: ms, maxMs: ms };
  }

  /** The last scenario's step context without its yamlPath: the steps of a scenario are compiled one after another. */
  #contextBase: { scenarioName: string; hooks: ScenarioHooks; base: StepCompileContext } | null = null;

  /** A step's context: the scenario's closures, built once per scenario (a set per step was 10 000 of each), and the step's path. */
  private context(scenarioName: string, yamlPath: string, hooks: ScenarioHooks = NO_HOOKS): StepCompileContext {
    let cached = this.#contextBase;
    if (cached === null || cached.scenarioName !== scenarioName || cached.hooks !== hooks) {
      cached = { scenarioName, hooks, base: this.contextBase(scenarioName, hooks) };
      this.#contextBase = cached;
    }
    // Own properties, not a prototype: an engine may spread or copy its context.
    return { ...cached.base, yamlPath };
  }

  private contextBase(scenarioName: string, hooks: ScenarioHooks): StepCompileContext {
    return {
      requestHooks: (stepBefore, stepAfter, p) => {
        if (stepBefore === undefined && stepAfter === undefined && hooks === NO_HOOKS) return null;
        const before = [...hooks.before, ...this.hookList(stepBefore, `${p}.beforeRequest`)];
        const after = [...hooks.after, ...this.hookList(stepAfter, `${p}.afterResponse`)];
        return before.length === 0 && after.length === 0 && hooks.error.length === 0 ? null : new ProcessorRequestHooks(this.processor!, before, after, hooks.error);
      },
      processorFunction: (name, p) => this.stepFunction(name, p),
      yamlPath: '',
      scenarioName,
      sink: this.sink,
      config: this.plan.config,
      template: (source, p) => this.template(source, p),
      valueTemplate: (value, p) => compileValue(value, (src, sp) => this.template(src, sp), p),
      durationMs: (v, p) => this.durationMs(v, p),
      checks: (expect, capture, p) => compileChecks(expect, capture, p, (m, fp) => this.fail(m, fp), (as) => this.counter(`${CAPTURES_MISSED}:${as}`)),
      outcomes: (stepRules, defaults, p) => compileOutcomeRules(defaults, this.plan.config.outcomes, stepRules, p, (m, fp) => this.fail(m, fp)),
      fail: (message, p) => this.fail(message, p),
      rateLimitKey: !isRecordingRateLimits(this.plan.config) ? null : this.template(String(this.plan.config.rateLimitKey), 'config.rateLimitKey'),
    };
  }
}

/** Whether engines record per rate-limit key: only for `expect.rateLimit` with `config.rateLimitKey`. */
function isRecordingRateLimits(cfg: PlanInput['config']): boolean {
  return cfg.expect?.rateLimit !== undefined && typeof cfg.rateLimitKey === 'string';
}

/** `beforeScenario` / `afterScenario` as written (a name, a list of names and steps, or absent) as a list. */
function hookSteps(v: unknown): StepInput[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as StepInput[];
}

/**
 * The `as` names of an engine step's `capture` (one or a list), or null when it captures nothing.
 * A capture with `strict: false` is left out: finding nothing does not end the scenario.
 */
function captureNames(action: unknown): string[] | null {
  const capture = action !== null && typeof action === 'object' ? (action as { capture?: unknown }).capture : undefined;
  if (capture === undefined) return null;
  const names = (Array.isArray(capture) ? capture : [capture])
    .map((c) => (c !== null && typeof c === 'object' && (c as { strict?: unknown }).strict !== false ? (c as { as?: unknown }).as : undefined))
    .filter((n): n is string => typeof n === 'string');
  return names.length === 0 ? null : names;
}

/** Whether any scenario reads Artillery's per-user `$uuid` (set per user only then). */
function usesVuUuid(plan: PlanInput): boolean {
  return JSON.stringify(plan.scenarios).includes('$uuid');
}

/** Options resolved by the CLI before compiling. */
export interface CompileOptions {
  readonly engines: readonly Engine[];
  readonly sink: HdrSink;
  readonly environment?: string | null;
  /** `config.processor`, loaded (loadProcessor); null or absent when the plan has none. */
  readonly processor?: ProcessorModule | null;
}

/** Thresholds plus time-series checks, each reference checked against the plan (issue 7). */
function compileAllExpectations(plan: PlanInput, phases: readonly CompiledPhase[], sink: HdrSink, intervalMs: number, namesByEngine: ReadonlyMap<string, string>): Pick<CompiledPlan, 'expectations' | 'series'> {
  const facts = { requestNames: sink.names(), phaseNames: phases.map((p) => p.name), hasBurstPhase: phases.some((p) => p.isBurst), intervalMs,
    hasRateLimitKey: typeof plan.config.rateLimitKey === 'string' };
  const expectations = withEnsureFacts(compileExpectations(plan.config.expect, plan.locate, 'config.expect', plan.config.processor !== undefined), namesByEngine);
  checkExpectationRefs(expectations, plan.locate, facts);
  return { expectations, series: compileSeries(plan.config.expect, plan.locate, facts) };
}

/** See the module comment. */
export function compilePlan(plan: PlanInput, opts: CompileOptions): CompiledPlan {
  const cfg = plan.config;
  const processor = opts.processor == null ? null : new Processor(opts.processor, opts.sink, cfg.target);
  const c = new Compiler(plan, opts.sink, processor);
  const byId = new Map(opts.engines.map((e) => [e.id, e] as const));
  const phases = c.collect(() => c.phases(), []);
  const scenarios = c.scenarios(byId);
  const hookFlow = (key: 'before' | 'after'): CompiledScenario | null => {
    const s = plan[key];
    return s === undefined ? null : c.scenario({ name: key, ...s }, key, byId);
  };
  const beforeFlow = hookFlow('before');
  const afterFlow = hookFlow('after');
  let acc = 0;
  const cumulativeWeights = scenarios.map((s) => (acc += s.weight));
  if (scenarios.length > 0 && acc === 0) {
    // Artillery's picker has no slot to draw from then, and its runner crashes at the first arrival.
    c.collect(() => c.fail('every scenario has weight 0, so no user would ever start one; give at least one scenario a weight above 0', 'scenarios[0].weight'), undefined);
  }
  // Every engine some step uses, each init()ed and closed once (a scenario may mix several).
  const used = [...new Set([...scenarios, ...(beforeFlow === null ? [] : [beforeFlow]), ...(afterFlow === null ? [] : [afterFlow])].flatMap((s) => s.engines))];
  const at = (v: unknown, path: string, dflt: number): number => (v === undefined ? dflt : c.durationMs(v, path));
  const intervalMs = c.collect(() => at(cfg.interval, 'config.interval', DEFAULT_INTERVAL_MS), DEFAULT_INTERVAL_MS);
  const noExpectations: Pick<CompiledPlan, 'expectations' | 'series'> = {
    expectations: [], series: { degradation: null, recovery: null, targetMemory: null, rateLimit: null, generator: null, needsIntervalHistograms: false },
  };
  const expectations = c.problems.length > 0 ? noExpectations : c.collect(() => compileAllExpectations(plan, phases, opts.sink, intervalMs, c.namesByEngine), noExpectations);
  if (c.problems.length > 0) throw planErrors(c.problems);
  recordEnsureLatencyGroups(expectations.expectations, opts.sink);
  const rl = expectations.series.rateLimit;
  // Engines read the recorder at run time, so it can wait for the compiled spec (its shadow limit).
  opts.sink.rateLimits = rl === null || !isRecordingRateLimits(cfg) ? null
    : new RateLimitRecorder({ ratePerSec: rl.limitPerSec * (1 - rl.tolerance), capacity: Math.max(1, rl.burst) });
  return Object.freeze({
    file: plan.file,
    target: cfg.target,
    config: cfg,
    environment: opts.environment ?? null,
    phases,
    scenarios,
    cumulativeWeights,
    engines: used,
    variables: Object.freeze({ ...(cfg.variables ?? {}) }),
    initVars: compileVuVars(cfg, opts.environment ?? null, usesVuUuid(plan)),
    intervalMs: at(cfg.interval, 'config.interval', DEFAULT_INTERVAL_MS),
    graceMs: at(cfg.grace, 'config.grace', DEFAULT_GRACE_MS),
    seed: cfg.seed ?? null,
    warmupMs: at(cfg.warmup, 'config.warmup', 0),
    plannedDurationMs: phases.reduce((n, p) => n + p.durationMs, 0),
    ...expectations,
    processor,
    beforeFlow,
    afterFlow,
  });
}
