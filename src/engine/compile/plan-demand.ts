/**
 * What a compiled plan asks of the generator at its peak, read from the plan
 * alone (no clock, no I/O): arrivals/s, requests/s, concurrent users, HTTP
 * connections and WebSockets. `agentload validate --estimate` and
 * `run --dry-run` set it against this machine's calibration (sizing.ts).
 *
 * Concurrent users of an open-model phase follow Little's law:
 *
 *     users ≈ arrivals/s × seconds one user spends in its scenario
 *
 * A scenario's seconds are its think times (mean of min and max), times loop
 * counts, and are a lower bound: response times are unknown until the run.
 * Where the plan leaves a count open (a loop over a list, a conditional
 * step, a processor function) the estimate says so instead of guessing.
 */
import type { CompiledPhase, CompiledPlan, CompiledScenario, CompiledStep } from './compiled-plan.ts';

/** Engines whose user holds one connection for its whole scenario. */
const HELD_CONNECTION_ENGINES = new Set(['ws', 'socketio', 'mcp']);
/** Engines with steps that last as long as the target or the plan says (waitFor, hold, a token stream). */
const WAITING_ENGINES = new Set(['ws', 'socketio', 'stream', 'mcp']);
/** The http engine's pool per origin when config.http.connections is unset (http-engine.ts DEFAULT_CONNECTIONS). */
const DEFAULT_HTTP_CONNECTIONS = 128;

/** One scenario's walk: requests sent and think seconds, and what the plan leaves open. */
export interface ScenarioDemand {
  readonly name: string;
  /** Share of arrivals, 0..1. */
  readonly share: number;
  readonly requests: number;
  readonly thinkSec: number;
  /** Why the counts above are not exact ([] when they are). */
  readonly unknowns: readonly string[];
  readonly holdsConnection: boolean;
}

/** The plan's peak demand. Counts that depend on response times are lower bounds, and say so. */
export interface PlanDemand {
  /** Highest arrival rate of any open-model phase (0 without one), and that phase's name. */
  readonly peakArrivalsPerSec: number;
  readonly peakArrivalsPhase: string | null;
  /** Highest closed-model user count (0 without one). */
  readonly peakUsers: number;
  /** Peak requests/s: open phases arrivals × requests per scenario; closed phases users × requests / think seconds. */
  readonly peakRequestsPerSec: number;
  /** True when a closed-model phase has no think time: its users send as fast as the target answers. */
  readonly isTargetBound: boolean;
  /** Peak concurrent users (Little's law for open phases, capped by maxVusers; users for closed ones). */
  readonly peakVus: number;
  /** True when peakVus leaves out response times (it is a lower bound). */
  readonly isVusLowerBound: boolean;
  /** Seconds a user spends in its scenario (think times only), weighted by scenario share. */
  readonly scenarioThinkSec: number;
  /** HTTP connections per origin the pools may open. */
  readonly httpConnections: number;
  /** WebSocket-like connections held at the peak (users of ws, socketio and mcp scenarios). */
  readonly heldConnections: number;
  readonly scenarios: readonly ScenarioDemand[];
}

interface Walk { requests: number; thinkSec: number; unknowns: string[]; engines: Set<string> }

function walk(steps: readonly CompiledStep[], times: number, w: Walk): void {
  for (const s of steps) {
    switch (s.kind) {
      case 'engine':
        w.requests += times;
        w.engines.add(s.engine.id);
        break;
      case 'think':
        w.thinkSec += (times * (s.minMs + s.maxMs)) / 2 / 1000;
        break;
      case 'loop': {
        // whileTrue (Artillery's loop option) decides the count at run time.
        const isWhile = ((s as { options?: { check?: unknown } | null }).options?.check ?? null) !== null;
        if (s.over !== null) w.unknowns.push('a loop over a list (counted once)');
        if (isWhile) w.unknowns.push('a loop with whileTrue (counted once)');
        if (s.when !== undefined && s.when !== null) w.unknowns.push('a conditional step (counted as taken)');
        walk(s.steps, times * (s.over === null && !isWhile && (s.when === undefined || s.when === null) ? s.count : 1), w);
        break;
      }
      case 'function':
        w.unknowns.push(`processor function ${s.hook.name} (its requests and time are not counted)`);
        break;
      default: {
        // Steps that nest others (parallel branches): their requests count; their think times add up, an overestimate.
        const other = s as { readonly kind: string; readonly steps?: readonly CompiledStep[] };
        if (Array.isArray(other.steps)) {
          w.unknowns.push(`a ${other.kind} step (its think times are added up as if in sequence)`);
          walk(other.steps, times, w);
        }
      }
    }
  }
}

function scenarioDemand(s: CompiledScenario, share: number): ScenarioDemand {
  const w: Walk = { requests: 0, thinkSec: 0, unknowns: [], engines: new Set() };
  walk(s.before, 1, w);
  walk(s.flow, 1, w);
  walk(s.after, 1, w);
  const waiting = [...w.engines].filter((e) => WAITING_ENGINES.has(e));
  if (waiting.length > 0) w.unknowns.push(`its ${waiting.join(' and ')} steps may wait or hold (waitFor, hold, a stream); that time is not counted`);
  return {
    name: s.name, share, requests: w.requests, thinkSec: w.thinkSec,
    unknowns: [...new Set(w.unknowns)],
    holdsConnection: [...w.engines].some((e) => HELD_CONNECTION_ENGINES.has(e)),
  };
}

/** Arrivals/s at the busiest moment of an open-model phase. */
function phasePeakRate(p: CompiledPhase): number {
  if (p.kind !== 'arrivals') return 0;
  if (p.arrivalCount !== null) return p.durationMs > 0 ? p.arrivalCount / (p.durationMs / 1000) : p.arrivalCount;
  return Math.max(p.fromRatePerSec, p.toRatePerSec);
}

/** See the module comment. Pure. */
export function planDemand(plan: CompiledPlan): PlanDemand {
  const weights = plan.scenarios.map((s) => s.weight);
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const scenarios = plan.scenarios.map((s, i) => scenarioDemand(s, weights[i]! / total));
  const mean = (f: (s: ScenarioDemand) => number): number => scenarios.reduce((a, s) => a + s.share * f(s), 0);
  const requestsPerUser = mean((s) => s.requests);
  const thinkSec = mean((s) => s.thinkSec);
  const holdingShare = mean((s) => (s.holdsConnection ? 1 : 0));

  let peakArrivalsPerSec = 0;
  let peakArrivalsPhase: string | null = null;
  let peakUsers = 0;
  let peakRequestsPerSec = 0;
  let peakVus = 0;
  let isTargetBound = false;
  let isVusLowerBound = false;
  // The http engine's pool: one connection per possible user when every phase bounds its users (load-driver.ts).
  let userBound: number | null = 0;
  for (const p of plan.phases) {
    if (p.kind !== 'pause') {
      const bound = p.kind === 'users' ? Math.min(p.users, p.maxVusers) : p.maxVusers;
      userBound = userBound === null || !Number.isFinite(bound) ? null : Math.max(userBound, bound);
    }
    if (p.kind === 'arrivals') {
      const rate = phasePeakRate(p);
      if (rate > peakArrivalsPerSec) {
        peakArrivalsPerSec = rate;
        peakArrivalsPhase = p.name;
      }
      peakRequestsPerSec = Math.max(peakRequestsPerSec, rate * requestsPerUser);
      const little = rate * thinkSec;
      if (Math.min(p.maxVusers, little) >= peakVus) {
        peakVus = Math.min(p.maxVusers, little);
        // Capped by maxVusers it is exact (at most that many); otherwise response times come on top.
        isVusLowerBound = little < p.maxVusers;
      }
    } else if (p.kind === 'users') {
      const users = Math.min(p.users, p.maxVusers);
      peakUsers = Math.max(peakUsers, users);
      if (users >= peakVus) {
        peakVus = users;
        isVusLowerBound = false;
      }
      if (thinkSec > 0) peakRequestsPerSec = Math.max(peakRequestsPerSec, (users * requestsPerUser) / thinkSec);
      else if (requestsPerUser > 0) isTargetBound = true;
    }
  }
  const http = (plan.config.http ?? {}) as { connections?: number };
  const vusCeil = Math.ceil(peakVus);
  return {
    peakArrivalsPerSec, peakArrivalsPhase, peakUsers, peakRequestsPerSec, isTargetBound,
    peakVus: vusCeil,
    isVusLowerBound,
    scenarioThinkSec: thinkSec,
    httpConnections: http.connections ?? Math.max(DEFAULT_HTTP_CONNECTIONS, userBound ?? 0),
    heldConnections: Math.ceil(vusCeil * holdingShare),
    scenarios,
  };
}
