/**
 * `agentload sim` flags → a sim block with the same keys as the YAML file.
 *
 * Precedence: defaults < `--config FILE` < `--config-json JSON` < other
 * flags. Bare numbers given to duration flags are seconds (the runner's
 * convention for flags); write `5ms` for milliseconds.
 */

import { UsageError } from '../engine/errors.ts';
import { validateSimConfig } from './sim-config.ts';
import { describeValue, parseDurationMs } from './sim-units.ts';

type Kind = 'number' | 'string' | 'duration' | 'latency' | 'true' | 'false' | 'off';

interface FlagSpec {
  flag: string;
  path: readonly string[];
  kind: Kind;
  help: string;
}

/** Every setting flag, in `--help` order. */
const FLAGS: readonly FlagSpec[] = [
  { flag: '--port', path: ['port'], kind: 'number', help: 'port to listen on, 0 for a free one (default 8001)' },
  { flag: '--host', path: ['host'], kind: 'string', help: 'address to bind (default 127.0.0.1)' },
  { flag: '--gateway-port', path: ['gatewayPort'], kind: 'number', help: 'also serve the gateway routes alone on this port, as upstream 8080' },
  { flag: '--seed-compat', path: ['seedCompat'], kind: 'true', help: 'answer the seed test files\' request shapes instead of upstream\'s' },
  { flag: '--no-gateway-limits', path: ['gatewayLimits'], kind: 'off', help: 'turn the gateway paths\' upstream rate limits off' },
  { flag: '--gateway-endpoint-limit', path: ['gatewayLimits', 'endpointPerMin'], kind: 'number', help: 'gateway requests per method+path per minute (default 100)' },
  { flag: '--auth', path: ['auth'], kind: 'true', help: 'extension: require Authorization: Bearer on agent.register (401 otherwise)' },
  { flag: '--no-auth', path: ['auth'], kind: 'false', help: 'do not require auth (default)' },
  { flag: '--body-limit', path: ['bodyLimitBytes'], kind: 'string', help: 'extension: largest request body, e.g. 1mib (413 above; no limit by default)' },
  { flag: '--rate-limit', path: ['rateLimit', 'ratePerSec'], kind: 'number', help: 'extension: token-bucket limit per client, tokens per second (off by default)' },
  { flag: '--burst', path: ['rateLimit', 'burst'], kind: 'number', help: 'extension: token bucket size per client (default 2000 when limiting)' },
  { flag: '--limit-anonymous', path: ['rateLimit', 'limitAnonymous'], kind: 'true', help: 'also limit clients with no key, by address' },
  { flag: '--penalty', path: ['rateLimit', 'penaltyMs'], kind: 'duration', help: 'keep a client limited this long after it exceeds the limit' },
  { flag: '--no-rate-limit', path: ['rateLimit'], kind: 'off', help: 'turn the token-bucket limit off (default)' },
  { flag: '--quota-daily', path: ['quotas', 'daily'], kind: 'number', help: 'tool executions per identifier per UTC day' },
  { flag: '--quota-monthly', path: ['quotas', 'monthly'], kind: 'number', help: 'tool executions per identifier per UTC month' },
  { flag: '--latency', path: ['latency'], kind: 'latency', help: 'added latency: 5ms, or a range 5ms-20ms' },
  { flag: '--error-rate', path: ['errorRate'], kind: 'number', help: 'fraction of requests answered with --error-status' },
  { flag: '--error-status', path: ['errorStatus'], kind: 'number', help: '500 or 503 (default 500)' },
  { flag: '--reset-rate', path: ['resetRate'], kind: 'number', help: 'fraction of requests whose connection is reset' },
  { flag: '--leak-mb-per-min', path: ['leakMbPerMin'], kind: 'number', help: 'retain this much memory per minute' },
  { flag: '--leak-max-mb', path: ['leakMaxMb'], kind: 'number', help: 'stop leaking at this size (default 1024)' },
  { flag: '--degrade-after', path: ['degradeAfterMs'], kind: 'duration', help: 'enter degraded mode after this long, e.g. 30s' },
  { flag: '--degrade-latency', path: ['degradeLatencyMs'], kind: 'duration', help: 'latency added when degraded (default 50ms)' },
  { flag: '--degrade-factor', path: ['degradeFactor'], kind: 'number', help: 'latency multiplier when degraded (default 2)' },
  { flag: '--solve-scale', path: ['solveScale'], kind: 'number', help: 'scale modular.solve latency (default 1)' },
  { flag: '--solve-skew', path: ['solveSkew'], kind: 'number', help: 'skew of modular.solve latency towards its minimum (default 3)' },
  { flag: '--solve-verify-fail-rate', path: ['solveVerifyFailRate'], kind: 'number', help: 'fraction of solves with verification_passed false' },
  { flag: '--tool-latency-scale', path: ['toolLatencyScale'], kind: 'number', help: 'scale medium tool latency (default 1)' },
  { flag: '--events-per-sec', path: ['eventsPerSec'], kind: 'number', help: 'WebSocket events pushed per second to each subscriber' },
  { flag: '--ws-idle-timeout', path: ['wsIdleTimeoutMs'], kind: 'duration', help: 'close silent WebSocket connections after this long' },
  { flag: '--max-records', path: ['maxRecords'], kind: 'number', help: 'agents and tasks kept in memory (default 10000)' },
];

/** The parsed command line. */
export interface SimArgs {
  isHelp: boolean;
  configPath: string | null;
  configJson: unknown;
  /** Settings from flags, as a raw sim block (validated). */
  overrides: Record<string, unknown>;
}

/** Lines for `agentload sim --help`. */
export function simHelpLines(): string[] {
  const lines = ['usage: agentload sim [--port 8001] [--host 127.0.0.1] [--config sim.yml] [flags]', '',
    '  --config FILE          sim settings as YAML (docs/sim.md)',
    '  --config-json JSON     sim settings as JSON (how the runner passes a plan\'s config.sim)'];
  for (const f of FLAGS) lines.push(`  ${(f.flag + (f.kind === 'true' || f.kind === 'false' || f.kind === 'off' ? '' : ' V')).padEnd(22)} ${f.help}`);
  return lines;
}

function convert(spec: FlagSpec, value: string): unknown {
  switch (spec.kind) {
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || Number.isNaN(n)) throw flagError(spec.flag, 'a number', value);
      return n;
    }
    case 'duration': {
      const ms = parseDurationMs(value, 's');
      if (ms === null) throw flagError(spec.flag, 'a duration like 500ms, 30s or 2m', value);
      return ms;
    }
    case 'latency': {
      const [lo, hi, extra] = value.split('-');
      const minMs = parseDurationMs(lo, 's');
      const maxMs = hi === undefined ? minMs : parseDurationMs(hi, 's');
      if (minMs === null || maxMs === null || extra !== undefined) throw flagError(spec.flag, 'a duration like 5ms or a range like 5ms-20ms', value);
      return hi === undefined ? { fixedMs: minMs } : { minMs, maxMs };
    }
    default:
      return value;
  }
}

function flagError(flag: string, expected: string, value: unknown): UsageError {
  return new UsageError(`${flag}: expected ${expected}, got ${describeValue(value)}`, {}, 'AGENTLOAD_E_SIM_CONFIG');
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Parses `args` (everything after `agentload sim`). Accepts `--flag value`
 * and `--flag=value`. Throws UsageError AGENTLOAD_E_USAGE for an unknown
 * flag or a missing value, AGENTLOAD_E_SIM_CONFIG for a bad value, naming the flag.
 */
export function parseSimArgs(args: readonly string[]): SimArgs {
  const out: SimArgs = { isHelp: false, configPath: null, configJson: undefined, overrides: {} };
  const origin = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const takeValue = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${name}: expected a value`);
      return next;
    };
    if (name === '--help' || name === '-h') out.isHelp = true;
    else if (name === '--config') out.configPath = takeValue();
    else if (name === '--config-json') {
      const text = takeValue();
      try {
        out.configJson = JSON.parse(text);
      } catch {
        throw flagError('--config-json', 'a JSON object', text);
      }
    } else {
      const spec = FLAGS.find((f) => f.flag === name);
      if (spec === undefined) throw new UsageError(`unknown flag ${describeValue(name)} for agentload sim; see agentload sim --help`);
      const isSwitch = spec.kind === 'true' || spec.kind === 'false' || spec.kind === 'off';
      if (isSwitch && eq !== -1) throw new UsageError(`${name}: takes no value`);
      const value = spec.kind === 'true' ? true : spec.kind === 'false' ? false : spec.kind === 'off' ? null : convert(spec, takeValue());
      setPath(out.overrides, spec.path, value);
      origin.set(spec.path.join('.'), spec.flag);
      if (spec.path.length === 1) origin.set(spec.path[0]!, spec.flag);
    }
  }
  const { problems } = validateSimConfig(out.overrides);
  if (problems.length > 0) {
    const p = problems[0]!;
    const flag = origin.get(p.path) ?? origin.get(p.path.split('.')[0]!) ?? p.path;
    throw new UsageError(`${flag}: ${p.message}`, {}, 'AGENTLOAD_E_SIM_CONFIG');
  }
  return out;
}

/** Layers sim blocks left to right; nested sections (rateLimit, quotas, solveLatency) merge one level deep. */
export function mergeSimBlocks(...blocks: readonly unknown[]): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const block of blocks) {
    if (typeof block !== 'object' || block === null) continue;
    for (const [key, value] of Object.entries(block)) {
      const prev = merged[key];
      const isSection = key !== 'latency' && typeof value === 'object' && value !== null && !Array.isArray(value) &&
        typeof prev === 'object' && prev !== null;
      merged[key] = isSection ? { ...prev, ...(value as object) } : value;
    }
  }
  return merged;
}
