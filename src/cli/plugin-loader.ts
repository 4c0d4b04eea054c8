/**
 * Builds a run's engines and reporters through one PluginRegistry:
 * built-ins first, then `config.plugins`, the reporter flags (`--output`,
 * `--csv`, `--html`, `--junit`, `--prometheus`), `--reporter`, and finally
 * `agentload-engine-<id>` packages for scenario engines still unknown.
 * `run` and `validate` both call it, so a plugin that cannot be found or
 * does not export the contract fails validation too (exit 2, before any
 * request). Reporter factories run here; their resources open in init().
 *
 * `config.plugins` entries (name → options):
 *   html: { file: report.html }             a built-in reporter, enabled from the plan
 *   console: false                          a built-in switched off
 *   count: { file: n.json }                 package agentload-plugin-count (or agentload-engine-count)
 *   echo: { module: ./echo-engine.ts }      a module path, relative to the plan file
 *   ./count-reporter.ts: { file: n.json }   the same, with the path as the name
 */
import { dirname, resolve } from 'node:path';
import { PlanError } from '../engine/errors.ts';
import { PluginRegistry, type PluginContext, type PluginSite } from '../engine/plugin-registry.ts';
import { formatYamlPath } from '../engine/plan/yaml-positions.ts';
import { registerBuiltinEngines } from '../engines/index.ts';
import { registerBuiltinReporters, BUILTIN_REPORTERS, loadBuiltinReporters } from '../plugins/index.ts';
import { importPlugin, packageCandidates, resolvePackage } from './plugin-import.ts';
import { parseReporterSpec } from './reporter-spec.ts';
import type { Engine, PlanInput, Reporter } from '../engine/contracts.ts';
import type { ReportingArgs } from './run-args.ts';
import { loadProcessor, type ProcessorModule } from '../engine/processor/load-processor.ts';
import { ARTILLERY_PLUGIN_SET, type ArtilleryPluginSet } from '../engine/plan/artillery/artillery-plugins.ts';
import { ArtilleryPluginEvents } from '../plugins/artillery-plugin-events.ts';

/** What a run gets: every engine it may use and the reporters to call. */
export interface RunPlugins {
  readonly engines: Engine[];
  readonly reporters: Reporter[];
  /** `config.processor`, imported (exit 2 when it cannot be); null when the plan has none. */
  readonly processor: ProcessorModule | null;
}

/** Streams handed to reporter factories. */
export interface PluginIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly progress: NodeJS.WriteStream | null;
}

interface Request {
  options: Record<string, unknown>;
  site: PluginSite;
}

class Loader {
  readonly registry = new PluginRegistry();
  /** Reporter name → options, in the order reporters are called. */
  readonly requests = new Map<string, Request>();

  constructor(private readonly ctx: PluginContext) {
    registerBuiltinEngines(this.registry);
    registerBuiltinReporters(this.registry);
  }

  /** Adds or merges a reporter request (later sources override option by option). */
  request(name: string, options: Record<string, unknown>, site: PluginSite): void {
    const prior = this.requests.get(name);
    this.requests.set(name, { options: { ...prior?.options, ...options }, site: prior?.site ?? site });
  }

  /** Imports a non-built-in plugin and registers what it exports; reporters are requested under `name`. */
  async external(name: string, options: Record<string, unknown>, baseDir: string, site: PluginSite): Promise<void> {
    const { module: mod, source, kind } = await importPlugin(name, typeof options.module === 'string' ? options.module : null, baseDir, site);
    const { module: _module, ...rest } = options;
    if (typeof mod.createEngine !== 'function' && typeof mod.createReporter !== 'function') {
      throw new PlanError(kind === 'engine' ? 'AGENTLOAD_E_ENGINE_LOAD' : 'AGENTLOAD_E_PLUGIN_LOAD',
        `plugin ${source}: exports neither createEngine nor createReporter (see docs/plugins.md)`, { location: site.location, yamlPath: site.yamlPath });
    }
    if (typeof mod.createEngine === 'function') {
      let engine: unknown;
      try {
        engine = mod.createEngine(Object.freeze({ ...rest }), this.ctx);
      } catch (e) {
        throw new PlanError('AGENTLOAD_E_ENGINE_LOAD', `plugin ${source}: createEngine failed: ${(e as Error)?.message ?? String(e)}`, { location: site.location, yamlPath: site.yamlPath, cause: e });
      }
      this.registry.addEngine(engine, source, site);
    }
    if (typeof mod.createReporter === 'function') {
      this.registry.addReporterFactory(name, mod.createReporter, source, site);
      this.request(name, rest, site);
    }
  }

  async reporters(): Promise<Reporter[]> {
    await loadBuiltinReporters(this.requests.keys());
    return [...this.requests].map(([name, r]) => this.registry.createReporter(name, Object.freeze({ ...r.options }), this.ctx, r.site));
  }
}

/** Where a plugin entry is written; located only when an error reads it (locating a plan parses it for positions). */
function planSite(plan: PlanInput, key: string): PluginSite {
  const yamlPath = formatYamlPath(['config', 'plugins', key]);
  return {
    yamlPath,
    get location() {
      return plan.locate(yamlPath);
    },
  };
}

/** See the module comment. `plan` is the loaded (and scenario-selected) plan. */
export async function loadRunPlugins(plan: PlanInput, args: ReportingArgs, io: PluginIo): Promise<RunPlugins> {
  const planDir = dirname(resolve(plan.file));
  const loader = new Loader({ planFile: plan.file, planDir, out: io.out, err: io.err, progress: args.isQuiet ? null : io.progress, isQuiet: args.isQuiet });
  const fromPlan = Object.entries(plan.config.plugins ?? {});
  const isConsoleOff = args.isConsoleOff || fromPlan.some(([k, v]) => k === 'console' && v === false);
  if (!isConsoleOff) loader.request('console', {}, {});

  for (const [name, value] of fromPlan) {
    const site = planSite(plan, name);
    if (value === false) continue;
    if (value !== true && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new PlanError('AGENTLOAD_E_PLUGIN_LOAD', `plugin ${name}: expected an options object, true or false, got ${JSON.stringify(value)}`, { location: site.location, yamlPath: site.yamlPath });
    }
    const options = value === true || value === null ? {} : { ...(value as Record<string, unknown>) };
    if (name in BUILTIN_REPORTERS && options.module === undefined) loader.request(name, options, site);
    else await loader.external(name, options, planDir, site);
  }

  if (args.outputFile !== null) loader.request('json', { file: args.outputFile }, {});
  if (args.csvPrefix !== null) loader.request('csv', { prefix: args.csvPrefix }, {});
  if (args.htmlFile !== null) loader.request('html', { file: args.htmlFile }, {});
  if (args.junitFile !== null) loader.request('junit', { file: args.junitFile }, {});
  if (args.prometheus !== null) loader.request('prometheus', { host: args.prometheus.host, port: args.prometheus.port }, {});
  for (const spec of args.reporterSpecs) {
    const { name, options } = parseReporterSpec(spec);
    if (name in BUILTIN_REPORTERS) loader.request(name, options, {});
    else if (loader.registry.hasReporter(name)) loader.request(name, options, {});
    else await loader.external(name, options, process.cwd(), {});
  }

  // Artillery-style: `engine: foo` with no plugin entry loads agentload-engine-foo if installed.
  for (const [i, s] of plan.scenarios.entries()) {
    const id = s.engine ?? 'http';
    if (loader.registry.hasEngine(id) || resolvePackage(packageCandidates(id)[1]!, planDir) === null) continue;
    const yamlPath = `scenarios[${i}].engine`;
    await loader.external(`agentload-engine-${id}`, {}, planDir, { location: plan.locate(yamlPath), yamlPath });
  }
  // Artillery plugins were constructed when the plan was read (artillery-plugins.ts); the run relays its events to them.
  const artillery = (plan.config as unknown as Record<symbol, unknown>)[ARTILLERY_PLUGIN_SET] as ArtilleryPluginSet | undefined;
  const relay = artillery === undefined ? [] : [new ArtilleryPluginEvents(artillery.plugins, io.err)];
  return { engines: loader.registry.engines(), reporters: [...await loader.reporters(), ...relay], processor: await loadProcessor(plan) };
}
