/**
 * Compiled thresholds. A plan's `config.expect` compiles to a list of
 * these; evaluateExpectations applies them to the run summary.
 */

/** How a measured value is compared with its limit. */
export type Comparator = '<=' | '<' | '>=' | '>' | '==';

/** What the value is, for printing ("12.3ms", "0.05%", "1200/s", "3"). */
export type ValueUnit = 'ms' | 'ratio' | 'rps' | 'count';

/** One threshold, ready to evaluate. */
export interface CompiledExpectation {
  /** Printed label, e.g. `p95`, `health: p99`, `outcome rate_limited`. */
  readonly label: string;
  /** Request name the threshold applies to; null for all requests together. */
  readonly scope: string | null;
  /** `byTag` thresholds: the [tag, value] every selected name carries (e.g. ['class', 'light']); absent otherwise. */
  readonly tagScope?: readonly [string, string];
  /** `phases:` / `rateLimited.inPhases` thresholds: only intervals of these phases count (phase-scope.ts); absent = whole run. */
  readonly phases?: readonly string[];
  /** What to read: a latency percentile, errorRate, rps, count, status class, outcome, counter or gauge peak. */
  readonly metric: string;
  readonly comparator: Comparator;
  readonly limit: number;
  readonly unit: ValueUnit;
  readonly yamlPath: string;
  /** An `expect.conditions` expression over Artillery's metric names (ensure-condition.ts); `metric` is then `ensure`. */
  readonly ensure?: EnsureSpec;
}

/**
 * What an `expect.conditions` check reads besides the run summary: which request
 * names are Artillery's `http.*` and `socketio.*` (artillery-metrics.ts). Plain data,
 * recorded with the expectation, so `agentload merge` judges it the same way.
 */
export interface EnsureFacts {
  /** Request names the http engine made; null when every request name of the plan is one. */
  readonly httpNames: readonly string[] | null;
  /** Request names the socketio engine made. */
  readonly socketioNames: readonly string[];
}

/** An `expect.conditions` check (ensure-condition.ts). */
export interface EnsureSpec {
  readonly expression: string;
  /** The metric names the expression reads. */
  readonly names: readonly string[];
  /** `strict: false`: reported, but never sets the exit code (Artillery's optional condition); absent in records before it. */
  readonly isOptional?: boolean;
  /** Set when the plan is compiled; null before (read then as: every request is HTTP). */
  readonly facts: EnsureFacts | null;
}
