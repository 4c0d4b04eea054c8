/**
 * The only place agentload's errors are defined.
 *
 * Every code is declared once in ERROR_TABLE with its family (exit code) and
 * a short "how to fix" hint. Codes are never renamed or reused once released;
 * callers and tests match on `.code`, never on message text. docs/errors.md
 * has one row per code (a contract test checks it).
 */

/** Where in a plan file a problem sits; line and col are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

type Family = 'plan' | 'usage' | 'run' | 'internal';

const EXIT_BY_FAMILY: Record<Family, number> = { plan: 2, usage: 2, run: 3, internal: 3 };

/** code → family and the default hint printed under the message. */
export const ERROR_TABLE = {
  AGENTLOAD_E_YAML: { family: 'plan', hint: 'fix the YAML syntax at the position shown' },
  AGENTLOAD_E_SCHEMA: { family: 'plan', hint: 'see docs/plan-reference.md for the field' },
  AGENTLOAD_E_PLAN_READ: { family: 'plan', hint: 'check the path and that the file is readable' },
  AGENTLOAD_E_PLAN_DURATION: { family: 'plan', hint: 'write durations like 500ms, 30s, 5m, 1h, or a number of seconds' },
  AGENTLOAD_E_PLAN_UNKNOWN_ENGINE: { family: 'plan', hint: 'use a built-in engine (http, tool-rpc, ws) or install agentload-engine-<id>' },
  AGENTLOAD_E_PLAN_UNKNOWN_STEP: { family: 'plan', hint: 'use a step some engine supports (docs/engines/); when several claim it, set the scenario\'s engine' },
  AGENTLOAD_E_PLAN_ENV_NOT_FOUND: { family: 'plan', hint: 'pick one of config.environments, or add it there' },
  AGENTLOAD_E_PLAN_SCENARIO_NOT_FOUND: { family: 'plan', hint: 'pick one of the plan\'s scenario names' },
  AGENTLOAD_E_PLAN_EXPECT: { family: 'plan', hint: 'see docs/plan-reference.md, config.expect' },
  AGENTLOAD_E_PLAN_LIMIT: { family: 'plan', hint: 'stay within the limit named in the message (docs/errors.md lists every limit)' },
  AGENTLOAD_E_PLAN_TARGET: { family: 'plan', hint: 'set config.target to an http(s) URL or "sim", or pass --target URL' },
  AGENTLOAD_E_SUITE: { family: 'plan', hint: 'a suite file is `suite: { plans: [a.yml, b.yml], coolDown: 30s }` (see docs/suites.md)' },
  AGENTLOAD_E_TEMPLATE: { family: 'plan', hint: 'fix the {{ }} template; helpers are listed in docs/plan-reference.md' },
  AGENTLOAD_E_USAGE: { family: 'usage', hint: 'run agentload --help' },
  AGENTLOAD_E_ENGINE_LOAD: { family: 'plan', hint: 'install the engine package or fix its export (see docs/plugins.md)' },
  AGENTLOAD_E_PLUGIN_LOAD: { family: 'plan', hint: 'install the plugin package or fix its export (see docs/plugins.md)' },
  AGENTLOAD_E_PROCESSOR_LOAD: { family: 'plan', hint: 'config.processor names a .js, .mjs, .cjs or .ts file, relative to the plan file' },
  AGENTLOAD_E_PROCESSOR_FUNCTION: { family: 'plan', hint: 'export the function from config.processor, or fix its name (docs/artillery-processor.md)' },
  AGENTLOAD_E_BEFORE_FLOW: { family: 'run', hint: 'the top-level before flow failed, so no virtual user started; fix the step or function named' },
  AGENTLOAD_E_PLUGIN_START: { family: 'run', hint: 'the reporter could not acquire its resource (a port in use?); fix its options' },
  AGENTLOAD_E_TARGET_UNREACHABLE: { family: 'run', hint: 'start the target or pass --target URL' },
  AGENTLOAD_E_BROWSER_START: { family: 'run', hint: 'install chromium (apt-get install chromium) or point AGENTLOAD_CHROMIUM or launchOptions.executablePath at a Chromium; agentload never downloads one' },
  AGENTLOAD_E_SIM_START: { family: 'run', hint: 'free the port or pick another with --port' },
  AGENTLOAD_E_SIM_CONFIG: { family: 'usage', hint: 'see docs/sim.md for the sim settings' },
  AGENTLOAD_E_REPORT_INPUT: { family: 'usage', hint: 'pass a JSON file written by agentload run --output' },
  AGENTLOAD_E_MERGE_INPUT: { family: 'usage', hint: 'pass every shard file of one run (shard 1/N … N/N), each once' },
  AGENTLOAD_E_START_AT_MISSED: { family: 'run', hint: 'pick a --start-at far enough ahead for every shard to finish its setup (sim, workers, image pull)' },
  AGENTLOAD_E_ABORTED: { family: 'run', hint: 'the partial results were still written' },
  AGENTLOAD_E_REPORT_WRITE: { family: 'run', hint: 'pick a path whose directory exists or can be created, and is writable; the other reports were written' },
  AGENTLOAD_E_NOT_YET: { family: 'usage', hint: 'this capability is not built yet; see the issue named in the message' },
  AGENTLOAD_E_INTERNAL: { family: 'internal', hint: 'this is a bug in agentload; please report it with the command you ran' },
} as const satisfies Record<string, { family: Family; hint: string }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

/** Options every agentload error may carry. */
export interface ErrorDetails {
  hint?: string;
  location?: SourceLocation;
  yamlPath?: string;
  cause?: unknown;
}

/**
 * Base of all agentload errors. `message` is the one-line text without the
 * location prefix; `format()` renders `file:line:col CODE path: message`.
 */
export class AgentloadError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint: string;
  readonly location: SourceLocation | undefined;
  readonly yamlPath: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AgentloadError';
    this.code = code;
    this.exitCode = EXIT_BY_FAMILY[ERROR_TABLE[code].family];
    this.hint = details.hint ?? ERROR_TABLE[code].hint;
    this.location = details.location;
    this.yamlPath = details.yamlPath;
  }

  /** One line: `plans/x.yml:12:7 AGENTLOAD_E_SCHEMA config.phases[1].duration: …`. */
  format(): string {
    const where = this.location ? `${this.location.file}:${this.location.line}:${this.location.col} ` : '';
    const path = this.yamlPath ? `${this.yamlPath}: ` : '';
    return `${where}${this.code} ${path}${this.message}`;
  }
}

/** A plan problem (exit 2). May carry many diagnostics, sorted by line. */
export class PlanError extends AgentloadError {
  readonly diagnostics: AgentloadError[];
  constructor(code: ErrorCode, message: string, details: ErrorDetails & { diagnostics?: AgentloadError[] } = {}) {
    super(code, message, details);
    this.name = 'PlanError';
    this.diagnostics = details.diagnostics ?? [];
  }
}

/** A bad command line (exit 2). */
export class UsageError extends AgentloadError {
  constructor(message: string, details: ErrorDetails = {}, code: ErrorCode = 'AGENTLOAD_E_USAGE') {
    super(code, message, details);
    this.name = 'UsageError';
  }
}

/** The run could not start or was aborted (exit 3). */
export class RunError extends AgentloadError {
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
    this.name = 'RunError';
  }
}

/** A bug in agentload (exit 3). */
export class InternalError extends AgentloadError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('AGENTLOAD_E_INTERNAL', message, details);
    this.name = 'InternalError';
  }
}

/** Builds a PlanError that carries all of `diagnostics` (sorted by position). */
export function planErrors(diagnostics: AgentloadError[]): PlanError {
  const sorted = [...diagnostics].sort(
    (a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0),
  );
  const first = sorted[0]!;
  return new PlanError(first.code, first.message, {
    location: first.location,
    yamlPath: first.yamlPath,
    hint: first.hint,
    diagnostics: sorted,
  });
}

/** True for any agentload error, by duck type on `.code` (not instanceof, which breaks across realms). */
export function isAgentloadError(e: unknown): e is AgentloadError {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' &&
    (e as { code: string }).code.startsWith('AGENTLOAD_E_') && typeof (e as { format?: unknown }).format === 'function';
}
