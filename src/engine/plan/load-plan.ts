/**
 * Plan loading: file → YAML with positions → schema and rule checks → the
 * selected environment → CLI overrides → a frozen PlanInput. Nothing
 * downstream reads raw YAML; anything that needs a source position later
 * (the compiler) asks `plan.locate(yamlPath)`.
 *
 *   read ──► parse ──► validate (Ajv, allErrors) ─┐
 *                      check (plan-checks.ts)  ───┴─► one PlanError with all
 *                                                      diagnostics, or
 *            ──► environment ──► CLI ──► defaults ──► deepFreeze
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pluginsMayProvideEngine } from '../plugin-registry.ts';
import { LineCounter } from 'yaml';
import type { HookFlowInput, PlanInput, ScenarioInput } from '../contracts.ts';
import { PlanError, planErrors, type SourceLocation } from '../errors.ts';
import { applyCliOverrides, applyEnvironment, deepFreeze, type PlanOverrides } from './apply-overrides.ts';
import { checkPlan, isRecord } from './plan-checks.ts';
import { planValidator } from './plan-schema.ts';
import { explainSchemaErrors } from './schema-diagnostics.ts';
import { templateProblems } from './template-scan.ts';
import { readArtilleryScript } from './artillery/read-artillery.ts';
import { mergeConfigFile } from './config-file.ts';
import { lineColAt, parseGuarded, toJsGuarded } from './yaml-guards.ts';
import { fastLoadYaml } from './yaml-fast-load.ts';
import { LazyPositions } from './lazy-positions.ts';
import { takeIgnoredKeys } from './ignored-keys.ts';
import { takeUnknownSteps } from './unknown-steps.ts';
import { badHeaderNames } from './header-names.ts';
import { sortWarnings, warningErrors, type PlanWarning } from './plan-warnings.ts';
import { formatYamlPath, parseYamlPath, YamlPositions, type PathSegment, type PlanPositions } from './yaml-positions.ts';

export type { PlanOverrides } from './apply-overrides.ts';

/** A loaded plan: PlanInput plus the environment that was applied (for RunInfo.environment). */
export interface LoadedPlan extends PlanInput {
  /** The applied environment's name, or null when none was selected. */
  readonly environment: string | null;
  /** What the plan holds that Artillery ignores, located, sorted (plan-warnings.ts); empty under `--strict`, which throws them. */
  readonly warnings: readonly PlanWarning[];
}

/**
 * How plans were read in this process: `fastReads` without positions,
 * `yamlParses` by the yaml library (for positions, or because the first read
 * refused the text). Tests count them: a valid plan of any size is parsed by
 * yaml zero times, an invalid one once.
 */
export const planReadCounts = { fastReads: 0, yamlParses: 0 };

/** Objects that the environment merges one level deep; other keys it replaces whole. */
function isMergedKey(config: Record<string, unknown>, env: Record<string, unknown>, key: string): boolean {
  return isRecord(config[key]) && isRecord(env[key]);
}

/**
 * Loads, validates and resolves a plan. Synchronous (startup only; the
 * validator is compiled once per process). Returns a deeply frozen plan whose
 * scenarios have `weight` and `engine` filled in (1 and 'http').
 *
 * Throws a PlanError (exit 2) whose `diagnostics` hold every problem found,
 * sorted by position: AGENTLOAD_E_PLAN_READ, AGENTLOAD_E_YAML (all syntax
 * errors), or together AGENTLOAD_E_SCHEMA / _PLAN_DURATION /
 * _PLAN_UNKNOWN_ENGINE / _PLAN_ENV_NOT_FOUND; then possibly
 * AGENTLOAD_E_PLAN_ENV_NOT_FOUND for `--env` and AGENTLOAD_E_PLAN_TARGET.
 * Bad override values throw UsageError. Called by `agentload run` and
 * `agentload validate` (through validatePlanFile).
 */
export function loadPlan(file: string, overrides: PlanOverrides = {}): LoadedPlan {
  const text = readPlanText(file);
  // A valid plan needs no source position: read it without them, and parse for positions only when one is asked for.
  let data: unknown = fastLoadYaml(text);
  let positions: PlanPositions;
  if (data === null) ({ data, positions } = parsePlanYaml(text, file));
  else {
    planReadCounts.fastReads++;
    positions = new LazyPositions(() => parsePlanYaml(text, file).positions);
  }

  // Artillery's --config: a second file merged into this one before anything reads it (config-file.ts).
  if (overrides.configFile !== undefined) ({ data, positions } = mergeConfigFile(data, positions, file, overrides.configFile));
  // Read as written: config.defaults' headers are copied into each request by the rewrite, away from their line.
  const badHeaders = badHeaderNames(data);
  const artillery = readArtilleryScript(data, file, overrides, positions);
  data = artillery.data;
  const { bundle, validate } = planValidator();
  const warningAt = (code: PlanWarning['code']) => (k: { path: PathSegment[]; message: string }): PlanWarning => ({
    code, message: k.message, yamlPath: formatYamlPath(k.path), location: positions.keyOf(k.path) ?? positions.nearest(k.path),
  });
  const warnings = [
    ...artillery.warnings,
    ...takeIgnoredKeys(data, bundle.schema).map(warningAt('AGENTLOAD_W_IGNORED_KEY')),
    ...takeUnknownSteps(data, new Set(bundle.stepOwners.keys())).map(warningAt('AGENTLOAD_W_UNKNOWN_STEP')),
    ...badHeaders.map(warningAt('AGENTLOAD_W_HEADER_NAME')),
  ];
  const diagnostics = validate(data) ? [] : explainSchemaErrors(validate.errors ?? [], { root: bundle.schema, data, positions });
  diagnostics.push(...artillery.diagnostics);
  if (overrides.isStrict === true) diagnostics.push(...warningErrors(warnings));
  diagnostics.push(
    ...checkPlan(data, {
      positions,
      engineIds: bundle.engineIds,
      stepKeys: new Set(bundle.stepOwners.keys()),
      isExternalEngine: (id) => isExternalEngine(id, file, (data as { config?: { plugins?: unknown } } | null)?.config?.plugins),
    }),
  );
  // The compiler, which finds template errors, only runs on a plan that passed: list them now too.
  if (diagnostics.length > 0) diagnostics.push(...templateProblems(data, positions));
  if (diagnostics.length > 0) throw planErrors(diagnostics);

  const plan = data as { config: Record<string, unknown>; scenarios: ScenarioInput[]; before?: HookFlowInput; after?: HookFlowInput };
  const located = (segs: PathSegment[]) => () => positions.of(segs) ?? positions.nearest(segs);
  const { config: withEnv, environment } = applyEnvironment(plan.config, overrides, located(['config', 'defaultEnvironment']));
  const schema = bundle.schema as { properties: { config: { properties: { target: { pattern: string } } } } };
  const targetPattern = new RegExp(schema.properties.config.properties.target.pattern);
  const { config, cliPaths } = applyCliOverrides(withEnv, overrides, targetPattern, located(['config']));
  const scenarios = plan.scenarios.map((s) => ({ ...s, weight: s.weight ?? 1, engine: s.engine ?? 'http' }));

  const envConfig = environment === null ? undefined : (plan.config.environments as Record<string, Record<string, unknown>>)[environment];
  const locate = (yamlPath: string): SourceLocation | undefined => {
    const segs = parseYamlPath(yamlPath) ?? parsablePrefix(yamlPath);
    if (segs === undefined) return undefined;
    if (cliPaths.some((p) => p.length <= segs.length && p.every((s, i) => s === segs[i]))) return undefined;
    const key = segs[1];
    if (envConfig !== undefined && segs[0] === 'config' && typeof key === 'string' && Object.hasOwn(envConfig, key)) {
      const envSegs: PathSegment[] = ['config', 'environments', environment!, ...segs.slice(1)];
      if (positions.has(envSegs)) return positions.of(envSegs);
      if (!isMergedKey(plan.config, envConfig, key)) return positions.nearest(envSegs);
    }
    return positions.of(segs) ?? positions.nearest(segs);
  };

  const hookFlows = { ...(plan.before === undefined ? {} : { before: plan.before }), ...(plan.after === undefined ? {} : { after: plan.after }) };
  const planWarnings = overrides.isStrict === true ? [] : sortWarnings(warnings);
  return deepFreeze<LoadedPlan>({ file, config, scenarios, ...hookFlows, environment, locate, warnings: planWarnings });
}

/**
 * The plan read by the yaml library, with a position for every node; throws
 * the YAML problems found (AGENTLOAD_E_PLAN_LIMIT, AGENTLOAD_E_YAML), located.
 */
function parsePlanYaml(text: string, file: string): { data: unknown; positions: PlanPositions } {
  planReadCounts.yamlParses++;
  const lineCounter = new LineCounter();
  const at = (offset: number): SourceLocation => ({ file, ...lineCounter.linePos(offset) });
  const { doc, problems } = parseGuarded(text, lineCounter);
  if (doc === null) {
    throw planErrors([new PlanError('AGENTLOAD_E_PLAN_LIMIT', `the plan ${problems[0]!.message}`, {
      location: { file, ...lineColAt(text, problems[0]!.offset) }, hint: 'flatten the structure: no plan needs that depth (a JSON body can be given as a string in `body`)',
    })]);
  }
  if (problems.length > 0) throw planErrors(problems.map((p) => new PlanError('AGENTLOAD_E_YAML', p.message, { location: at(p.offset) })));
  try {
    return { data: toJsGuarded(doc), positions: new YamlPositions(doc, lineCounter, file) };
  } catch (e) {
    throw planErrors([new PlanError('AGENTLOAD_E_YAML', (e as Error).message, { location: at(0), cause: e })]);
  }
}

/**
 * `agentload validate`: everything loadPlan checks, nothing returned.
 * Throws exactly what loadPlan throws.
 */
export function validatePlanFile(file: string, overrides: PlanOverrides = {}): void {
  loadPlan(file, overrides);
}

/**
 * The longest prefix of `yamlPath` that parses, for paths built from keys that
 * are not identifiers (`byName.Large Payload.p95`, `tokens.!min`): the error is
 * then located at the nearest enclosing key instead of nowhere.
 */
function parsablePrefix(yamlPath: string): PathSegment[] | undefined {
  for (let end = yamlPath.lastIndexOf('.'); end > 0; end = yamlPath.lastIndexOf('.', end - 1)) {
    const segs = parseYamlPath(yamlPath.slice(0, end));
    if (segs !== undefined) return segs;
  }
  return undefined;
}

function readPlanText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw planErrors([new PlanError('AGENTLOAD_E_PLAN_READ', `cannot read plan ${file}: ${reason}`, { cause: e })]);
  }
}

/**
 * An engine outside this repository: one the plan's `config.plugins` may
 * provide (checked for its contract when plugins load), or an installed
 * `agentload-engine-<id>` package resolvable from the plan's directory.
 */
function isExternalEngine(id: string, planFile: string, plugins: unknown): boolean {
  if (pluginsMayProvideEngine(plugins, id)) return true;
  try {
    createRequire(resolve(planFile)).resolve(`agentload-engine-${id}`);
    return true;
  } catch {
    return false;
  }
}
