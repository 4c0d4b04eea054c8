/**
 * Artillery's custom engines: `config.engines.<name>` backed by a package
 * `artillery-engine-<name>`, and scenarios with `engine: <name>`. Artillery
 * finds the package with require.resolve from its own install, so through
 * NODE_PATH (the engine example's README: `export NODE_PATH=$(pwd)/..`);
 * here it is looked up from the script's folder, the working directory,
 * then each folder of NODE_PATH.
 *
 * Such a scenario's flow is the engine's business: it is kept as written
 * (no template rewrite, no schema) and the scenario becomes one
 * `artilleryScenario: <index>` step of the `artillery-engine` engine
 * (src/engines/artillery-engine). The script's config as written (with the
 * selected environment over it, Artillery's `config.<name>` settings
 * included) and the engines' files travel on the plan's config under
 * ARTILLERY_ENGINE_SET; the config keys that only the engines read are
 * removed from what agentload validates.
 *
 * The package is required here once, so a missing package, or one that
 * cannot load its own dependencies, stops validate at `config.engines.<name>`.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { Segs } from './artillery-flow.ts';

/** Where the engines and the raw script travel on the plan's config (Symbol.for: src/engines/artillery-engine reads the same key). */
export const ARTILLERY_ENGINE_SET: unique symbol = Symbol.for('agentload.artilleryEngines');

/** Engine names agentload answers itself (Artillery's built-ins and agentload's engines). */
const KNOWN_ENGINES = new Set(['http', 'ws', 'websocket', 'socketio', 'socketio-v3', 'playwright', 'tool-rpc', 'stream', 'mcp']);

/** What the run needs: the engines' files, the script as Artillery's engines see it, each scenario's spec by index. */
export interface ArtilleryEngineSet {
  readonly engines: Readonly<Record<string, string>>;
  readonly script: { readonly config: Record<string, unknown> };
  readonly scenarios: Readonly<Record<number, Record<string, unknown>>>;
  /** The processor's absolute path, when the script has one (loaded for the engine at run time). */
  readonly processorFile: string | null;
}

type Report = (message: string, path: Segs, isKey: boolean) => void;

/**
 * Takes the custom-engine scenarios out of `data` (see the module comment).
 * Called on the script as written, before any rewrite reads it; null when
 * the script names no custom engine.
 */
export function takeCustomEngines(data: Record<string, unknown>, file: string, environment: string | null, env: NodeJS.ProcessEnv, report: Report): ArtilleryEngineSet | null {
  const config = isRecord(data.config) ? data.config : null;
  const envs = config !== null && isRecord(config.environments) ? config.environments : {};
  const envName = environment ?? (typeof config?.defaultEnvironment === 'string' ? config.defaultEnvironment : null);
  const selected = envName !== null && isRecord(envs[envName]) ? envs[envName] : {};
  const declared = { ...(isRecord(config?.engines) ? config.engines : {}), ...(isRecord(selected.engines) ? selected.engines : {}) };
  // An engine no scenario uses is not loaded (Artillery only warns when it cannot load one).
  const used = new Set((Array.isArray(data.scenarios) ? data.scenarios : []).map((s: unknown) => (isRecord(s) ? s.engine : undefined)));
  const names = Object.keys(declared).filter((n) => !KNOWN_ENGINES.has(n) && used.has(n));
  if (config === null || names.length === 0) return null;
  const engines: Record<string, string> = {};
  for (const name of names) {
    const at: Segs = isRecord(config.engines) && name in config.engines ? ['config', 'engines', name] : ['config', 'environments', envName!, 'engines', name];
    const pkg = `artillery-engine-${name}`;
    const found = findEngine(pkg, file, env);
    if (found === null) {
      report(`Artillery engine "${name}": no package ${pkg} found from ${dirname(resolve(file))}, the working directory or NODE_PATH; install it (npm install ${pkg}) or set NODE_PATH to the folder that holds it, as Artillery needs`, at, true);
      continue;
    }
    const problem = loadProblem(found);
    if (problem !== null) report(`Artillery engine "${name}" (${found}) could not be loaded: ${problem}`, at, true);
    else engines[name] = found;
  }
  const rawConfig = structuredClone({ ...config, ...selected });
  delete rawConfig.environments;
  const scenarios: Record<number, Record<string, unknown>> = {};
  if (Array.isArray(data.scenarios)) {
    data.scenarios.forEach((s: unknown, i) => {
      if (!isRecord(s) || typeof s.engine !== 'string' || !names.includes(s.engine)) return;
      scenarios[i] = structuredClone(s);
      // The engine runs the whole spec; agentload sees one step that hands it over.
      for (const k of Object.keys(s)) if (k !== 'name' && k !== 'weight' && k !== 'engine') delete s[k];
      s.name ??= String(i);
      s.engine = 'artillery-engine';
      s.flow = [{ artilleryScenario: i }];
    });
  }
  const isAllCustom = Array.isArray(data.scenarios) && data.scenarios.length > 0 && data.scenarios.every((s) => isRecord(s) && s.engine === 'artillery-engine');
  for (const c of [config, ...Object.values(envs)]) {
    if (!isRecord(c)) continue;
    // The target is the engine's to read (Artillery's example has "system-under-test-endpoint"): not agentload's URL check.
    if (isAllCustom && typeof c.target === 'string' && !/^(https?|wss?):\/\/|^sim$|{{/.test(c.target)) delete c.target;
    for (const name of names) delete c[name];
    if (isRecord(c.engines)) for (const name of names) delete c.engines[name];
  }
  const processorFile = typeof rawConfig.processor === 'string' ? resolve(dirname(resolve(file)), rawConfig.processor) : null;
  return { engines, script: { config: rawConfig }, scenarios, processorFile };
}

/** The file `pkg` resolves to from the script's folder, the working directory, then NODE_PATH; null when none has it. */
function findEngine(pkg: string, planFile: string, env: NodeJS.ProcessEnv): string | null {
  const tries: Array<[string, string]> = [[resolve(planFile), pkg], [join(process.cwd(), 'noop.js'), pkg]];
  // Read here rather than left to Node, which reads NODE_PATH once at startup.
  for (const dir of (env.NODE_PATH ?? '').split(':').filter((d) => d !== '')) tries.push([join(resolve(dir), 'noop.js'), join(resolve(dir), pkg)]);
  for (const [base, spec] of tries) {
    try {
      return createRequire(base).resolve(spec);
    } catch { /* next place */ }
  }
  return null;
}

/** Requires the engine module once; the first line of what stops it, or null. An ES module (not require-able here) is left to the run's import(). */
function loadProblem(file: string): string | null {
  try {
    const mod = createRequire(file)(file) as unknown;
    const ctor = isRecord(mod) && typeof mod.default === 'function' ? mod.default : mod;
    return typeof ctor === 'function' ? null : 'it does not export an engine class (Artillery\'s engine API: module.exports = class { constructor(script, ee, helpers) … createScenario(spec, ee) … })';
  } catch (e) {
    const code = (e as { code?: unknown })?.code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') return null;
    return (e as Error)?.message?.split('\n')[0] ?? String(e);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
