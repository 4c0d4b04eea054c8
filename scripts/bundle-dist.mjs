// Part of `npm run build`, after tsc: bundles the entry points of src/ with esbuild into dist/bundle/
// (ES modules, code split, dependencies included), then replaces tsc's output with one-line stubs at the
// entry paths. A start then reads a few files instead of ~180 of ours and ~300 of our dependencies'
// (module resolution and loading were about half of `agentload validate`'s start-up).
//
// Layout kept: code that names files relative to itself (schemas/, package.json, the precompiled
// validator, the worker and sim entries) reads `import.meta.url`. Every output file sits in dist/bundle/,
// one level under dist/, so each module's `import.meta.url` is rewritten to the URL tsc would have given
// it (dist/engine/plan/plan-schema.js for src/engine/plan/plan-schema.ts): `../../../schemas/` from
// there still reaches the package's schemas/, and `./worker-entry.js` next to dist/cli/ is the stub.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = `${root}src/`;
const dist = `${root}dist/`;

/**
 * Files started or imported by path: bin/agentload, worker threads, the sim's child process, the package's
 * main; and the modules bench/'s generators import from dist/ (gen-agentload.mjs, gen-ws-bare.mjs,
 * gen-undici-open.mjs, sim-bench.ts). Modules shared between entries are shared chunks, one copy each.
 */
const ENTRIES = {
  'cli/main': 'export', 'cli/worker-entry': 'run', 'sim/main': 'run', index: 'export',
  'engine/compile/compile-plan': 'export', 'engine/metrics/hdr-sink': 'export', 'engine/metrics/histogram': 'export',
  'engine/run/run-plan': 'export', 'engines/index': 'export', 'sim/spawn-sim': 'export',
};

/** dist/bundle/<name>.js of an entry: every output one level under dist/ (see the top of this file). */
const bundleName = (entry) => entry.replaceAll('/', '-');

/**
 * Loaded at run time from node_modules, never bundled: tsx and playwright-core read their own files
 * by path, and both are optional (imported only when a TypeScript plugin or a browser plan needs them).
 */
const EXTERNAL = ['tsx', 'tsx/*', 'playwright-core', 'playwright-core/*', 'esbuild', 'typescript'];

/** Files of dist/ that stay next to the stubs: read by path at run time. */
const KEEP = /\.(cjs|json)$|^\.build-stamp$/;

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // Without esbuild (a dev dependency) tsc's unbundled output stays: it runs the same, only starts slower.
  console.error('agentload build: esbuild is not installed (dev dependency); dist/ stays unbundled');
  process.exit(0);
}

const distLayoutMetaUrl = {
  name: 'dist-layout-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      if (args.path.startsWith(src) && text.includes('import.meta.url')) {
        const asBuilt = `../${relative(src, args.path).replace(/\.ts$/, '.js')}`;
        text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(asBuilt)}, import.meta.url).href`);
      }
      return { contents: text, loader: 'ts' };
    });
  },
};

/**
 * esbuild turns `await import('undici')` of a CommonJS package, split into its own chunk, into a module with
 * a default export only, where node gives named exports too (`(await import('undici')).Client` came out
 * undefined). A lazily imported package of ours goes through a small ES module that re-exports, by name,
 * what node's own import() of it exports; the package stays in its own chunk, loaded on first use.
 */
const IDENT = /^[A-Za-z_$][\w$]*$/;
const lazyPackageNames = {
  name: 'lazy-package-names',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.startsWith(src)) return undefined;
      if (EXTERNAL.some((e) => e === args.path || (e.endsWith('/*') && args.path.startsWith(e.slice(0, -1))))) return undefined;
      return { path: args.path, namespace: 'lazy-package' };
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-package' }, async (args) => {
      // Resolved as node resolves it for an ES module (the `import` condition: ws has its own ESM wrapper).
      const ns = await import(args.path);
      const names = Object.keys(ns).filter((n) => n !== 'default' && IDENT.test(n));
      const spec = JSON.stringify(args.path);
      return { contents: `import * as ns from ${spec};\nexport const { ${names.join(', ')} } = ns;\nexport default ns.default;\n`, resolveDir: root };
    });
  },
};

/**
 * Handlebars' code generator requires `source-map` only to build source maps of compiled templates, which
 * agentload never asks for; when the require fails it uses its own string builder (as its browser build
 * does), which gives the same template code. An empty module in its place keeps source-map's 11 modules out
 * of the first template compile of every start.
 */
const noSourceMapForHandlebars = {
  name: 'no-source-map-for-handlebars',
  setup(build) {
    build.onResolve({ filter: /^source-map$/ }, (args) => (/node_modules[\\/]handlebars[\\/]/.test(args.importer) ? { path: 'source-map', namespace: 'no-source-map' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'no-source-map' }, () => ({ contents: 'module.exports = {};\n', loader: 'js' }));
  },
};

await esbuild.build({
  entryPoints: Object.fromEntries(Object.keys(ENTRIES).map((e) => [bundleName(e), `${src}${e}.ts`])),
  outdir: `${dist}bundle`,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  plugins: [distLayoutMetaUrl, lazyPackageNames, noSourceMapForHandlebars],
  // Bundled CommonJS dependencies call require() for node's built-ins; ES modules have none of their own.
  banner: { js: "import { createRequire as __agentloadRequire } from 'node:module'; const require = __agentloadRequire(import.meta.url);" },
  logLevel: 'error',
});

// tsc's output has served (the validator was precompiled from it): keep only what is read by path.
for (const entry of await readdir(dist, { withFileTypes: true, recursive: true })) {
  const at = `${entry.parentPath ?? entry.path}/${entry.name}`;
  if (entry.isFile() && !at.startsWith(`${dist}bundle/`) && !KEEP.test(entry.name)) await rm(at);
}
for (const [entry, kind] of Object.entries(ENTRIES)) {
  const target = JSON.stringify(`${'../'.repeat(entry.split('/').length - 1) || './'}bundle/${bundleName(entry)}.js`);
  await mkdir(dirname(`${dist}${entry}.js`), { recursive: true });
  await writeFile(`${dist}${entry}.js`, kind === 'export' ? `export * from ${target};\n` : `import ${target};\n`);
}
