/**
 * Artillery 2.x scripts read as agentload plans: one pass over the parsed
 * YAML, before schema validation, that rewrites Artillery's forms into the
 * one plan model (docs/artillery.md lists every key). A plan written in
 * agentload's own syntax passes through unchanged: every rewrite keys on
 * something agentload does not accept as written.
 *
 * Features with no agentload equivalent yet are reported as
 * AGENTLOAD_E_NOT_YET at their position (exit 2), naming the alternative,
 * and removed so that the schema does not report them a second time.
 */
import { dirname } from 'node:path';
import { toPlanDuration } from './artillery-duration.ts';
import { pickEnsure, translateEnsure } from './artillery-ensure.ts';
import { readExpectOptions } from './artillery-expect.ts';
import { rewriteSteps, type FlowContext, type Segs } from './artillery-flow.ts';
import { renderConfigTemplate, rewriteArtilleryTemplate } from './artillery-templates.ts';
import { loadPayloads } from './payload-csv.ts';
import { ARTILLERY_PLUGIN_SET, loadArtilleryPlugins } from './artillery-plugins.ts';
import { ARTILLERY_ENGINE_SET, takeCustomEngines } from './artillery-custom-engine.ts';
import { addTargetVariable, targetFix } from './artillery-target-variable.ts';
import { processorOnlyInEnvironments } from './artillery-env-processor.ts';
import { addDirnameVariable, rewritePlaywrightConfig, rewritePlaywrightScenario } from './artillery-playwright.ts';
import { rewriteSocketioScenario } from './artillery-socketio.ts';
import { unknownDollarCalls, unknownTemplateNames, unsetEnvNames } from './template-names.ts';
import { takeTemplateExpressions, templateExpressionMessage, type TemplateExpression } from './template-expressions.ts';
import type { WarningCode } from '../plan-warnings.ts';

/** What the rewrite knows besides the script. */
export interface ArtilleryContext {
  readonly file: string;
  /** `-e` / `--env`, else null. */
  readonly environment: string | null;
  /** `--target`, which replaces whatever the file holds. */
  readonly target: string | undefined;
  /** `-v` / `--var` values, for templated phase values and the target. */
  readonly variables: Record<string, unknown>;
  readonly env: NodeJS.ProcessEnv;
  /** `--overrides` / `-v`: merged into the script first (lists replace whole), and over the selected environment's keys. */
  readonly overrides?: Record<string, unknown>;
}

/** A problem at a YAML path (reported by the loader with its position). */
export interface ArtilleryProblem {
  readonly message: string;
  readonly path: Segs;
  readonly isKey: boolean;
  /** An error code, or a warning code (plan-warnings.ts): the loader says it and goes on. */
  readonly code: 'AGENTLOAD_E_NOT_YET' | 'AGENTLOAD_E_SCHEMA' | 'AGENTLOAD_E_PLAN_READ' | 'AGENTLOAD_E_TEMPLATE' | 'AGENTLOAD_E_PLUGIN_LOAD' | 'AGENTLOAD_E_ENGINE_LOAD' | 'AGENTLOAD_E_PROCESSOR_FUNCTION' | WarningCode;
}

/** The rewritten plan, its problems, and path aliases (rewritten path → where it is written). */
export interface ArtilleryResult {
  readonly data: unknown;
  readonly problems: ArtilleryProblem[];
  readonly aliases: Array<readonly [Segs, Segs]>;
}

const ARTILLERY_PLUGINS = new Set(['ensure', 'expect', 'metrics-by-endpoint', 'apdex']);
const ENGINE_ALIASES: Record<string, string> = { websocket: 'ws', 'socketio-v3': 'socketio' };
const CONNECTING_ENGINES = new Set(['ws']);

/** See the module comment. Does not mutate `input`. */
export function rewriteArtilleryScript(input: unknown, ctx: ArtilleryContext): ArtilleryResult {
  const problems: ArtilleryProblem[] = [];
  const aliases: Array<readonly [Segs, Segs]> = [];
  if (!isRecord(input)) return { data: input, problems, aliases };
  const data = structuredClone(input);
  const report = (message: string, path: Segs, isKey = false, code: ArtilleryProblem['code'] = 'AGENTLOAD_E_NOT_YET'): void => {
    problems.push({ message, path, isKey, code });
  };
  delete data.version;
  if (ctx.overrides !== undefined) applyOverrides(data, ctx.overrides, ctx.environment);
  // Artillery plugins change the script as written (artillery-plugins.ts): before anything here reads it.
  const plugins = isRecord(data.config) ? loadArtilleryPlugins(data, ctx.file, ctx.env) : { set: null, problems: [] };
  for (const pr of plugins.problems) report(pr.message, ['config', 'plugins', pr.name], true, pr.isIgnored === true ? 'AGENTLOAD_W_IGNORED_PLUGIN' : pr.isNotYet === true ? 'AGENTLOAD_E_NOT_YET' : 'AGENTLOAD_E_PLUGIN_LOAD');
  // Custom engines' scenarios are theirs as written: taken out before any rewrite reads them.
  const customEngines = takeCustomEngines(data, ctx.file, ctx.environment, ctx.env, (m, p, isKey) => report(m, p, isKey, 'AGENTLOAD_E_ENGINE_LOAD'));
  reportTemplateExpressions(data, ctx, report);
  walkStrings(data, rewriteArtilleryTemplate);
  data.config ??= {};
  const config = data.config;
  if (!isRecord(config)) return { data, problems, aliases };
  // An enumerable symbol: copied wherever the config is spread (environment, CLI overrides), skipped by the schema, JSON and deepFreeze.
  if (plugins.set !== null) (config as Record<symbol, unknown>)[ARTILLERY_PLUGIN_SET] = plugins.set;
  if (customEngines !== null) (config as Record<symbol, unknown>)[ARTILLERY_ENGINE_SET] = customEngines;
  const envs = isRecord(config.environments) ? config.environments : {};
  const envName = ctx.environment ?? (typeof config.defaultEnvironment === 'string' ? config.defaultEnvironment : null);
  const selected = envName !== null && isRecord(envs[envName]) ? envs[envName] : {};

  const isExpectOn = hasPlugin(config, 'expect') || hasPlugin(selected, 'expect');
  const expectOptions = readExpectOptions(config, selected, ['config', 'environments', envName ?? ''], (m, p) => report(m, p, true));
  // Artillery names an unnamed scenario by its index (vusers.created_by_name.0), as the rewrite below does.
  const scenarioNames = Array.isArray(data.scenarios) ? data.scenarios.map((s, i) => (isRecord(s) && typeof s.name === 'string' ? s.name : String(i))) : [];
  rewriteConfig(config, ['config'], ctx, report, aliases, scenarioNames);
  for (const [name, env] of Object.entries(envs)) {
    if (isRecord(env)) rewriteConfig(env, ['config', 'environments', name], { ...ctx, target: undefined }, name === envName ? report : quietReport(report), aliases, scenarioNames);
  }
  if (ctx.target !== undefined) {
    // --target replaces whatever the file holds, even a value that would not validate (applyCliOverrides sets it).
    delete config.target;
    for (const env of Object.values(envs)) if (isRecord(env)) delete env.target;
  }
  if (config.phases === undefined && selected.phases === undefined) config.phases = [{ duration: 1, arrivalCount: 1 }];
  if (isExpectOn) addExpectExitCheck(config);
  if (Array.isArray(config.payload)) loadPayloads(config.payload, dirname(ctx.file), (m, p, code) => report(m, ['config', 'payload', ...p], code === 'AGENTLOAD_W_IGNORED_KEY', code));

  // A templated think is rendered at load when all it names is known then (artillery-think.ts).
  const loadVariables = { ...(isRecord(config.variables) ? config.variables : {}), ...(isRecord(selected.variables) ? selected.variables : {}), ...ctx.variables };
  const renderAtLoad = (source: string): string | null => renderConfigTemplate(source, loadVariables, ctx.env, envName);
  const isEnvSet = (name: string): boolean => ctx.env[name] !== undefined;
  const defaults = isRecord(config.defaults) ? config.defaults : {};
  const defaultHeaders = isRecord(defaults.headers) ? (defaults.headers as Record<string, string>) : {};
  const defaultJitter = isRecord(defaults.think) ? defaults.think.jitter : undefined;
  const defaultCookie = isRecord(defaults.cookie) ? defaults.cookie : {};
  // Artillery's defaults.strictCapture: false (config.defaults or config.http.defaults) makes captures without `strict` non-strict.
  const isCaptureStrict = defaults.strictCapture !== false;
  for (const k of Object.keys(defaults)) {
    if (k !== 'headers' && k !== 'think' && k !== 'cookie' && k !== 'strictCapture') report(`config.defaults.${k} is not supported yet; set it on each request`, ['config', 'defaults', k], true);
  }
  delete config.defaults;
  // Artillery's config.ws.subprotocols / headers belong to the connection: they go to the connect step.
  const wsConfig = isRecord(config.ws) ? config.ws : {};
  const wsConnect: Record<string, unknown> = {};
  for (const k of ['subprotocols', 'headers']) {
    if (wsConfig[k] !== undefined) wsConnect[k] = wsConfig[k];
    delete wsConfig[k];
  }
  const target = ctx.target !== undefined ? ctx.target : typeof config.target === 'string' ? config.target : typeof selected.target === 'string' ? selected.target : undefined;
  addTargetVariable(data, config, target, ctx.variables);
  const envProcessor = plugins.set === null ? processorOnlyInEnvironments(data, config, selected, envs) : null;
  if (envProcessor !== null) report(envProcessor.message, envProcessor.path, false, 'AGENTLOAD_E_PROCESSOR_FUNCTION');
  if (data.scenarios === undefined && isRecord(input.config)) {
    // Artillery's config-only files (examples/multiple-scenario-specs) are meant for `run --config`.
    report('this file has a config section and no scenarios: it is an Artillery config file; pass it with --config to a file of scenarios, e.g. agentload run --config this-file.yml scenarios.yml', ['config'], true, 'AGENTLOAD_E_SCHEMA');
    data.scenarios = [{ name: 'none', flow: [{ think: 0 }] }]; // reported above: keeps the schema from reporting it again
  }
  if (Array.isArray(data.scenarios)) {
    data.scenarios.forEach((s, i) => {
      if (!isRecord(s)) return;
      if (s.name === undefined) s.name = String(i);
      delete s.description; // Artillery ignores it (its schema allows unknown keys); scripts use it as a comment
      if (typeof s.engine === 'string' && Object.hasOwn(ENGINE_ALIASES, s.engine)) s.engine = ENGINE_ALIASES[s.engine];
      const engine = typeof s.engine === 'string' ? s.engine : 'http';
      if (engine === 'playwright') rewritePlaywrightScenario(s, ['scenarios', i], (to, from) => aliases.push([to, from]));
      const flowCtx: FlowContext = {
        defaultHeaders, defaultJitter, isExpectOn, expectOptions, engine, defaultCookie, renderAtLoad, isEnvSet, isCaptureStrict,
        scriptDir: dirname(ctx.file),
        unsupported: (m, p, isKey) => report(m, p, isKey),
        ignoredWhileTrue: (m, p) => report(m, p, false, 'AGENTLOAD_W_IGNORED_WHILE_TRUE'),
        ignoredKey: (m, p) => report(m, p, true, 'AGENTLOAD_W_IGNORED_KEY'),
        unreadable: (m, p) => report(m, p, false, 'AGENTLOAD_E_PLAN_READ'),
        alias: (to, from) => aliases.push([to, from]),
      };
      if (CONNECTING_ENGINES.has(engine)) rewriteWsConnect(s.flow, wsConnect, target);
      if (engine === 'socketio') rewriteSocketioScenario(s, ['scenarios', i], { ...flowCtx, unknownStep: (m, p) => report(m, p, true, 'AGENTLOAD_W_UNKNOWN_STEP') });
      rewriteSteps(s.flow, ['scenarios', i, 'flow'], flowCtx);
      if (Array.isArray(s.beforeScenario)) rewriteSteps(s.beforeScenario, ['scenarios', i, 'beforeScenario'], flowCtx);
      if (CONNECTING_ENGINES.has(engine) && Array.isArray(s.flow) && !hasConnectStep(s.flow) && !hasConnectStep(s.beforeScenario)) {
        // Artillery's ws engine connects to the target when the scenario starts: a connect before the flow.
        const url = target !== undefined && /^wss?:\/\//i.test(target) ? target : '/';
        const connect = { connect: { url, ...wsConnect, onFailure: 'endScenario' } };
        const before: unknown[] = s.beforeScenario === undefined ? [] : Array.isArray(s.beforeScenario) ? s.beforeScenario : [s.beforeScenario];
        s.beforeScenario = [connect, ...before];
        aliases.push([['scenarios', i, 'beforeScenario', 0], ['scenarios', i, 'engine']]);
        for (let k = 1; k < before.length + 1; k++) aliases.push([['scenarios', i, 'beforeScenario', k], ['scenarios', i, 'beforeScenario', k - 1]]);
      }
    });
  }
  for (const key of ['before', 'after']) {
    const hook = data[key];
    if (isRecord(hook) && hook.engine === 'playwright') rewritePlaywrightScenario(hook, [key], (to, from) => aliases.push([to, from]));
  }
  const usesPlaywright = config.playwright !== undefined || [...(Array.isArray(data.scenarios) ? (data.scenarios as unknown[]) : []), data.before, data.after]
    .some((s) => isRecord(s) && s.engine === 'playwright');
  if (usesPlaywright) addDirnameVariable(config, ctx.file);
  for (const u of unsetEnvNames(data, ctx.env)) {
    report(`template ${JSON.stringify(u.source)} reads the environment variable ${u.name}, which is not set (it would render empty); set it, load it with --dotenv, or give a default: {{env "${u.name}" "default"}}`, u.path, false, 'AGENTLOAD_E_TEMPLATE');
  }
  for (const u of unknownDollarCalls(data)) {
    report(`template ${JSON.stringify(u.source)} calls ${u.name}(), which Artillery does not have (it would render "undefined"); use $randomNumber(min, max), $randomString(n), $uuid, $timestamp or a processor function`, u.path, false, 'AGENTLOAD_E_TEMPLATE');
    // Reported: the call is taken out so the template parser does not report the same place again as a syntax error.
    setAt(data, u.path, u.source.replace(/\{\{\s*\$[A-Za-z_]\w*\s*\([^}]*\}\}/g, ''));
  }
  for (const u of unknownTemplateNames(data, ctx.variables)) {
    const fix = u.name === 'target' ? targetFix(envs) : `define it in config.variables, capture it, or pass --var ${u.name}=…`;
    report(`template ${JSON.stringify(u.source)} names "${u.name}", which no variable, payload field or capture defines (it would render empty); ${fix}`, u.path, false, 'AGENTLOAD_E_TEMPLATE');
  }
  return { data, problems, aliases };
}

/**
 * Templates holding an expression (template-expressions.ts), where Artillery
 * would read them: scenarios, before / after, config and the selected
 * environment (a target --target replaces is never read).
 */
function reportTemplateExpressions(data: Record<string, unknown>, ctx: ArtilleryContext, report: Report): void {
  const found: TemplateExpression[] = [];
  for (const key of ['scenarios', 'before', 'after']) takeTemplateExpressions(data, key, [key], found);
  const config = data.config;
  if (isRecord(config)) {
    const envs = isRecord(config.environments) ? config.environments : {};
    const envName = ctx.environment ?? (typeof config.defaultEnvironment === 'string' ? config.defaultEnvironment : null);
    const scan = (holder: Record<string, unknown>, at: Segs): void => {
      for (const k of Object.keys(holder)) {
        if (k === 'environments' || (k === 'target' && ctx.target !== undefined)) continue;
        takeTemplateExpressions(holder, k, [...at, k], found);
      }
    };
    scan(config, ['config']);
    if (envName !== null && isRecord(envs[envName])) scan(envs[envName], ['config', 'environments', envName]);
  }
  for (const t of found) {
    report(templateExpressionMessage(t), t.path, false, 'AGENTLOAD_E_TEMPLATE');
    // Reported: a phase value gets rewritePhase's placeholder, so the schema does not report the same place again.
    const k = t.path[t.path.length - 1];
    if (t.path[t.path.length - 3] === 'phases' && typeof k === 'string') setAt(data, t.path, k === 'duration' || k === 'pause' ? '1s' : 1);
  }
}

/** Sets the value at `path` under `root` (a path the walk found, so every step exists). */
function setAt(root: Record<string, unknown>, path: Segs, value: unknown): void {
  let node: unknown = root;
  for (const k of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[k];
  (node as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

type Report = (message: string, path: Segs, isKey?: boolean, code?: ArtilleryProblem['code']) => void;

/**
 * An environment that is not selected is never applied: a template in it
 * that names an unset variable (Artillery renders it only when selected)
 * is no error. Its value stays out of the schema's way as a placeholder.
 */
function quietReport(report: Report): Report {
  return (message, path, isKey, code) => {
    if (code !== 'AGENTLOAD_E_SCHEMA' || !/is not set/.test(message)) report(message, path, isKey, code);
  };
}

function hasPlugin(config: Record<string, unknown>, name: string): boolean {
  return isRecord(config.plugins) && config.plugins[name] !== undefined && config.plugins[name] !== false;
}

/** config or one environment: target, phases, plugins, ensure, engines, http, tls, statsInterval. */
function rewriteConfig(config: Record<string, unknown>, at: Segs, ctx: ArtilleryContext, report: Report, aliases: Array<readonly [Segs, Segs]>, scenarioNames: readonly string[]): void {
  const vars = { ...(isRecord(config.variables) ? config.variables : {}), ...ctx.variables };
  if (typeof config.target === 'string' && ctx.target === undefined) {
    if (config.target.trim() === '') delete config.target;
    else if (config.target.includes('{{')) {
      const t = renderConfigTemplate(config.target, vars, ctx.env, ctx.environment);
      if (t === null) report(`target ${JSON.stringify(config.target)} names a variable or environment variable that is not set; set it, or pass --target URL`, [...at, 'target'], false, 'AGENTLOAD_E_SCHEMA');
      config.target = t ?? config.target;
    }
  }
  if (Array.isArray(config.phases)) config.phases.forEach((p, i) => isRecord(p) && rewritePhase(p, [...at, 'phases', i], vars, ctx, report));
  if (config.timeout !== undefined) {
    // Artillery's config.timeout: how long ws and socketio steps wait for an answer (seconds).
    for (const engine of ['ws', 'socketio']) {
      const c = isRecord(config[engine]) ? config[engine] : {};
      c.timeout ??= toPlanDuration(config.timeout);
      config[engine] = c;
    }
    delete config.timeout;
  }
  if (config.statsInterval !== undefined) {
    config.interval = toPlanDuration(config.statsInterval);
    delete config.statsInterval;
    aliases.push([[...at, 'interval'], [...at, 'statsInterval']]);
  }
  rewritePlugins(config, at, report, aliases, scenarioNames);
  if (isRecord(config.engines)) {
    rewritePlaywrightConfig(config, at, ctx.file, report, (to, from) => aliases.push([to, from]));
    delete config.engines;
  }
  if (isRecord(config.http)) rewriteHttp(config.http, config, [...at, 'http'], report);
  if (isRecord(config.tls)) {
    // Artillery's config.tls goes to every HTTPS request: agentload's config.http.tls (rejectUnauthorized only).
    if (config.tls.rejectUnauthorized === false || config.tls.rejectUnauthorized === 'false') {
      const http = isRecord(config.http) ? config.http : {};
      http.tls = { ...(isRecord(http.tls) ? http.tls : {}), rejectUnauthorized: false };
      config.http = http;
      aliases.push([[...at, 'http', 'tls'], [...at, 'tls']]);
    }
    delete config.tls;
  }
  if (isRecord(config.variables)) renderConfigVariables(config.variables, [...at, 'variables'], ctx, report);
  if (config.payload !== undefined && !Array.isArray(config.payload)) {
    config.payload = [config.payload];
    aliases.push([[...at, 'payload', 0], [...at, 'payload']]);
  }
}

/**
 * A templated `config.variables` value that only reads the environment
 * (`{{ $processEnvironment.API_KEY }}`), `$environment` or other plain
 * variables is rendered once at load, as Artillery renders it wherever it is
 * used (its value is the same for every user). An unset environment variable
 * is a located error; a per-user helper (`$randomString()`) is not supported.
 */
function renderConfigVariables(variables: Record<string, unknown>, at: Segs, ctx: ArtilleryContext, report: Report): void {
  for (const [k, v] of Object.entries(variables)) {
    if (typeof v !== 'string' || !v.includes('{{') || Object.hasOwn(ctx.variables, k)) continue;
    const others = { ...variables, ...ctx.variables };
    delete others[k];
    const r = renderConfigTemplate(v, others, ctx.env, ctx.environment);
    if (r !== null) variables[k] = r;
    else if (/\{\{\s*env "/.test(v)) report(`variable ${k} ${JSON.stringify(v)} reads an environment variable that is not set; set it, load it with --dotenv, or pass -v '{"${k}": …}'`, [...at, k], false, 'AGENTLOAD_E_TEMPLATE');
    else report(`a variable templated on a per-user value is not supported yet; put the template where "${k}" is used`, [...at, k]);
  }
}

function rewritePhase(p: Record<string, unknown>, at: Segs, vars: Record<string, unknown>, ctx: ArtilleryContext, report: Report): void {
  for (const [k, v] of Object.entries(p)) {
    if (typeof v !== 'string' || !v.includes('{{')) continue;
    const r = renderConfigTemplate(v, vars, ctx.env, ctx.environment);
    if (r === null) {
      report(`phase ${k} ${JSON.stringify(v)} names a variable or environment variable that is not set; set it (or pass -v / --overrides)`, [...at, k], false, 'AGENTLOAD_E_SCHEMA');
      p[k] = k === 'duration' || k === 'pause' ? '1s' : 1; // reported above, or in an environment that does not run
    } else p[k] = r;
  }
  for (const k of ['duration', 'pause']) if (p[k] !== undefined) p[k] = toPlanDuration(p[k]);
  for (const k of ['arrivalRate', 'rampTo', 'arrivalCount', 'maxVusers']) {
    if (typeof p[k] === 'string' && /^\d+(\.\d+)?$/.test(p[k])) p[k] = Number(p[k]);
  }
  if (p.arrivalCount !== undefined && p.pause === undefined) {
    // Artillery's phase order: arrivalCount wins over arrivalRate and rampTo, which it then ignores.
    delete p.arrivalRate;
    delete p.rampTo;
  }
  if (p.rampTo !== undefined && p.arrivalRate === undefined && p.arrivalCount === undefined) p.arrivalRate = 0;
  if (p.mode !== undefined) {
    p.arrivalDistribution = p.mode;
    delete p.mode;
  }
}

function rewritePlugins(config: Record<string, unknown>, at: Segs, report: Report, aliases: Array<readonly [Segs, Segs]>, scenarioNames: readonly string[]): void {
  const plugins = isRecord(config.plugins) ? config.plugins : {};
  const ensure = pickEnsure(config, at);
  if (ensure !== null) {
    const expect = isRecord(config.expect) ? config.expect : {};
    for (const pr of translateEnsure(ensure[0], expect, scenarioNames)) report(pr.message, [...ensure[1], ...pr.path], false, pr.isUnreadable === true ? 'AGENTLOAD_E_SCHEMA' : 'AGENTLOAD_E_NOT_YET');
    if (!isRecord(config.expect)) aliases.push([[...at, 'expect'], ensure[1]]);
    if (Object.keys(expect).length > 0) config.expect = expect;
  }
  delete config.ensure;
  if (isRecord(config.apdex) || plugins.apdex !== undefined) {
    // The built-in apdex reporter; Artillery reads the threshold from config.apdex or the plugin's options.
    const options = { ...(isRecord(plugins.apdex) ? plugins.apdex : {}), ...(isRecord(config.apdex) ? config.apdex : {}) };
    delete config.apdex;
    config.plugins = { ...plugins, apdex: options };
    if (!isRecord(plugins.apdex)) aliases.push([[...at, 'plugins', 'apdex'], [...at, 'apdex']]);
  }
  const kept = isRecord(config.plugins) ? config.plugins : {};
  for (const name of ARTILLERY_PLUGINS) if (name !== 'apdex') delete kept[name];
  if (isRecord(config.plugins) && Object.keys(kept).length === 0) delete config.plugins;
}

function rewriteHttp(http: Record<string, unknown>, config: Record<string, unknown>, at: Segs, report: Report): void {
  for (const key of ['pool', 'maxSockets']) {
    if (http[key] !== undefined) {
      http.connections = Number(http[key]);
      delete http[key];
    }
  }
  if (http.cookieJarOptions !== undefined) {
    if (isRecord(http.cookieJarOptions)) http.cookieJar = http.cookieJarOptions;
    delete http.cookieJarOptions;
  }
  if (isRecord(http.tls) && http.tls.rejectUnauthorized === 'false') http.tls.rejectUnauthorized = false;
  if (isRecord(http.defaults)) {
    // Artillery reads http.defaults.headers (and .cookie) first, each in place of config.defaults'.
    const defaults = isRecord(config.defaults) ? config.defaults : {};
    for (const [k, v] of Object.entries(http.defaults)) {
      if (k === 'cookie' || k === 'headers') defaults[k] = v;
      else if (k === 'strictCapture') defaults[k] = v === false ? false : defaults[k]; // either false makes captures non-strict, as Artillery
      else report(`config.http.defaults.${k} is not supported yet; set it on each request`, [...at, 'defaults', k], true);
    }
    config.defaults = defaults;
  }
  for (const key of ['extendedMetrics', 'defaults']) delete http[key];
}

/** With the expect plugin on, a failed check fails the run (Artillery exits 21; agentload 1). */
function addExpectExitCheck(config: Record<string, unknown>): void {
  const expect = isRecord(config.expect) ? config.expect : {};
  const outcomes = isRecord(expect.outcomes) ? expect.outcomes : {};
  for (const o of ['expect_status', 'expect_content_type', 'expect_json', 'expect_header', 'expect_body', 'expect_equals', 'expect_cdn', 'expect_jmespath']) outcomes[o] ??= 0;
  expect.outcomes = outcomes;
  // A statusCode check failed by a 4xx/5xx is counted under http_<status>, not expect_status: the plugin's own count catches it.
  const counters = isRecord(expect.counters) ? expect.counters : {};
  counters['plugins.expect.failed'] ??= 0;
  expect.counters = counters;
  config.expect = expect;
}

/**
 * Artillery's `--overrides`: objects merge deeply, anything else (lists too)
 * replaces. Artillery applies the environment first and the overrides over
 * it; here the environment is applied later, so keys it also sets are
 * overridden in it too.
 */
function applyOverrides(data: Record<string, unknown>, overrides: Record<string, unknown>, environment: string | null): void {
  mergeInto(data, structuredClone(overrides));
  const config = data.config;
  const oc = overrides.config;
  if (environment === null || !isRecord(config) || !isRecord(oc) || !isRecord(config.environments)) return;
  const env = config.environments[environment];
  if (!isRecord(env)) return;
  for (const k of Object.keys(oc)) if (k in env) env[k] = isRecord(env[k]) && isRecord(oc[k]) ? mergeInto(env[k], structuredClone(oc[k])) : structuredClone(oc[k]);
}

function mergeInto(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(from)) into[k] = isRecord(v) && isRecord(into[k]) ? mergeInto(into[k], v) : v;
  return into;
}

/**
 * Artillery's first-step `connect` configures the scenario's connection:
 * `{target, headers, subprotocols}` (agentload's connect names the URL `url`;
 * without one, the scenario's target), with config.ws's subprotocols and
 * headers as defaults; `{function}` is a processor function that sees and
 * may change them before the connection opens (the ws engine's connect
 * `function`). A connection that does not open ends the user's scenario,
 * as in Artillery (`onFailure: endScenario`).
 */
function rewriteWsConnect(flow: unknown, wsConnect: Record<string, unknown>, target: string | undefined): void {
  if (!Array.isArray(flow) || !isRecord(flow[0]) || !('connect' in flow[0])) return;
  const c = flow[0].connect;
  if (isRecord(c) && 'target' in c) {
    c.url = c.target;
    delete c.target;
  }
  const url = target !== undefined && /^wss?:\/\//i.test(target) ? target : '/';
  flow[0].connect = { url, ...wsConnect, ...(isRecord(c) ? c : { url: c }), onFailure: 'endScenario' };
}

/** Whether a list of steps, loops included, holds a `connect` step. */
function hasConnectStep(steps: unknown): boolean {
  return Array.isArray(steps) && steps.some((st) => isRecord(st) && ('connect' in st || hasConnectStep(st.loop)));
}

/** Applies `f` to every string in the tree (object keys untouched). */
function walkStrings(node: unknown, f: (s: string) => string): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => (typeof v === 'string' ? (node[i] = f(v)) : walkStrings(v, f)));
  } else if (isRecord(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string') node[k] = f(v);
      else walkStrings(v, f);
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
