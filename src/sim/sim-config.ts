/**
 * The sim's settings: their type, their defaults and their validation.
 *
 * The same keys come from three places, merged in this order: defaults, a
 * YAML file (`--config sim.yml`) or a plan's `config.sim:` block, then
 * command-line flags. Keys are camelCase and carry their unit in the name
 * (`bodyLimitBytes`, `degradeAfterMs`). Every key is documented in docs/sim.md.
 */

import { UsageError } from '../engine/errors.ts';
import { ConfigReader, type SimConfigProblem } from './config-reader.ts';

/** Token-bucket rate limit applied per client key (see rate-limiter.ts). */
export interface RateLimitConfig {
  /** Tokens added per second. */
  ratePerSec: number;
  /** Bucket size: how many requests may arrive at once after a quiet period. */
  burst: number;
  /** When false, requests with no bearer token, X-Client-Id or params.identifier are never limited. */
  limitAnonymous: boolean;
  /** Chaos: once over the limit, a key stays limited until it has kept within it this long (limiter-penalty.ts); 0 = off. */
  penaltyMs: number;
}

/** Tool-execution quotas per identifier; null means unlimited. */
export interface QuotaConfig {
  daily: number | null;
  monthly: number | null;
}

/** An inclusive range of milliseconds. */
export interface RangeMs {
  minMs: number;
  maxMs: number;
}

/** Added latency: a fixed delay, or a uniform draw from a range. */
export type LatencyModel = { fixedMs: number } | RangeMs;

/** modular.solve latency ranges per query complexity, before `solveScale`. */
export interface SolveLatencyConfig {
  simple: RangeMs;
  moderate: RangeMs;
  complex: RangeMs;
}

/**
 * The HTTP gateway's sliding-window limits on its own paths (/live, /ready,
 * /auth/*, /realtime/*), upstream's defaults: per method+path for all clients,
 * per client IP, and the DDoS check per IP and second. Upstream's client-IP
 * and DDoS checks share one counter that every request bumps `ipCostPerRequest`
 * (3) times, so one IP gets ~33 req/s and ~333 req/min in practice.
 */
export interface GatewayLimitConfig {
  endpointPerMin: number;
  ipPerMin: number;
  ipPerSec: number;
  ipCostPerRequest: number;
}

/** Fully resolved sim settings. Frozen once resolved; never mutated while serving. */
export interface SimConfig {
  port: number;
  host: string;
  /** Also serve the gateway's routes alone on this port (0 = a free one), as upstream's 8080; null = only on `port`. */
  gatewayPort: number | null;
  /** Serve the seed test files' request shapes instead of upstream's (docs/sim.md "seedCompat"). */
  seedCompat: boolean;
  /** The gateway's rate limits on its paths; null turns them off. */
  gatewayLimits: GatewayLimitConfig | null;
  auth: boolean;
  /** Largest request body (413 above); null = no limit, as upstream. */
  bodyLimitBytes: number | null;
  rateLimit: RateLimitConfig | null;
  quotas: QuotaConfig;
  latency: LatencyModel | null;
  errorRate: number;
  errorStatus: 500 | 503;
  resetRate: number;
  leakMbPerMin: number;
  leakMaxMb: number;
  degradeAfterMs: number | null;
  degradeLatencyMs: number;
  degradeFactor: number;
  solveScale: number;
  solveSkew: number;
  solveLatency: SolveLatencyConfig;
  solveVerifyFailRate: number;
  toolLatencyScale: number;
  eventsPerSec: number;
  wsIdleTimeoutMs: number | null;
  wsMaxPayloadBytes: number;
  maxRecords: number;
}

/** What callers may pass: any subset of the keys; nested sections may be partial too. */
export type SimConfigInput = Partial<Omit<SimConfig, 'rateLimit' | 'quotas' | 'solveLatency' | 'gatewayLimits'>> & {
  rateLimit?: Partial<RateLimitConfig> | null;
  gatewayLimits?: Partial<GatewayLimitConfig> | null;
  quotas?: Partial<QuotaConfig>;
  solveLatency?: Partial<SolveLatencyConfig>;
};

/** Token-bucket values used when `rateLimit` is given without them. */
const RATE_LIMIT_DEFAULTS: Readonly<RateLimitConfig> = Object.freeze({ ratePerSec: 1000, burst: 2000, limitAnonymous: false, penaltyMs: 0 });

/** The defaults: upstream's behaviour on 127.0.0.1:8001, no sim extension on, fault-free. */
export const DEFAULT_SIM_CONFIG: Readonly<SimConfig> = Object.freeze({
  port: 8001,
  host: '127.0.0.1',
  gatewayPort: null,
  seedCompat: false,
  gatewayLimits: { endpointPerMin: 100, ipPerMin: 1000, ipPerSec: 100, ipCostPerRequest: 3 },
  auth: false,
  bodyLimitBytes: null,
  rateLimit: null,
  quotas: { daily: null, monthly: null },
  latency: null,
  errorRate: 0,
  errorStatus: 500,
  resetRate: 0,
  leakMbPerMin: 0,
  leakMaxMb: 1024,
  degradeAfterMs: null,
  degradeLatencyMs: 50,
  degradeFactor: 2,
  solveScale: 1,
  solveSkew: 3,
  solveLatency: {
    simple: { minMs: 500, maxMs: 2000 },
    moderate: { minMs: 1000, maxMs: 4000 },
    complex: { minMs: 3000, maxMs: 8000 },
  },
  solveVerifyFailRate: 0,
  toolLatencyScale: 1,
  eventsPerSec: 0,
  wsIdleTimeoutMs: null,
  wsMaxPayloadBytes: 65_536,
  maxRecords: 10_000,
});

/** Every top-level key, in documentation order. */
export const SIM_CONFIG_KEYS = Object.keys(DEFAULT_SIM_CONFIG) as readonly (keyof SimConfig)[];

const RATE = { min: 0, max: 1 };

function readRateLimit(r: ConfigReader, raw: unknown): RateLimitConfig | null {
  if (raw === null || raw === false) return null;
  const d = RATE_LIMIT_DEFAULTS;
  const o = r.section(raw, 'rateLimit');
  r.onlyKeys(o, ['ratePerSec', 'burst', 'limitAnonymous', 'penaltyMs'], 'rateLimit');
  return {
    ratePerSec: r.number(o, 'ratePerSec', 'rateLimit', d.ratePerSec, { min: 0.001 }),
    burst: r.number(o, 'burst', 'rateLimit', d.burst, { min: 1, isInteger: true }),
    limitAnonymous: r.bool(o, 'limitAnonymous', 'rateLimit', d.limitAnonymous),
    penaltyMs: r.durationMs(o, 'penaltyMs', 'rateLimit', d.penaltyMs),
  };
}

function readGatewayLimits(r: ConfigReader, raw: unknown): GatewayLimitConfig | null {
  if (raw === null || raw === false) return null;
  const d = DEFAULT_SIM_CONFIG.gatewayLimits!;
  const o = r.section(raw, 'gatewayLimits');
  r.onlyKeys(o, ['endpointPerMin', 'ipPerMin', 'ipPerSec', 'ipCostPerRequest'], 'gatewayLimits');
  const whole = { min: 1, isInteger: true };
  return {
    endpointPerMin: r.number(o, 'endpointPerMin', 'gatewayLimits', d.endpointPerMin, whole),
    ipPerMin: r.number(o, 'ipPerMin', 'gatewayLimits', d.ipPerMin, whole),
    ipPerSec: r.number(o, 'ipPerSec', 'gatewayLimits', d.ipPerSec, whole),
    ipCostPerRequest: r.number(o, 'ipCostPerRequest', 'gatewayLimits', d.ipCostPerRequest, whole),
  };
}

function readRange(r: ConfigReader, raw: unknown, path: string, fallback: RangeMs): RangeMs {
  const o = r.section(raw, path);
  r.onlyKeys(o, ['minMs', 'maxMs'], path);
  const minMs = r.durationMs(o, 'minMs', path, fallback.minMs);
  const maxMs = r.durationMs(o, 'maxMs', path, Math.max(fallback.maxMs, minMs));
  if (maxMs < minMs) r.fail(`${path}.maxMs`, `expected a value >= minMs (${minMs}), got ${maxMs}`);
  return { minMs, maxMs };
}

function readLatency(r: ConfigReader, raw: unknown): LatencyModel | null {
  if (raw === null || raw === undefined) return null;
  const o = r.section(raw, 'latency');
  if ('fixedMs' in o) {
    r.onlyKeys(o, ['fixedMs'], 'latency');
    return { fixedMs: r.durationMs(o, 'fixedMs', 'latency', 0) };
  }
  if (!('minMs' in o) || !('maxMs' in o)) {
    r.fail('latency', 'expected {fixedMs} or {minMs, maxMs}');
    return null;
  }
  return readRange(r, o, 'latency', { minMs: 0, maxMs: 0 });
}

function readSolveLatency(r: ConfigReader, raw: unknown): SolveLatencyConfig {
  const d = DEFAULT_SIM_CONFIG.solveLatency;
  const o = r.section(raw, 'solveLatency');
  r.onlyKeys(o, ['simple', 'moderate', 'complex'], 'solveLatency');
  return {
    simple: o['simple'] === undefined ? d.simple : readRange(r, o['simple'], 'solveLatency.simple', d.simple),
    moderate: o['moderate'] === undefined ? d.moderate : readRange(r, o['moderate'], 'solveLatency.moderate', d.moderate),
    complex: o['complex'] === undefined ? d.complex : readRange(r, o['complex'], 'solveLatency.complex', d.complex),
  };
}

function readQuotas(r: ConfigReader, raw: unknown): QuotaConfig {
  const o = r.section(raw, 'quotas');
  r.onlyKeys(o, ['daily', 'monthly'], 'quotas');
  return {
    daily: r.nullableNumber(o, 'daily', 'quotas', null, { min: 0, isInteger: true }),
    monthly: r.nullableNumber(o, 'monthly', 'quotas', null, { min: 0, isInteger: true }),
  };
}

/** Reads and checks every key; returns the config plus all problems found (empty when valid). */
export function validateSimConfig(raw: unknown): { config: SimConfig; problems: SimConfigProblem[] } {
  const r = new ConfigReader();
  const o = r.section(raw, '');
  const d = DEFAULT_SIM_CONFIG;
  r.onlyKeys(o, SIM_CONFIG_KEYS, '');
  const errorStatus = r.number(o, 'errorStatus', '', d.errorStatus, { min: 500, max: 503, isInteger: true });
  if (errorStatus !== 500 && errorStatus !== 503) r.fail('errorStatus', `expected 500 or 503, got ${errorStatus}`);
  const config: SimConfig = {
    port: r.number(o, 'port', '', d.port, { min: 0, max: 65535, isInteger: true }),
    host: r.string(o, 'host', '', d.host),
    gatewayPort: r.nullableNumber(o, 'gatewayPort', '', d.gatewayPort, { min: 0, max: 65535, isInteger: true }),
    seedCompat: r.bool(o, 'seedCompat', '', d.seedCompat),
    gatewayLimits: o['gatewayLimits'] === undefined ? { ...d.gatewayLimits! } : readGatewayLimits(r, o['gatewayLimits']),
    auth: r.bool(o, 'auth', '', d.auth),
    bodyLimitBytes: o['bodyLimitBytes'] === undefined || o['bodyLimitBytes'] === null ? null : r.bytes(o, 'bodyLimitBytes', '', 1_048_576, 256),
    rateLimit: o['rateLimit'] === undefined || o['rateLimit'] === null ? null : readRateLimit(r, o['rateLimit']),
    quotas: readQuotas(r, o['quotas']),
    latency: readLatency(r, o['latency']),
    errorRate: r.number(o, 'errorRate', '', d.errorRate, RATE),
    errorStatus: errorStatus === 503 ? 503 : 500,
    resetRate: r.number(o, 'resetRate', '', d.resetRate, RATE),
    leakMbPerMin: r.number(o, 'leakMbPerMin', '', d.leakMbPerMin, { min: 0 }),
    leakMaxMb: r.number(o, 'leakMaxMb', '', d.leakMaxMb, { min: 0 }),
    degradeAfterMs: r.optionalDurationMs(o, 'degradeAfterMs', '', d.degradeAfterMs),
    degradeLatencyMs: r.durationMs(o, 'degradeLatencyMs', '', d.degradeLatencyMs),
    degradeFactor: r.number(o, 'degradeFactor', '', d.degradeFactor, { min: 1 }),
    solveScale: r.number(o, 'solveScale', '', d.solveScale, { min: 0 }),
    solveSkew: r.number(o, 'solveSkew', '', d.solveSkew, { min: 0.1, max: 10 }),
    solveLatency: readSolveLatency(r, o['solveLatency']),
    solveVerifyFailRate: r.number(o, 'solveVerifyFailRate', '', d.solveVerifyFailRate, RATE),
    toolLatencyScale: r.number(o, 'toolLatencyScale', '', d.toolLatencyScale, { min: 0 }),
    eventsPerSec: r.number(o, 'eventsPerSec', '', d.eventsPerSec, { min: 0, max: 1000 }),
    wsIdleTimeoutMs: r.optionalDurationMs(o, 'wsIdleTimeoutMs', '', d.wsIdleTimeoutMs),
    wsMaxPayloadBytes: r.bytes(o, 'wsMaxPayloadBytes', '', d.wsMaxPayloadBytes, 128),
    maxRecords: r.number(o, 'maxRecords', '', d.maxRecords, { min: 1, isInteger: true }),
  };
  return { config, problems: r.problems };
}

/**
 * Validates `raw` (parsed YAML, a plan's `config.sim`, or a startSim
 * argument) and fills defaults. `source` names where it came from, for the
 * message. Throws a UsageError with code AGENTLOAD_E_SIM_CONFIG naming the
 * first bad key (and counting the rest). Pure; safe to call from any thread.
 */
export function resolveSimConfig(raw: unknown, source: string): SimConfig {
  const { config, problems } = validateSimConfig(raw);
  if (problems.length > 0) throw simConfigError(problems, source);
  return Object.freeze(config);
}

/** Builds the one-line error for a list of problems (the first named, the rest counted). */
export function simConfigError(problems: readonly SimConfigProblem[], source: string,
  location?: { file: string; line: number; col: number }): UsageError {
  const first = problems[0]!;
  const more = problems.length > 1
    ? ` (+${problems.length - 1} more: ${problems.slice(1).map((p) => p.path).join(', ')})`
    : '';
  const where = location ? '' : ` (in ${source})`;
  return new UsageError(`${first.message}${where}${more}`, { yamlPath: first.path, location },
    'AGENTLOAD_E_SIM_CONFIG');
}
