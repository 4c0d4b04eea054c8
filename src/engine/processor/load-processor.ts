/**
 * Loads `config.processor`: a JavaScript module (CommonJS or ESM) or a
 * TypeScript one (tsx is registered only then, see module-form.ts), path
 * relative to the plan file, as Artillery resolves it. Its exported
 * functions — named exports and the members of a CommonJS `module.exports`
 * or an ESM default export object — become the ProcessorModule the
 * compiler resolves names against.
 *
 * Called once per run by the CLI (and once per worker thread), before
 * compiling; every failure is a PlanError (exit 2) at `config.processor`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PlanError } from '../errors.ts';
import { ensureTypeScriptLoader, isTypeScriptFile } from '../module-form.ts';
import type { PlanInput } from '../contracts.ts';
import type { HookFunction } from './call-hook.ts';
import { ARTILLERY_PLUGIN_SET, type ArtilleryPluginSet } from '../plan/artillery/artillery-plugins.ts';

/** A loaded processor: export name → function, plus where it came from (for messages). */
export interface ProcessorModule {
  /** The path as written in the plan. */
  readonly source: string;
  /** The processor file's absolute path; absent when only Artillery plugins added functions. */
  readonly file?: string;
  readonly functions: ReadonlyMap<string, HookFunction>;
}

const AT = 'config.processor';

function fail(plan: PlanInput, message: string, cause?: unknown): PlanError {
  // A package the processor imports is missing: the common case for scripts copied from elsewhere.
  const code = (cause as { code?: unknown } | undefined)?.code;
  const isMissingPackage = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  return new PlanError('AGENTLOAD_E_PROCESSOR_LOAD', message, {
    location: plan.locate(AT), yamlPath: AT, cause,
    hint: isMissingPackage ? 'install the packages the processor imports where Node finds them from its folder (npm install there)'
      : 'config.processor names a .js, .mjs, .cjs or .ts file, relative to the plan file',
  });
}

/** The file `spec` names from `baseDir`: as written, or as require() would complete it (`./hooks` → `./hooks.js`). */
function resolveFile(spec: string, baseDir: string): string | null {
  const abs = resolve(baseDir, spec);
  try {
    return createRequire(resolve(baseDir, 'plan.yml')).resolve(abs);
  } catch {
    return existsSync(abs) ? abs : null;
  }
}

/** Every function among the module's exports; a CommonJS or default-export object's members included. */
function functionsOf(ns: Record<string, unknown>): Map<string, HookFunction> {
  const out = new Map<string, HookFunction>();
  const def = ns.default;
  if (def !== null && typeof def === 'object') {
    for (const [k, v] of Object.entries(def as Record<string, unknown>)) if (typeof v === 'function') out.set(k, v as HookFunction);
  }
  for (const [k, v] of Object.entries(ns)) if (k !== 'default' && typeof v === 'function') out.set(k, v as HookFunction);
  return out;
}

/**
 * See the module comment. Functions Artillery plugins added to the processor
 * (artillery-plugins.ts) join the module's, winning on a shared name as they
 * do in Artillery (the plugin writes onto the loaded processor). Null when
 * the plan has no `config.processor` and no plugin added any.
 */
export async function loadProcessor(plan: PlanInput): Promise<ProcessorModule | null> {
  const own = await loadOwnProcessor(plan);
  const added = ((plan.config as unknown as Record<symbol, unknown>)[ARTILLERY_PLUGIN_SET] as ArtilleryPluginSet | undefined)?.functions;
  if (added === undefined || added.size === 0) return own;
  const functions = new Map(own?.functions ?? []);
  for (const [k, fn] of added) functions.set(k, fn);
  return Object.freeze({ source: own?.source ?? 'the Artillery plugins\' functions', file: own?.file, functions });
}

async function loadOwnProcessor(plan: PlanInput): Promise<ProcessorModule | null> {
  const spec = plan.config.processor;
  if (spec === undefined) return null;
  if (typeof spec !== 'string' || spec === '') throw fail(plan, `expected config.processor to be a file path, got ${JSON.stringify(spec)}`);
  const baseDir = dirname(resolve(plan.file));
  const file = resolveFile(spec, baseDir);
  if (file === null) throw fail(plan, `processor ${spec}: no such file (resolved to ${resolve(baseDir, spec)})`);
  let ns: Record<string, unknown>;
  try {
    if (isTypeScriptFile(file)) await ensureTypeScriptLoader();
    ns = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw fail(plan, `processor ${spec}: cannot import it: ${(e as Error)?.message?.split('\n')[0] ?? String(e)}`, e);
  }
  return Object.freeze({ source: spec, file, functions: functionsOf(ns) });
}
