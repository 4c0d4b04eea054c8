/**
 * The package entry (`import type { Engine, Reporter } from 'agentload'`):
 * the public contracts for plugin authors — engine and reporter interfaces,
 * the factory shapes a plugin module exports, the metric snapshot and
 * summary types, error classes and metric names. docs/plugins.md explains
 * the contract; examples/ has one engine and one reporter.
 *
 * Only contracts live here; the runner itself is driven by the CLI.
 */
export type {
  ConfigInput, Engine, EngineFactory, ExpectationResult, GeneratorUsage, IntervalSnapshot, LatencySummary, LiveStatus, MemorySeries,
  NameSummary, OutcomeCounts, OutcomeRules, PhaseInput, PlanInput, PluginContext, PluginModule, PluginOptions,
  RateLimitKind, RateLimitLog, Recorder, Reporter, ReporterFactory, ResponseChecks, ResponseView, RunContext, RunInfo,
  RunResult, RunSummary, SaturationReport, ScenarioInput, StepCompileContext, StepInput, Template, ValueTemplate,
  VirtualUser, VuVars,
} from './engine/contracts.ts';
export { engineContractProblem, reporterContractProblem } from './engine/plugin-registry.ts';
export {
  AgentloadError, ERROR_TABLE, PlanError, RunError, UsageError, isAgentloadError, type ErrorCode, type SourceLocation,
} from './engine/errors.ts';
export * from './engine/metrics/names.ts';
export { RESULT_FORMAT } from './plugins/json-reporter.ts';
