/**
 * Artillery plugins (`config.plugins.<name>` backed by a package
 * `artillery-plugin-<name>`), loaded as Artillery loads them: a module that
 * exports `Plugin(script, events)` (Artillery's plugin API v2) or is that
 * constructor itself (v1: `(config, events)`), looked up as
 * `<prefix><name>` (prefix `artillery-plugin-`, or the plugin's `scope` /
 * `config.pluginsScope`) from the script's folder, the working directory,
 * then each folder of ARTILLERY_PLUGIN_PATH.
 *
 * The constructor runs on the script as written, before agentload reads it,
 * as Artillery's workers run it: what it changes in the script is what runs.
 * Functions it adds to `config.processor` (Artillery hands plugins the
 * loaded processor object) join the processor's functions, so hooks it adds
 * to scenarios (`beforeRequest: [name]`) resolve. The instance and its
 * `events` are kept on the plan's config under ARTILLERY_PLUGIN_SET; the run
 * relays 'phaseStarted', 'phaseCompleted', 'stats' and 'done' to them and
 * calls `cleanup(done)` at the end (src/plugins/artillery-plugin-events.ts).
 *
 * A name no such package answers is left to agentload's own plugin loader
 * (agentload-plugin-<name>), which reports it when it cannot load it either.
 * The module is loaded with require(): a plugin that is an ES module only
 * loads where Node's require() takes ES modules.
 */
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** Where a loaded plugin set travels on the plan's config (a symbol: no schema, report or JSON sees it). */
export const ARTILLERY_PLUGIN_SET: unique symbol = Symbol.for('agentload.artilleryPlugins');

/** Plugin names agentload itself answers (built-in translations, reporters): never looked up as Artillery packages. */
const AGENTLOAD_NAMES = new Set(['ensure', 'expect', 'metrics-by-endpoint', 'apdex', 'console', 'json', 'csv', 'html', 'junit', 'prometheus']);

/**
 * Plugins Artillery ships with that agentload has no counterpart for yet:
 * when no package of that name is installed, the script stops at validate
 * naming the nearest supported alternative (instead of agentload's loader
 * reporting a package it cannot find).
 */
const NOT_YET: Record<string, string> = {
  slack: 'posting the report to Slack is not supported yet; write -o result.json (or --junit) and post it from CI, or remove the plugin',
  'fake-data': 'fake-data ($randFullName(), …) is not supported yet; use {{ $randomString() }} / {{ $randomNumber(min, max) }}, a CSV payload or a processor function',
};

/**
 * Plugins Artillery ships that only send what the run measured elsewhere:
 * when not installed they are left out with a warning (the load sent and the
 * checks judged are the same without them).
 */
const IGNORED: Record<string, string> = {
  'publish-metrics': 'sends the metrics to an outside service (Datadog, Honeycomb, CloudWatch, Prometheus push, …); agentload does not send them, and what it sends and checks is the same without it: serve the metrics with --prometheus [HOST:]PORT, or write -o result.json / --csv for your service to read',
};

/** One constructed Artillery plugin. */
export interface ArtilleryPlugin {
  readonly name: string;
  /** The file it was loaded from. */
  readonly source: string;
  readonly instance: { cleanup?: (done: (err?: unknown) => void) => void };
  /** The EventEmitter it was given: the run emits Artillery's events on it. */
  readonly events: EventEmitter;
}

/** What the plugins of one plan added. */
export interface ArtilleryPluginSet {
  readonly plugins: readonly ArtilleryPlugin[];
  /** Functions the plugins put into `config.processor`, by name. */
  readonly functions: ReadonlyMap<string, (...args: unknown[]) => unknown>;
}

/** A plugin that was found but could not be loaded or constructed: reported at `config.plugins.<name>`. */
export interface PluginProblem {
  readonly name: string;
  readonly message: string;
  /** True for a plugin Artillery ships that agentload does not support yet (AGENTLOAD_E_NOT_YET). */
  readonly isNotYet?: boolean;
  /** True for a plugin left out because it changes nothing agentload sends or checks (a warning). */
  readonly isIgnored?: boolean;
}

/**
 * Loads and constructs the Artillery plugins `data.config.plugins` names
 * (see the module comment), mutating `data` as they do. Returns the set (or
 * null when none was found) and the problems; names it loaded are removed
 * from config.plugins, so agentload's loader does not look for them again.
 */
export function loadArtilleryPlugins(data: Record<string, unknown>, planFile: string, env: NodeJS.ProcessEnv): { set: ArtilleryPluginSet | null; problems: PluginProblem[] } {
  const config = data.config as Record<string, unknown>;
  const specs = config.plugins;
  const problems: PluginProblem[] = [];
  if (specs === null || typeof specs !== 'object' || Array.isArray(specs)) return { set: null, problems };
  const plugins: ArtilleryPlugin[] = [];
  const functions = new Map<string, (...args: unknown[]) => unknown>();
  for (const [name, options] of Object.entries(specs as Record<string, unknown>)) {
    if (AGENTLOAD_NAMES.has(name) || options === false || isAgentloadSpec(name, options)) continue;
    const scope = (isRecord(options) && typeof options.scope === 'string' ? options.scope : null) ?? (typeof config.pluginsScope === 'string' ? config.pluginsScope : null);
    const file = findPlugin(`${scope ?? 'artillery-plugin-'}${name}`, planFile, env);
    if (file === null) {
      if (Object.hasOwn(IGNORED, name)) {
        problems.push({ name, message: `Artillery's ${name} plugin ${IGNORED[name]!}`, isIgnored: true });
        delete (specs as Record<string, unknown>)[name];
      } else if (Object.hasOwn(NOT_YET, name)) {
        problems.push({ name, message: `Artillery's ${name} plugin: ${NOT_YET[name]!}`, isNotYet: true });
        delete (specs as Record<string, unknown>)[name];
      }
      continue;
    }
    try {
      plugins.push(construct(name, file, data, functions));
    } catch (e) {
      problems.push({ name, message: `Artillery plugin ${name} (${file}) could not be loaded: ${(e as Error)?.message?.split('\n')[0] ?? String(e)}` });
    }
    delete (specs as Record<string, unknown>)[name];
  }
  if (Object.keys(specs).length === 0) delete config.plugins;
  delete config.pluginsScope;
  return { set: plugins.length === 0 ? null : { plugins, functions }, problems };
}

/** agentload's own plugin forms: a path as the name, or a `module` option. */
function isAgentloadSpec(name: string, options: unknown): boolean {
  return name.startsWith('.') || name.startsWith('/') || (isRecord(options) && options.module !== undefined);
}

/** The file `<pkg>` resolves to from the script's folder, the working directory, then ARTILLERY_PLUGIN_PATH; null when none has it. */
function findPlugin(pkg: string, planFile: string, env: NodeJS.ProcessEnv): string | null {
  const bases = [resolve(planFile), join(process.cwd(), 'noop.js')];
  for (const base of bases) {
    try {
      return createRequire(base).resolve(pkg);
    } catch { /* next place */ }
  }
  for (const dir of (env.ARTILLERY_PLUGIN_PATH ?? '').split(':').filter((d) => d !== '')) {
    try {
      return createRequire(join(resolve(dir), 'noop.js')).resolve(join(resolve(dir), pkg));
    } catch { /* next place */ }
  }
  return null;
}

/**
 * Constructs one plugin on the script. Artillery hands plugins the loaded
 * processor object: here a fresh object stands in for it while the
 * constructor runs, and the functions the plugin leaves on it are kept; the
 * script's own `config.processor` (a path) is put back.
 */
function construct(name: string, file: string, data: Record<string, unknown>, functions: Map<string, (...args: unknown[]) => unknown>): ArtilleryPlugin {
  const mod = createRequire(file)(file) as unknown;
  const exported = isRecord(mod) && typeof mod.default === 'function' && typeof mod.Plugin !== 'function' ? mod.default : mod;
  const config = data.config as Record<string, unknown>;
  const path = config.processor;
  const stand: Record<string, unknown> = {};
  config.processor = stand;
  const events = new EventEmitter();
  let instance: unknown;
  try {
    if (isRecord(exported) && typeof exported.Plugin === 'function') instance = new (exported.Plugin as new (...a: unknown[]) => unknown)(data, events, {});
    else if (typeof exported === 'function') instance = new (exported as new (...a: unknown[]) => unknown)(config, events);
    else throw new Error('it exports neither Plugin nor a constructor (Artillery\'s plugin API)');
  } finally {
    const after = config.processor;
    if (isRecord(after)) for (const [k, v] of Object.entries(after)) if (typeof v === 'function') functions.set(k, v as (...args: unknown[]) => unknown);
    if (path === undefined) delete config.processor;
    else config.processor = path;
  }
  return { name, source: file, instance: isRecord(instance) ? instance : {}, events };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && !Array.isArray(v);
}
