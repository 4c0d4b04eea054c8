/**
 * The loader's side of the Artillery dialect: runs the rewrite
 * (artillery-script.ts) on the parsed YAML, registers the moved paths with
 * the positions, and turns its problems into located PlanErrors, and its
 * warnings (AGENTLOAD_W_* codes) into located PlanWarnings.
 */
import { PlanError, type AgentloadError } from '../../errors.ts';
import type { PlanOverrides } from '../apply-overrides.ts';
import { isWarningCode, type PlanWarning } from '../plan-warnings.ts';
import { formatYamlPath, type PlanPositions } from '../yaml-positions.ts';
import { rewriteArtilleryScript } from './artillery-script.ts';

/** The plan data to validate, and the Artillery problems and warnings found (not thrown). */
export function readArtilleryScript(data: unknown, file: string, overrides: PlanOverrides, positions: PlanPositions): { data: unknown; diagnostics: AgentloadError[]; warnings: PlanWarning[] } {
  const r = rewriteArtilleryScript(data, { file, environment: overrides.env ?? null, target: overrides.target, variables: overrides.vars ?? {}, env: process.env, overrides: overrides.scriptOverrides });
  for (const [to, from] of r.aliases) positions.alias(to, from);
  const diagnostics: AgentloadError[] = [];
  const warnings: PlanWarning[] = [];
  for (const p of r.problems) {
    const location = (p.isKey ? positions.keyOf(p.path) : positions.of(p.path)) ?? positions.nearest(p.path);
    const yamlPath = formatYamlPath(p.path) || undefined;
    if (isWarningCode(p.code)) warnings.push({ code: p.code, message: p.message, location, ...(yamlPath === undefined ? {} : { yamlPath }) });
    else diagnostics.push(new PlanError(p.code, p.message, { location, yamlPath }));
  }
  return { data: r.data, diagnostics, warnings };
}
