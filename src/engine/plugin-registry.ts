/**
 * The plugin API: the factory shapes a plugin module exports, the context a
 * factory receives, the contract checks, and the per-run registry that
 * built-in and external engines and reporters all go through — there is no
 * private path for the built-ins.
 *
 * A plugin module (package `agentload-engine-<id>` / `agentload-plugin-<id>`,
 * or a path) exports either or both of:
 *
 *   export function createEngine(options, ctx): Engine
 *   export function createReporter(options, ctx): Reporter
 *
 * Factories must be cheap and free of side effects (no sockets, no files):
 * `agentload validate` calls them too. A reporter opens its resources in
 * `init()`, an engine in `init(run)`.
 *
 * Types and checks only, no I/O: resolving and importing modules is the
 * CLI's job (src/cli/plugin-loader.ts).
 */
import { PlanError, type ErrorCode, type SourceLocation } from './errors.ts';
import type { Engine, PluginContext, PluginOptions, PluginRegistrar, Reporter, ReporterFactory } from './contracts.ts';

export type { EngineFactory, PluginContext, PluginModule, PluginOptions, PluginRegistrar, ReporterFactory } from './contracts.ts';

const ID = /^[a-z][a-z0-9-]*$/;
const ENGINE_METHODS = ['compileStep', 'init', 'openSession', 'runStep', 'closeSession', 'close'] as const;
const REPORTER_HOOKS = ['init', 'onStart', 'onInterval', 'onEnd'] as const;

/** Why `value` is not an Engine, or null when it is. Checked once, at load (fastify-style metadata check). */
export function engineContractProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return `createEngine returned ${value === null ? 'null' : typeof value}, expected an Engine object`;
  const e = value as Record<string, unknown>;
  if (typeof e.id !== 'string' || !ID.test(e.id)) return `engine id must be lowercase-hyphen like "my-engine", got ${JSON.stringify(e.id)}`;
  if (!Array.isArray(e.stepKeys) || e.stepKeys.length === 0 || !e.stepKeys.every((k) => typeof k === 'string')) {
    return `engine "${e.id}" must list its flow keys in stepKeys (a non-empty array of strings)`;
  }
  const missing = ENGINE_METHODS.filter((m) => typeof e[m] !== 'function');
  return missing.length === 0 ? null : `engine "${e.id}" lacks method(s) ${missing.join(', ')}`;
}

/** Why `value` is not a Reporter, or null when it is. */
export function reporterContractProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return `createReporter returned ${value === null ? 'null' : typeof value}, expected a Reporter object`;
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || !ID.test(r.id)) return `reporter id must be lowercase-hyphen like "my-reporter", got ${JSON.stringify(r.id)}`;
  const wrong = REPORTER_HOOKS.filter((h) => r[h] !== undefined && typeof r[h] !== 'function');
  if (wrong.length > 0) return `reporter "${r.id}": ${wrong.join(', ')} must be function(s)`;
  if (!REPORTER_HOOKS.slice(1).some((h) => typeof r[h] === 'function')) return `reporter "${r.id}" has none of onStart, onInterval, onEnd`;
  return null;
}

/**
 * Whether `config.plugins` may provide the engine `id`, for plan checks that
 * run before plugins are imported: an entry named `id` or
 * `agentload-engine-<id>`, or any module entry (a `module` option or a path
 * as the name — its engine id is only known once imported; compilePlan
 * then reports an id nobody provides, located at the scenario). Pure.
 */
export function pluginsMayProvideEngine(plugins: unknown, id: string): boolean {
  if (plugins === null || typeof plugins !== 'object') return false;
  return Object.entries(plugins as Record<string, unknown>).some(([name, options]) =>
    options !== false && (name === id || name === `agentload-engine-${id}` || /^(\.{1,2}\/|\/)/.test(name) ||
      (options !== null && typeof options === 'object' && typeof (options as Record<string, unknown>).module === 'string')));
}

/** Where a registration came from, for error messages: 'built-in', a package name or a path. */
export type PluginSource = string;

/** Where a load problem is reported: the plan position, or none for command-line plugins. */
export interface PluginSite {
  readonly location?: SourceLocation;
  readonly yamlPath?: string;
}

/**
 * The engines and reporter factories of one run. The CLI fills it — built-ins
 * first (src/engines/index.ts, src/plugins/index.ts), then plugins — and
 * reads it back. Single-threaded, startup only; every method throws a
 * PlanError (exit 2) on a bad registration, before the first request.
 */
export class PluginRegistry implements PluginRegistrar {
  private readonly engineById = new Map<string, { engine: Engine; source: PluginSource }>();
  private readonly reporterByName = new Map<string, { factory: ReporterFactory; source: PluginSource }>();

  /** Adds an engine instance (engines keep per-run state, so one registry serves one run). */
  addEngine(engine: unknown, source: PluginSource, site: PluginSite = {}): Engine {
    fail('AGENTLOAD_E_ENGINE_LOAD', engineContractProblem(engine), source, site);
    const e = engine as Engine;
    const prior = this.engineById.get(e.id);
    if (prior !== undefined) fail('AGENTLOAD_E_ENGINE_LOAD', `engine id "${e.id}" is already provided by ${prior.source}`, source, site);
    this.engineById.set(e.id, { engine: e, source });
    return e;
  }

  /** Registers a reporter factory under `name` (a built-in id, package name or path). */
  addReporterFactory(name: string, factory: unknown, source: PluginSource, site: PluginSite = {}): void {
    if (typeof factory !== 'function') fail('AGENTLOAD_E_PLUGIN_LOAD', `createReporter is ${typeof factory}, expected a function`, source, site);
    const prior = this.reporterByName.get(name);
    if (prior !== undefined) fail('AGENTLOAD_E_PLUGIN_LOAD', `reporter "${name}" is already provided by ${prior.source}`, source, site);
    this.reporterByName.set(name, { factory: factory as ReporterFactory, source });
  }

  /** True when an engine with this id is registered. */
  hasEngine(id: string): boolean {
    return this.engineById.has(id);
  }

  /** True when a reporter factory is registered under `name`. */
  hasReporter(name: string): boolean {
    return this.reporterByName.has(name);
  }

  /** Every registered engine, built-ins first. */
  engines(): Engine[] {
    return [...this.engineById.values()].map((v) => v.engine);
  }

  /** Names of registered reporters (for "available: …" messages). */
  reporterNames(): string[] {
    return [...this.reporterByName.keys()];
  }

  /**
   * Calls the factory registered as `name` and checks what it returns. A
   * factory that throws is a load error too (bad options are the usual cause).
   */
  createReporter(name: string, options: PluginOptions, ctx: PluginContext, site: PluginSite = {}): Reporter {
    const entry = this.reporterByName.get(name);
    if (entry === undefined) fail('AGENTLOAD_E_PLUGIN_LOAD', `unknown reporter "${name}"; available: ${this.reporterNames().join(', ')}`, name, site);
    let reporter: unknown;
    try {
      reporter = entry!.factory(options, ctx);
    } catch (e) {
      fail('AGENTLOAD_E_PLUGIN_LOAD', `createReporter failed: ${(e as Error)?.message ?? String(e)}`, entry!.source, site, e);
    }
    fail('AGENTLOAD_E_PLUGIN_LOAD', reporterContractProblem(reporter), entry!.source, site);
    return reporter as Reporter;
  }
}

/** Throws a PlanError naming the plugin when `problem` is not null. */
function fail(code: ErrorCode, problem: string | null, source: PluginSource, site: PluginSite, cause?: unknown): void {
  if (problem === null) return;
  throw new PlanError(code, `plugin ${source}: ${problem}`, { location: site.location, yamlPath: site.yamlPath, cause });
}
