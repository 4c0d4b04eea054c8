/**
 * Finding and importing one plugin module: a path (relative to a base
 * directory — the plan's for `config.plugins`, the working directory for
 * `--reporter`) or a package `agentload-plugin-<name>` /
 * `agentload-engine-<name>`, looked up in node_modules from the base
 * directory upwards, then from agentload's own install (global plugins).
 *
 * Every failure is a PlanError (exit 2) naming the plugin, raised before the
 * first request: not found → AGENTLOAD_E_PLUGIN_LOAD (AGENTLOAD_E_ENGINE_LOAD
 * for an engine package), a module that throws while importing likewise.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PlanError, type ErrorCode } from '../engine/errors.ts';
import type { PluginModule, PluginSite } from '../engine/plugin-registry.ts';
import { ensureTypeScriptLoader, isTypeScriptFile } from '../engine/module-form.ts';

/** An imported plugin module and where it came from. */
export interface ImportedPlugin {
  readonly module: PluginModule;
  /** For messages: the package name, or the path as written plus where it resolved. */
  readonly source: string;
  /** 'engine' for an `agentload-engine-*` package, 'plugin' otherwise (decides the error code). */
  readonly kind: 'engine' | 'plugin';
}

/** True when `spec` names a file rather than a package: `./x.ts`, `../x`, `/abs/x.js`. */
export function isPathSpec(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || isAbsolute(spec);
}

/** Package names tried for a plugin name, in order. A full package name is used as is. */
export function packageCandidates(name: string): string[] {
  if (/(^|\/)agentload-(plugin|engine)-/.test(name)) return [name];
  return [`agentload-plugin-${name}`, `agentload-engine-${name}`];
}

function loadError(code: ErrorCode, message: string, site: PluginSite, cause?: unknown): PlanError {
  return new PlanError(code, message, { location: site.location, yamlPath: site.yamlPath, cause });
}

/** The entry file of an installed package directory (exports "." → import/node/default, else main, else index.js). */
function packageEntry(pkgDir: string): string {
  const pj = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports?: unknown; main?: string };
  let exp = pj.exports;
  if (exp !== null && typeof exp === 'object' && '.' in exp) exp = (exp as Record<string, unknown>)['.'];
  for (let depth = 0; depth < 3 && exp !== null && typeof exp === 'object'; depth++) {
    const conditions = exp as Record<string, unknown>;
    exp = conditions.import ?? conditions.node ?? conditions.default ?? conditions.require;
  }
  return join(pkgDir, typeof exp === 'string' ? exp : (pj.main ?? 'index.js'));
}

/** Finds `pkg` in node_modules from `baseDir` upwards, then where agentload itself resolves modules. */
export function resolvePackage(pkg: string, baseDir: string): string | null {
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', pkg);
    if (existsSync(join(pkgDir, 'package.json'))) return packageEntry(pkgDir);
    if (dirname(dir) === dir) break;
  }
  try {
    return import.meta.resolve(pkg);
  } catch {
    return null;
  }
}

async function importUrl(url: string, code: ErrorCode, label: string, site: PluginSite): Promise<PluginModule> {
  let mod: Record<string, unknown>;
  try {
    if (isTypeScriptFile(url)) await ensureTypeScriptLoader();
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw loadError(code, `plugin ${label}: cannot import it: ${(e as Error)?.message?.split('\n')[0] ?? String(e)}`, site, e);
  }
  // A CommonJS plugin (`module.exports = { createReporter }`) arrives as `default`.
  const cjs = mod.default as Record<string, unknown> | undefined;
  const pick = (k: string): unknown => mod[k] ?? (cjs !== null && typeof cjs === 'object' ? cjs[k] : undefined);
  return { createEngine: pick('createEngine'), createReporter: pick('createReporter') } as PluginModule;
}

/**
 * Imports the plugin `name`: `modulePath` when given (a path relative to
 * `baseDir`), else `name` itself when it is a path, else the packages of
 * packageCandidates(name).
 */
export async function importPlugin(name: string, modulePath: string | null, baseDir: string, site: PluginSite): Promise<ImportedPlugin> {
  const path = modulePath ?? (isPathSpec(name) ? name : null);
  if (path !== null) {
    const abs = resolve(baseDir, path);
    if (!existsSync(abs)) throw loadError('AGENTLOAD_E_PLUGIN_LOAD', `plugin ${path}: no such module (resolved to ${abs})`, site);
    const mod = await importUrl(pathToFileURL(abs).href, 'AGENTLOAD_E_PLUGIN_LOAD', path, site);
    return { module: mod, source: path, kind: 'plugin' };
  }
  const candidates = packageCandidates(name);
  for (const pkg of candidates) {
    const entry = resolvePackage(pkg, baseDir);
    if (entry === null) continue;
    const kind = pkg.includes('agentload-engine-') ? 'engine' : 'plugin';
    const url = entry.startsWith('file:') ? entry : pathToFileURL(entry).href;
    const mod = await importUrl(url, kind === 'engine' ? 'AGENTLOAD_E_ENGINE_LOAD' : 'AGENTLOAD_E_PLUGIN_LOAD', pkg, site);
    return { module: mod, source: pkg, kind };
  }
  throw loadError('AGENTLOAD_E_PLUGIN_LOAD', `plugin "${name}" not found: it is not built in, no package ${candidates.join(' or ')} is installed (looked from ${resolve(baseDir)}), and no Artillery plugin artillery-plugin-${name} is there, in the working directory or under ARTILLERY_PLUGIN_PATH`, site);
}
