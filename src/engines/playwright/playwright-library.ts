/**
 * Which Playwright drives the browser: the one the processor's project
 * installed, when Node finds one from the processor's folder, else
 * agentload's own playwright-core.
 *
 * A test function that imports `expect` from its project's
 * `@playwright/test` checks locators by their class, so the page must come
 * from that same install: a locator of another Playwright version fails
 * every assertion with "toBeVisible can be only used with Locator object".
 * Artillery imports `chromium` from its own `playwright` dependency, which is
 * the same thing only when the versions happen to agree.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { noBrowser } from './playwright-options.ts';

type PlaywrightCore = typeof import('playwright-core');

/** The packages that export `chromium`, tried in this order from the processor's folder. */
const PROJECT_PACKAGES = ['playwright-core', 'playwright', '@playwright/test'] as const;

/** A loaded Playwright and the line that says which one it is. */
export interface PlaywrightLibrary {
  readonly pw: PlaywrightCore;
  readonly description: string;
}

/** The package `name` as the processor at `file` would import it, or null when its project has none. */
function projectPackage(file: string, name: string): { entry: string; dir: string; version: string } | null {
  const req = createRequire(file);
  try {
    const manifest = req.resolve(`${name}/package.json`);
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
    return { entry: req.resolve(name), dir: dirname(manifest), version: String(version) };
  } catch {
    return null;
  }
}

/** See the module comment. `processorFile` is the processor's absolute path, null when the plan has none. */
export async function loadPlaywright(processorFile: string | null): Promise<PlaywrightLibrary> {
  const own = projectPackage(fileURLToPath(import.meta.url), 'playwright-core');
  for (const name of processorFile === null ? [] : PROJECT_PACKAGES) {
    const found = projectPackage(processorFile!, name);
    if (found === null) continue;
    // A project that installed agentload itself reaches agentload's copy: that is not a Playwright of its own.
    if (found.dir === own?.dir) break;
    let pw: PlaywrightCore;
    try {
      pw = (await import(pathToFileURL(found.entry).href)) as PlaywrightCore;
    } catch (e) {
      throw noBrowser(`the processor's project has ${name} ${found.version} (${found.dir}) but it would not load: ${String((e as Error)?.message ?? e).split('\n')[0]}`);
    }
    // A CommonJS package imported as ESM may carry its exports on `default` only.
    const lib = (pw.chromium === undefined ? (pw as unknown as { default: PlaywrightCore }).default : pw);
    return { pw: lib, description: `playwright: the processor's project's ${name} ${found.version} (${found.dir})` };
  }
  let pw: PlaywrightCore;
  try {
    // Loaded only here: a plan without browser scenarios never pays for it.
    pw = await import('playwright-core');
  } catch {
    throw noBrowser('playwright-core is not installed (an optional dependency of agentload): npm install playwright-core');
  }
  return { pw, description: `playwright: agentload's playwright-core ${own?.version ?? ''} (no other Playwright where the processor's folder finds packages)` };
}
