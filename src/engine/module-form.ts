/**
 * agentload runs in one of two forms: compiled (dist/, plain JavaScript from
 * `npm run build`, no loader) or from its TypeScript source through tsx (a
 * checkout before a build, the tests). Every module is in the same form as
 * this one. Code that starts another of agentload's modules by path — a
 * worker thread, the sim's child process — names the file in that form, and
 * a TypeScript plugin under the compiled form gets tsx only when it is
 * imported: the loader's thread and transforms cost about 0.7 s of start-up
 * and 40 MB that a run without TypeScript plugins need not pay.
 */

/** True when running from dist/. */
export const IS_COMPILED = import.meta.url.endsWith('.js');

/** The sibling module `relTs` (written `./x.ts`) of the module at `from`, as `./x.js` when compiled. */
export function siblingModule(relTs: string, from: string): URL {
  return new URL(IS_COMPILED ? relTs.replace(/\.ts$/, '.js') : relTs, from);
}

/** Node flags a child process needs to run one of agentload's modules: tsx's loader when running from source. */
export function childLoaderArgs(): string[] {
  return IS_COMPILED ? [] : ['--import', import.meta.resolve('tsx')];
}

/** True for a file that only tsx can import. */
export function isTypeScriptFile(pathOrUrl: string): boolean {
  return /\.(ts|mts|cts|tsx)$/.test(pathOrUrl);
}

let hasTypeScriptLoader = !IS_COMPILED;

/** Registers tsx once, before a TypeScript plugin is imported under the compiled form. */
export async function ensureTypeScriptLoader(): Promise<void> {
  if (hasTypeScriptLoader) return;
  let api: typeof import('tsx/esm/api');
  let cjs: typeof import('tsx/cjs/api');
  try {
    api = await import('tsx/esm/api');
    cjs = await import('tsx/cjs/api');
  } catch {
    // tsx is an optional dependency: a JavaScript-only install may not have it.
    throw new Error('importing a TypeScript file needs tsx, an optional dependency of agentload that is not installed: run `npm install tsx`, or compile the file to JavaScript');
  }
  api.register();
  // A .ts file in a package without "type": "module" is CommonJS to Node, and so is what it imports:
  // without tsx's require hook too (as `node --import tsx` has), `export` in such a file is a
  // "require() of ES Module in a cycle" error (Artillery's browser-playwright-reuse-typescript example).
  cjs.register();
  hasTypeScriptLoader = true;
}
