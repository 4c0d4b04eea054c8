/**
 * The built-in reporters, by id. They register into the run's
 * PluginRegistry through the same factory shape an external
 * `agentload-plugin-<id>` exports (`createReporter(options, ctx)`).
 *
 * Each reporter's module is imported only when a run asks for that reporter
 * (loadBuiltinReporters, awaited by the CLI before it creates reporters):
 * the HTML report's Handlebars, the CSV writer and the others are not loaded
 * by a run or a `validate` that does not use them (start-up is mostly module
 * loading, issue 17 item 5). The registered factories are the same names
 * and sources as ever; they call the loaded module's factory.
 */
import type { PluginContext, PluginOptions, PluginRegistrar, Reporter, ReporterFactory } from '../engine/contracts.ts';
import { InternalError } from '../engine/errors.ts';

/** Each built-in reporter's factory, from its own module. One line per reporter. */
const MODULES: Readonly<Record<string, () => Promise<ReporterFactory>>> = {
  console: async () => (await import('./console-reporter.ts')).createConsoleReporter,
  json: async () => (await import('./json-reporter.ts')).createJsonReporter,
  csv: async () => (await import('./csv-reporter.ts')).createCsvReporter,
  html: async () => (await import('./html-reporter.ts')).createHtmlReporter,
  junit: async () => (await import('./junit-reporter.ts')).createJunitReporter,
  prometheus: async () => (await import('./prometheus-reporter.ts')).createPrometheusReporter,
  apdex: async () => (await import('./apdex-reporter.ts')).createApdexReporter,
};

const loaded = new Map<string, ReporterFactory>();

/** Built-in reporter factories, by id: each calls its module's factory, which loadBuiltinReporters must have loaded. */
export const BUILTIN_REPORTERS: Readonly<Record<string, ReporterFactory>> = Object.fromEntries(Object.keys(MODULES).map((id) => [id, (options: PluginOptions, ctx: PluginContext): Reporter => {
  const factory = loaded.get(id);
  if (factory === undefined) throw new InternalError(`the built-in reporter "${id}" was created before loadBuiltinReporters() imported it`);
  return factory(options, ctx);
}]));

/** Imports the modules of the built-in reporters among `names` (other names are ignored); call before creating them. */
export async function loadBuiltinReporters(names: Iterable<string>): Promise<void> {
  for (const name of names) {
    const load = Object.hasOwn(MODULES, name) ? MODULES[name] : undefined;
    if (load !== undefined && !loaded.has(name)) loaded.set(name, await load());
  }
}

/** Registers every built-in reporter factory (source "built-in"). */
export function registerBuiltinReporters(registry: PluginRegistrar): void {
  for (const [id, factory] of Object.entries(BUILTIN_REPORTERS)) registry.addReporterFactory(id, factory, 'built-in');
}
