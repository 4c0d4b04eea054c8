/**
 * The contracts between agentload's parts: plan input, engines, the
 * recorder engines write to, reporters and what they receive. Types only,
 * and a leaf: it imports nothing from the rest of src/ but its parts in
 * contracts/ (plan input, run measures, deadlines), which it re-exports, so a plugin
 * author imports one module and engines and plugins never pull the runner in.
 */

import type { ConfigInput, StepInput, Template, ValueTemplate, VuVars } from './contracts/plan-input.ts';
import type { EncodedRateLimits, GeneratorUsage, IntervalSnapshot, MemorySeries, RunSummary } from './contracts/run-measures.ts';
import type { Deadlines } from './contracts/deadlines.ts';

export type * from './contracts/plan-input.ts';
export type * from './contracts/run-measures.ts';
export type * from './contracts/deadlines.ts';

// ── What engines record through ──

/**
 * What one rate-limited attempt counted as: offered, admitted, limited, limited without a
 * wait, retry admitted, retry limited, offered under the limit, limited while under it.
 * The RL_* constants in metrics/rate-limit-recorder.ts name them.
 */
export type RateLimitKind = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Where engines count rate-limited traffic (`expect.rateLimit`). */
export interface RateLimitLog {
  /** One attempt under `key` at run time `nowUs`; true when it was sent under the plan's claimed limit. */
  offered(key: string, nowUs: number): boolean;
  record(key: string, second: number, kind: RateLimitKind): void;
}

/**
 * What lies behind a failure: an error, a message, the first bytes of the
 * answer, or a JSON-RPC error object (servers such as AgentCore put the useful
 * text in `data`, under a generic `message` like "Internal error").
 */
export type FailureDetail = string | Error | Uint8Array | RpcErrorDetail;

/** A JSON-RPC 2.0 error member as the server sent it. */
export interface RpcErrorDetail {
  readonly message: string;
  readonly data?: unknown;
}

/**
 * The narrow interface an engine records through. Names are interned once at
 * compile time (`handle`); the per-request calls take the handle, so the hot
 * path does no string work. Every request ends in exactly one of ok, failed,
 * expected or abandoned, after recordLatency when it has a latency.
 */
export interface Recorder {
  /** Interns (name, tags); compile time or session open, never per request. */
  handle(name: string, tags?: Record<string, string>): number;
  recordLatency(handle: number, latencyUs: number): void;
  ok(handle: number): void;
  /**
   * A failure under a named cause (`timeout`, `refused`, `status_500`, …). `detail`, when the
   * engine has one at hand (the error, the JSON-RPC error's message, the start of the answer),
   * may become one of the few sample messages reports show per cause; pass it as it is, the
   * recorder turns it into text only when it keeps it.
   */
  failed(handle: number, reason: string, detail?: FailureDetail): void;
  /** An outcome the plan expects (`rate_limited`, …): not an error. */
  expected(handle: number, outcome: string): void;
  /** Cut off by the run's end: neither an answer nor a failure of the target. */
  abandoned(handle: number): void;
  status(handle: number, code: number): void;
  add(counter: string, n?: number): void;
  gaugeAdd(gauge: string, delta: number): void;
  gaugeSet(gauge: string, value: number): void;
  gauge(gauge: string): number;
  /** Null when the plan has no `expect.rateLimit`: record nothing then. */
  readonly rateLimits: RateLimitLog | null;
}


/** What compileStep receives: where the step is, plus shared compile services. */
export interface StepCompileContext {
  readonly yamlPath: string;
  readonly scenarioName: string;
  readonly sink: Recorder;
  readonly config: ConfigInput;
  template(source: string, yamlPath: string): Template;
  valueTemplate(value: unknown, yamlPath: string): ValueTemplate;
  /** Parses a duration (`500ms`, `10s`, or seconds) to ms; throws a located PlanError. */
  durationMs(value: unknown, yamlPath: string): number;
  /** Compiles a step's `expect` and `capture`; null when it has neither. */
  checks(expect: unknown, capture: unknown, yamlPath: string): ResponseChecks | null;
  /** Expected outcomes for this step: config.outcomes merged with the step's `outcomes` over engine defaults. */
  outcomes(stepOutcomes: unknown, defaults: OutcomeRules, yamlPath: string): OutcomeRules;
  /** Throws a PlanError located at yamlPath. A function property: it may be passed on detached. */
  readonly fail: (message: string, yamlPath: string) => never;
  /**
   * `config.rateLimitKey`, compiled, when the plan has `expect.rateLimit`:
   * the engine renders it per request and records into `sink.rateLimits`.
   * Null (or absent) means record nothing.
   */
  readonly rateLimitKey?: Template | null;
  /**
   * The processor hooks of an HTTP-like request: the scenario's
   * `beforeRequest` / `afterResponse` then the step's own (`stepBefore`,
   * `stepAfter` as written). Null when there are none, which is every step
   * of a plan without `config.processor`; absent from older compilers.
   */
  requestHooks?(stepBefore: unknown, stepAfter: unknown, yamlPath: string): RequestHooks | null;
  /**
   * The processor function `name` a step calls with arguments of its own
   * (the playwright engine's test function), resolved now; throws a located
   * PlanError when the plan has no `config.processor` or it exports no such
   * function. Absent from older compilers.
   */
  processorFunction?(name: unknown, yamlPath: string): StepFunction;
}

/**
 * A processor function an engine calls itself (StepCompileContext.processorFunction).
 * The engine decides the arguments and awaits what `fn` returns; a failure it
 * reports through `fail`, which counts it (`processor_errors`,
 * `processor_errors:<name>`), logs its first message, and ends the user's
 * scenario as failed once the engine resumes the user.
 */
export interface StepFunction {
  readonly name: string;
  readonly fn: (...args: unknown[]) => unknown;
  /** The processor's `events` (Artillery's `ee`): what the function emits becomes metrics. */
  readonly events: unknown;
  /** The user's Artillery `context` (`context.vars` is vu.vars), the one every hook of the user sees. */
  contextOf(vu: VirtualUser): unknown;
  fail(vu: VirtualUser, err: unknown): void;
  /** The processor file's absolute path: where an engine finds the packages the processor's project installed. */
  readonly file?: string;
}

/** An HTTP request as processor hooks see and change it (Artillery's `requestParams`): templates already rendered. */
export interface HookRequest {
  url: string;
  method: string;
  name: string;
  headers: Record<string, string>;
  json?: unknown;
  body?: unknown;
  qs?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A response as `afterResponse` hooks see it. */
export interface HookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Processor functions around one request. `before` runs the beforeRequest
 * functions on the mutable `req`; `after` runs afterResponse. Each calls
 * `done(true)` when every function succeeded, else `done(false)` after it
 * has ended the user's scenario (the engine then sends nothing more and
 * just calls vu.resume()). Either may call `done` synchronously.
 * `error` runs the scenario's `onError` functions for a request that got no
 * answer (refused, reset, timed out), once the engine has recorded that
 * failure; after `done()` the engine ends the user's scenario
 * (vu.failScenario) and resumes it, as Artillery does.
 */
export interface RequestHooks {
  readonly hasBefore: boolean;
  readonly hasAfter: boolean;
  readonly hasError: boolean;
  before(req: HookRequest, vu: VirtualUser, done: (isOk: boolean) => void): void;
  after(req: HookRequest, res: HookResponse, vu: VirtualUser, done: (isOk: boolean) => void): void;
  error(err: Error, req: HookRequest, vu: VirtualUser, done: () => void): void;
}

/** A response as checks see it; engines implement it lazily (parse only when asked). */
export interface ResponseView {
  header(name: string): string | undefined;
  text(): string;
  /** Parsed JSON body; undefined when it is not JSON. */
  json(): unknown;
}

/** Compiled `expect` + `capture` of one step. */
export interface ResponseChecks {
  readonly needsBody: boolean;
  readonly needsHeaders: boolean;
  /**
   * true/false when the step lists statuses, null when it does not (engine default applies).
   * `vars`: the user's variables, for statuses written as templates (null without them).
   */
  acceptsStatus(status: number, vars?: VuVars): boolean | null;
  /** Runs expectations and captures (writing vars); returns a failure reason or null. */
  verify(res: ResponseView, vars: VuVars): string | null;
}

/**
 * Expected outcomes: responses that are counted under a name and excluded
 * from the error rate (`rate_limited` for HTTP 429 or JSON-RPC -32001, …).
 */
export interface OutcomeRules {
  readonly byStatus: ReadonlyMap<number, string>;
  readonly byRpcCode: ReadonlyMap<number, string>;
}

/** What engines receive once per run. */
export interface RunContext {
  readonly target: string;
  readonly config: ConfigInput;
  readonly sink: Recorder;
  /** Monotonic microseconds since the run's epoch. A function property: engines may keep it detached. */
  readonly nowUs: () => number;
  /** The run's one deadline service, shared by every engine: each per-request timeout, wait and hold goes through it. */
  readonly deadlines: Deadlines;
  /**
   * The most virtual users this generator can run at once, from the plan (closed-model users, finite
   * maxVusers), or null when the plan sets no bound (open model). Engines size connection pools from it.
   */
  readonly concurrencyHint: number | null;
}

/**
 * The per-virtual-user state an engine sees. The VU runner owns it; engines
 * read `vars`, `session` and `scheduledUs`, write `vars` through capture,
 * and call `resume()` exactly once per runStep.
 */
export interface VirtualUser<Session = unknown> {
  readonly id: number;
  readonly vars: VuVars;
  /**
   * The session (from openSession) of the engine whose step is running. A
   * flow may mix engines, so the runner opens each engine's session at that
   * engine's first step, keeps the others aside, and puts the right one here
   * before each runStep and closeSession of that engine. Read it only inside
   * those calls: a session that needs its VU later (a response callback, a
   * timer) keeps a reference to the VU, as every built-in does, and never
   * reads vu.session then, when it may hold another engine's session.
   */
  session: Session;
  /**
   * When the current request was due, in run microseconds. For the first
   * step of an open-model arrival this is the arrival's scheduled time, so
   * generator queueing counts as latency (no coordinated omission).
   */
  scheduledUs: number;
  /**
   * A draw in [0, 1) from this user's seeded stream: what an engine randomises (jitter, a hold's
   * length) replays with `--seed`, as the runner's own draws do. Math.random would not.
   */
  nextRandom(): number;
  /** Continue the flow. Call once per runStep, after recording. */
  resume(): void;
  /** Write a log line (flow `log` steps and engine diagnostics). */
  log(line: string): void;
  /**
   * Ends this user's scenario as failed, as Artillery ends it when a step's
   * match or capture fails or a request gets no answer: once the engine calls
   * resume(), no further step runs (no afterScenario either) and the user is
   * counted in `vusers_failed`. The step's own outcome is recorded as usual;
   * call this before resume(), at most once per step.
   */
  failScenario(): void;
}

/**
 * A protocol plugin, typed by its compiled step and its per-VU session, so
 * no engine casts. Called by the VU runner; knows nothing of phases or reporters.
 * - compileStep: at compile time, once per step occurrence; pure (everything it
 *   knows comes from its arguments, and it changes no engine state); throws
 *   PlanError on bad input. The target is not known yet (`target: sim` and
 *   workers settle it at run time): what depends on it is built at run time.
 * - init: once per run before any VU; may open pools.
 * - openSession / closeSession: once per VU that runs a step of this engine, opened
 *   lazily at its first such step (a flow may mix engines; see VirtualUser.session),
 *   closed when the VU ends (also on abort). Per-VU state lives in the session.
 * - runStep: per request, hot path; must record through the Recorder and call
 *   vu.resume(); a failed request is an outcome, never a throw.
 * - close: once per run after all VUs; drains.
 */
export interface Engine<StepConfig = unknown, Session = unknown> {
  readonly id: string;
  /** Flow keys this engine executes, e.g. ['get', 'post']. */
  readonly stepKeys: readonly string[];
  compileStep(key: string, step: StepInput, ctx: StepCompileContext): StepConfig;
  init(run: RunContext): Promise<void>;
  openSession(vu: VirtualUser<Session>): Session;
  runStep(step: StepConfig, vu: VirtualUser<Session>): void;
  closeSession(vu: VirtualUser<Session>): void;
  close(): Promise<void>;
  /**
   * True when, once closeSession has returned, the engine keeps no reference
   * to the VU and will never call its resume(): the runner may then reuse the
   * VU object for a later arrival. Leave it unset when in doubt.
   */
  readonly releasesVuOnClose?: boolean;
}

/** Static info given to reporters at start. */
export interface RunInfo {
  readonly planFile: string;
  readonly planDigest: string;
  readonly target: string;
  readonly environment: string | null;
  readonly plannedDurationMs: number;
  readonly startedAt: string;
  readonly phases: ReadonlyArray<{ name: string; startMs: number; durationMs: number }>;
  /** The run seed (`--seed N` replays this run's random draws); absent from results written before issue 16. */
  readonly seed?: number;
  /** The plan's warnings (keys Artillery ignores, …), as printed at start; absent when there were none. */
  readonly warnings?: ReadonlyArray<{ readonly code: string; readonly message: string; readonly yamlPath?: string; readonly location?: { readonly file: string; readonly line: number; readonly col: number } }>;
}

/** One PASS/FAIL line. */
export interface ExpectationResult {
  readonly name: string;
  readonly isPass: boolean;
  readonly measured: string;
  readonly limit: string;
  readonly reason?: string;
  /** Reported, but never sets the exit code (Artillery's ensure `strict: false`); absent: it does. */
  readonly isOptional?: boolean;
}

/** Everything a run produced; what onEnd and the JSON output receive. */
export interface RunResult {
  readonly info: RunInfo;
  readonly summary: RunSummary;
  readonly intervals: IntervalSnapshot[];
  readonly expectations: ExpectationResult[];
  readonly isAborted: boolean;
  readonly saturation: SaturationReport;
  /** Target memory samples and the generator's own CPU / peak RSS (issue 7); absent from older results. */
  readonly resources?: {
    readonly targetMemory: MemorySeries | null;
    readonly generator: GeneratorUsage | null;
  };
  /** Base64 HDR histograms per name (and '' for overall), for exact merges. */
  readonly histograms: Record<string, string>;
  /** Offered / admitted / limited per rate-limit key and second, when the plan has `expect.rateLimit`. */
  readonly rateLimits?: EncodedRateLimits;
}

/** Whether the generator kept up with its schedule. */
export interface SaturationReport {
  readonly isSaturated: boolean;
  readonly lateArrivals: number;
  /** Open-model arrivals judged (after the warm-up); absent from results written before it was recorded. */
  readonly arrivals?: number;
  readonly schedulingDelayP99Us: number;
  readonly maxEventLoopLagMs: number;
  /** Steps after a think judged, those that started over 10 ms after the think's end, and the worst, ms (both models); absent when none ran. */
  readonly steps?: number;
  readonly lateSteps?: number;
  readonly maxStepLateMs?: number;
  /** Run-clock ms of the first interval that showed it, when one did. */
  readonly saturatedFromMs?: number;
  /** Each sign of saturation found, in words (absent from older results). */
  readonly reasons?: readonly string[];
  readonly message: string | null;
}

/**
 * An output plugin. Never called concurrently; must not block. A throw at
 * construction or in `init` aborts the run before the first request; a throw
 * mid-run (onStart, onInterval, onEnd) is logged, the reporter is disabled,
 * and the run and the other reporters go on.
 */
export interface Reporter {
  readonly id: string;
  /**
   * Optional: acquire resources (bind a port, open a file) once, before the
   * run starts. Called by runPlan before any engine starts; a rejection
   * aborts the run (exit 3, AGENTLOAD_E_PLUGIN_START). Factories stay free
   * of side effects so `agentload validate` can call them.
   */
  init?(): Promise<void>;
  onStart?(info: RunInfo): void;
  onInterval?(snapshot: IntervalSnapshot): void;
  /** Once at the start, then every second: the run so far, for live displays (progress line, dashboard). */
  onTick?(status: LiveStatus): void;
  onEnd?(result: RunResult): void | Promise<void>;
}

/**
 * The run so far, at one tick. With --workers the numbers move when the
 * workers flush (every interval); elapsed time and phase move every second.
 */
export interface LiveStatus {
  /** Since the first arrival was scheduled. */
  readonly elapsedMs: number;
  readonly plannedDurationMs: number;
  /** The phase the timeline is in, or null after the last (grace). */
  readonly phase: string | null;
  /** vusers_active now. */
  readonly users: number;
  /** ws_connections now, or null when no engine reports connections. */
  readonly connections: number | null;
  /** Whole run so far (every closed interval plus the open one). */
  readonly requests: number;
  readonly errors: number;
  readonly expected: number;
  /** Requests per second over the last tick. */
  readonly rps: number;
  /** p95 of the open interval, or of the last closed one when the open one has no sample yet; null before any. */
  readonly p95Ms: number | null;
}

// ── The plugin API (types only; the checks and the registry are in plugin-registry.ts) ──

/** What a factory receives besides its options. Read-only; valid for one run. */
export interface PluginContext {
  /** The plan file as given on the command line. */
  readonly planFile: string;
  /** The plan file's directory (absolute): where `module` paths in the plan resolve. */
  readonly planDir: string;
  /** Writes one line to stdout (reports meant for the reader). */
  readonly out: (text: string) => void;
  /** Writes one line to stderr (diagnostics). */
  readonly err: (text: string) => void;
  /** The terminal for live progress, or null when stderr is not one or output is quiet. */
  readonly progress: NodeJS.WriteStream | null;
  /** True under `--quiet`: print PASS/FAIL lines and warnings only. */
  readonly isQuiet: boolean;
}

/** Options a plugin receives: its `config.plugins` entry or its `--reporter NAME:options`, minus `module`. */
export type PluginOptions = Readonly<Record<string, unknown>>;

/** `export function createEngine(options, ctx): Engine` — called once per run, at plan load. */
export type EngineFactory = (options: PluginOptions, ctx: PluginContext) => Engine;

/** `export function createReporter(options, ctx): Reporter` — called once per run, at plan load. */
export type ReporterFactory = (options: PluginOptions, ctx: PluginContext) => Reporter;

/** The exports agentload looks for in a plugin module. */
export interface PluginModule {
  readonly createEngine?: EngineFactory;
  readonly createReporter?: ReporterFactory;
}

/**
 * Where built-in and external engines and reporters are registered for a run
 * (PluginRegistry implements it). Engines and reporters see only this shape,
 * so they need not import the registry.
 */
export interface PluginRegistrar {
  addEngine(engine: unknown, source: string): Engine;
  addReporterFactory(name: string, factory: unknown, source: string): void;
}
