/**
 * Expected outcomes, as a plan names them:
 *
 *   config.outcomes:               # or a step's `outcomes:`
 *     rate_limited: { status: [429], codes: [-32001] }
 *     quota_exceeded: { codes: [-32005] }
 *     maintenance: false           # turn an engine default off
 *
 * Step rules override config rules, which override the engine's defaults.
 * Names are lowercase snake_case; statuses are 100–599; codes are integers.
 */
import type { OutcomeRules } from '../contracts.ts';

type Fail = (message: string, yamlPath: string) => never;

const NAME = /^[a-z][a-z0-9_]*$/;

/** No expected outcomes. */
export const NO_OUTCOMES: OutcomeRules = Object.freeze({ byStatus: new Map(), byRpcCode: new Map() });

function apply(into: { byStatus: Map<number, string>; byRpcCode: Map<number, string> }, raw: unknown, yamlPath: string, fail: Fail): void {
  if (raw === undefined || raw === null) return;
  if (typeof raw !== 'object' || Array.isArray(raw)) fail(`expected a map of outcome name → { status, codes }, got ${JSON.stringify(raw)}`, yamlPath);
  for (const [name, rule] of Object.entries(raw as Record<string, unknown>)) {
    const p = `${yamlPath}.${name}`;
    if (!NAME.test(name)) fail(`expected an outcome name in lowercase snake_case, got "${name}"`, p);
    for (const m of [into.byStatus, into.byRpcCode]) for (const [k, v] of [...m]) if (v === name) m.delete(k);
    if (rule === false) continue;
    const r = (rule ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== 'status' && k !== 'codes') fail(`unknown key "${k}" in outcome rule; expected status or codes`, `${p}.${k}`);
    for (const s of [r.status ?? []].flat()) {
      if (!Number.isInteger(s) || (s as number) < 100 || (s as number) > 599) fail(`expected an HTTP status 100-599, got ${JSON.stringify(s)}`, `${p}.status`);
      into.byStatus.set(s as number, name);
    }
    for (const c of [r.codes ?? []].flat()) {
      if (!Number.isInteger(c)) fail(`expected an integer JSON-RPC error code, got ${JSON.stringify(c)}`, `${p}.codes`);
      into.byRpcCode.set(c as number, name);
    }
  }
}

/**
 * Defaults ← config.outcomes, by engine defaults, for the plan whose config.outcomes was layered last: a step
 * without outcomes of its own shares them (the maps are read-only), instead of two new maps per step.
 */
const layeredByDefaults = new WeakMap<OutcomeRules, { configRules: unknown; rules: OutcomeRules }>();

/** Layers defaults ← config.outcomes ← step outcomes. */
export function compileOutcomeRules(defaults: OutcomeRules, configRules: unknown, stepRules: unknown, yamlPath: string, fail: Fail): OutcomeRules {
  const isStepless = stepRules === undefined || stepRules === null;
  const known = layeredByDefaults.get(defaults);
  if (isStepless && known !== undefined && known.configRules === configRules) return known.rules;
  const out = { byStatus: new Map(defaults.byStatus), byRpcCode: new Map(defaults.byRpcCode) };
  apply(out, configRules, 'config.outcomes', fail);
  if (isStepless) {
    layeredByDefaults.set(defaults, { configRules, rules: out });
    return out;
  }
  apply(out, stepRules, `${yamlPath}.outcomes`, fail);
  return out;
}
