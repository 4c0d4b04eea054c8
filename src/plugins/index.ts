/**
 * The built-in reporters, by id. They register into the run's
 * PluginRegistry through the same factory shape an external
 * `agentload-plugin-<id>` exports (`createReporter(options, ctx)`).
 */
import type { PluginRegistrar, ReporterFactory } from '../engine/contracts.ts';
import { createApdexReporter } from './apdex-reporter.ts';
import { createConsoleReporter } from './console-reporter.ts';
import { createCsvReporter } from './csv-reporter.ts';
import { createHtmlReporter } from './html-reporter.ts';
import { createJsonReporter } from './json-reporter.ts';
import { createJunitReporter } from './junit-reporter.ts';
import { createPrometheusReporter } from './prometheus-reporter.ts';

/** Built-in reporter factories. One line per reporter. */
export const BUILTIN_REPORTERS: Readonly<Record<string, ReporterFactory>> = {
  console: createConsoleReporter,
  json: createJsonReporter,
  csv: createCsvReporter,
  html: createHtmlReporter,
  junit: createJunitReporter,
  prometheus: createPrometheusReporter,
  apdex: createApdexReporter,
};

/** Registers every built-in reporter factory (source "built-in"). */
export function registerBuiltinReporters(registry: PluginRegistrar): void {
  for (const [id, factory] of Object.entries(BUILTIN_REPORTERS)) registry.addReporterFactory(id, factory, 'built-in');
}
