/**
 * Plan warnings: forms Artillery's own validation lets through and its
 * runner ignores (or fails at run time), which agentload reads the same way
 * instead of stopping at validate. Each one is still said, located, once:
 *
 *   plan.yml:3:3 warning AGENTLOAD_W_IGNORED_KEY config.environment: unknown key "environment"; Artillery ignores it, so agentload does too; did you mean "environments"?
 *
 * `--strict` turns every warning into the plan error it stands for (exit 2),
 * for CI jobs that want no such slack. Warnings never cover anything whose
 * loss could make a run pass that was meant to fail (checks, templates, types,
 * durations): those stay errors (docs/decisions.md, "Plan warnings").
 */
import { PlanError, type AgentloadError, type ErrorCode, type SourceLocation } from '../errors.ts';

/** Every warning code, what it means, and the error `--strict` makes of it. docs/errors.md lists them. */
export const WARNING_TABLE = {
  AGENTLOAD_W_IGNORED_KEY: { error: 'AGENTLOAD_E_SCHEMA', meaning: 'a key Artillery ignores: agentload ignores it too' },
  AGENTLOAD_W_IGNORED_PLUGIN: { error: 'AGENTLOAD_E_NOT_YET', meaning: 'an Artillery plugin that only sends metrics elsewhere: not loaded' },
  AGENTLOAD_W_IGNORED_WHILE_TRUE: { error: 'AGENTLOAD_E_NOT_YET', meaning: 'a loop `whileTrue` that names no processor function: Artillery ignores it and loops by count / over' },
  AGENTLOAD_W_HEADER_NAME: { error: 'AGENTLOAD_E_PLAN_LIMIT', meaning: 'a request header name HTTP does not allow: as in Artillery, each request that carries it fails, counted as invalid_request' },
  AGENTLOAD_W_UNKNOWN_STEP: { error: 'AGENTLOAD_E_SCHEMA', meaning: 'a flow step whose action no engine knows: as in Artillery, each user that reaches it ends there as failed, counted under invalid_steps' },
} as const satisfies Record<string, { error: ErrorCode; meaning: string }>;

export type WarningCode = keyof typeof WARNING_TABLE;

/** One located warning. Immutable; in the JSON result as `info.warnings`. */
export interface PlanWarning {
  readonly code: WarningCode;
  /** What was found and what agentload does with it, e.g. `unknown key "unique"; Artillery ignores it, so agentload does too`. */
  readonly message: string;
  readonly yamlPath?: string;
  readonly location?: SourceLocation;
}

/** Whether a problem code is a warning code. */
export function isWarningCode(code: string): code is WarningCode {
  return Object.hasOwn(WARNING_TABLE, code);
}

/** `file:line:col warning CODE path: message`, the line `validate` and `run` print on stderr. */
export function formatWarning(w: PlanWarning): string {
  const where = w.location === undefined ? '' : `${w.location.file}:${w.location.line}:${w.location.col} `;
  return `${where}warning ${w.code} ${w.yamlPath === undefined ? '' : `${w.yamlPath}: `}${w.message}`;
}

/** `--strict`: each warning as the plan error it stands for, at the same place. */
export function warningErrors(warnings: readonly PlanWarning[]): AgentloadError[] {
  return warnings.map((w) => new PlanError(WARNING_TABLE[w.code].error, `${w.message.replace(', so agentload does too', '')} (${w.code}: an error under --strict)`, { location: w.location, yamlPath: w.yamlPath }));
}

/** Sorted by position, as errors are. */
export function sortWarnings(warnings: PlanWarning[]): PlanWarning[] {
  return warnings.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
}
