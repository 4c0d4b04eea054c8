/**
 * `--scenario NAME`: keeps only the named scenarios (the seed ran
 * `locust … RateLimitingUser`). An unknown name is a plan error listing the
 * available ones.
 */
import { PlanError } from '../engine/errors.ts';
import type { PlanInput } from '../engine/contracts.ts';

/** Returns `plan` restricted to `names` (all when empty). */
export function selectScenarios(plan: PlanInput, names: readonly string[]): PlanInput {
  if (names.length === 0) return plan;
  const known = plan.scenarios.map((s) => s.name);
  for (const n of names) {
    if (!known.includes(n)) {
      throw new PlanError('AGENTLOAD_E_PLAN_SCENARIO_NOT_FOUND', `unknown scenario "${n}"; the plan has ${known.map((k) => `"${k}"`).join(', ')}`);
    }
  }
  return Object.freeze({ ...plan, scenarios: plan.scenarios.filter((s) => names.includes(s.name)) });
}
