/**
 * Shapes of the numbers agentload reports. They are part of the plugin
 * contract (reporters receive them), so they are defined in contracts.ts;
 * this module keeps the metrics code's imports short.
 */
export type { LatencySummary, OutcomeCounts, NameSummary, IntervalSnapshot, RunSummary } from '../contracts.ts';
