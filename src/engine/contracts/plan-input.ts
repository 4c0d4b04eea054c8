/**
 * Part of the plugin contract (contracts.ts re-exports it): a plan as it is
 * written, before compiling, and the templates compiled from it. Types only;
 * imports nothing of src/ but the contract's other parts.
 */
/** A duration as written in a plan: `500ms`, `10s`, `5m`, `1h`, or a number of seconds. */
export type DurationInput = string | number;

/** A fixed think time or a uniform range. */
export type ThinkInput = DurationInput | { min: DurationInput; max: DurationInput };

/** One phase as written: open model (arrivals) or closed model (users). */
export interface PhaseInput {
  name?: string;
  duration?: DurationInput;
  arrivalRate?: number;
  rampTo?: number;
  arrivalCount?: number;
  pause?: DurationInput;
  maxVusers?: number;
  users?: number;
  spawnRate?: number;
  arrivalDistribution?: 'uniform' | 'poisson';
  /** Marks a traffic spike: `expect.recovery` measures the time to recover after it. */
  burst?: boolean;
}

/** `config.http` */
export interface HttpConfigInput {
  timeout?: DurationInput;
  connections?: number;
  pipelining?: number;
}

/** `config.expect` thresholds; see expectations.ts for the grammar. */
export interface ExpectInput {
  [metric: string]: unknown;
  byName?: Record<string, Record<string, unknown>>;
}

/** `config` as written (after environment overrides). */
export interface ConfigInput {
  target: string;
  phases: PhaseInput[];
  environments?: Record<string, Partial<ConfigInput>>;
  defaultEnvironment?: string;
  variables?: Record<string, unknown>;
  http?: HttpConfigInput;
  expect?: ExpectInput;
  plugins?: Record<string, unknown>;
  interval?: DurationInput;
  grace?: DurationInput;
  /** Seeds every random draw of the run (think, scenario pick, Poisson arrivals, template helpers); issue 16. */
  seed?: number;
  sim?: Record<string, unknown>;
  [engineSpecific: string]: unknown;
}

/** A flow step as written: exactly one action key plus modifiers. */
export type StepInput = Record<string, unknown>;

/** One scenario as written. */
export interface ScenarioInput {
  name: string;
  weight?: number;
  engine?: string;
  /** Steps, or processor function names (a name, or names among the steps). */
  beforeScenario?: string | Array<StepInput | string>;
  /** Processor functions run after the user's last iteration. */
  afterScenario?: string | string[];
  /** Processor functions around every request of the scenario. */
  beforeRequest?: string | string[];
  afterResponse?: string | string[];
  /** Processor functions called when a request of the scenario gets no answer; then the scenario ends. */
  onError?: string | string[];
  flow: StepInput[];
}

/** A top-level `before` / `after` flow as written. */
export interface HookFlowInput {
  name?: string;
  engine?: string;
  flow: StepInput[];
}

/** A validated plan, frozen. Nothing downstream reads raw YAML. */
export interface PlanInput {
  readonly file: string;
  readonly config: ConfigInput;
  readonly scenarios: ScenarioInput[];
  /** The top-level `before` / `after` flows (Artillery 2.x), run once around the phases; absent when the plan has none. */
  readonly before?: HookFlowInput;
  readonly after?: HookFlowInput;
  /** Maps a YAML path like `scenarios[0].flow[2]` to its source position (for compile-time errors). */
  readonly locate: (yamlPath: string) => { file: string; line: number; col: number } | undefined;
}

/** A template compiled once; `isStatic` means render() always returns the same string. */
export interface Template {
  readonly isStatic: boolean;
  readonly source: string;
  render(vars: VuVars): string;
}

/** A value tree (JSON body, params) with templates inside; `isStatic` when none. */
export interface ValueTemplate {
  readonly isStatic: boolean;
  render(vars: VuVars): unknown;
}

/** Variables visible to templates: plan variables, captures, loop item. */
export type VuVars = Record<string, unknown>;
