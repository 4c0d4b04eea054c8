/**
 * The layering, enforced (test/contract/boundaries.test.ts runs this in `npm test`):
 *
 *   bin ─► cli ─► engine ◄─ engines
 *                   ▲
 *                   └──── plugins            sim: stands alone
 *
 * engine/contracts.ts is the leaf every layer may import; it imports nothing of src/.
 * Engines and reporters reach the runner only through contracts; the engine-support
 * libraries they share (transport, checks, metrics, errors) sit under src/engine too.
 * docs/architecture.md draws the same picture.
 */
const RUNNER = '^src/engine/(run|scheduler|compile|plan|expect|merge)/';
/** Modules with no imports of src/, which even the standalone sim may use. */
const LEAF_HELPERS = '^src/engine/(errors|module-form|plan/yaml-guards|plan/yaml-alias-targets)\\.ts$';

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'a cycle, type-only imports included, ties modules that should be separable',
      from: { path: '^src/' }, to: { circular: true } },
    { name: 'contracts-is-a-leaf', severity: 'error', comment: 'contracts.ts (and its parts in contracts/) is the plugin API: types only, importing nothing of src/ but its own parts',
      from: { path: '^src/engine/contracts(\\.ts$|/)' }, to: { path: '^src/', pathNot: '^src/engine/contracts/' } },
    { name: 'only-cli-imports-cli', severity: 'error', comment: 'the CLI is the top layer: nothing below it may import it',
      from: { path: '^src/', pathNot: '^src/cli/' }, to: { path: '^src/cli/' } },
    { name: 'engine-imports-no-plugin', severity: 'error', comment: 'the runner never imports a concrete engine or reporter by path; the CLI registers them',
      from: { path: '^src/engine/' }, to: { path: '^src/(engines|plugins)/' } },
    { name: 'engines-stay-out-of-the-runner', severity: 'error', comment: 'engines see the runner only through contracts.ts',
      from: { path: '^src/engines/' }, to: { path: RUNNER } },
    { name: 'engines-are-independent', severity: 'error', comment: 'an engine never imports another engine; share code through src/engine',
      from: { path: '^src/engines/([^/]+)/' }, to: { path: '^src/engines/', pathNot: ['^src/engines/$1/', '^src/engines/index\\.ts$'] } },
    { name: 'plugins-stay-out-of-the-runner', severity: 'error', comment: 'reporters see the runner only through contracts.ts',
      from: { path: '^src/plugins/' }, to: { path: [RUNNER, '^src/engines/'] } },
    { name: 'sim-stands-alone', severity: 'error', comment: 'the sim is a separate program: its own code, node/npm modules and the leaf helpers only',
      from: { path: '^src/sim/' }, to: { path: '^src/', pathNot: ['^src/sim/', LEAF_HELPERS] } },
    { name: 'leaf-helpers-are-leaves', severity: 'error', comment: 'errors.ts, module-form.ts and the YAML guards (plan/yaml-guards.ts, plan/yaml-alias-targets.ts) are shared with the sim, so they import nothing of src/ but each other',
      from: { path: LEAF_HELPERS }, to: { path: '^src/', pathNot: LEAF_HELPERS } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
