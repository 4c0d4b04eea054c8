/**
 * Daily and monthly tool-execution quotas per identifier.
 *
 * Periods are UTC calendar days and months, as a gateway's billing would
 * count them. Usage is kept per identifier as two counters tagged with the
 * period they belong to; a counter whose period has passed restarts at zero
 * the next time it is touched, so no timer is needed to reset quotas.
 */

import type { QuotaConfig } from './sim-config.ts';

const MS_PER_DAY = 86_400_000;
/** Hard cap on tracked identifiers; the oldest is forgotten first. */
const MAX_IDENTIFIERS = 200_000;

class Usage {
  day: number;
  dayUsed = 0;
  month: number;
  monthUsed = 0;
  constructor(day: number, month: number) {
    this.day = day;
    this.month = month;
  }
}

/** One quota period's state, as reported by tools.get_rate_limit_status. */
export interface QuotaPeriodStatus {
  limit: number | null;
  used: number;
  remaining: number | null;
  resets_at: string;
}

/** Why a consumption was refused: which period ran out and when it resets. */
export interface QuotaDenial {
  period: 'daily' | 'monthly';
  limit: number;
  resetsAt: string;
}

function monthIndex(d: Date): number {
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function dayResetIso(day: number): string {
  return new Date((day + 1) * MS_PER_DAY).toISOString();
}

function monthResetIso(month: number): string {
  const next = month + 1;
  return new Date(Date.UTC(Math.floor(next / 12), next % 12, 1)).toISOString();
}

/**
 * The quota ledger. `consume` runs once per tool execution; when both limits
 * are null it returns immediately and tracks nothing. Single-threaded.
 */
export class QuotaBook {
  private readonly daily: number | null;
  private readonly monthly: number | null;
  private readonly usage = new Map<string, Usage>();

  constructor(config: QuotaConfig) {
    this.daily = config.daily;
    this.monthly = config.monthly;
  }

  /** True when at least one limit is set. */
  get isEnabled(): boolean {
    return this.daily !== null || this.monthly !== null;
  }

  /** Counts one execution for `identifier`; returns null when allowed, or why not (nothing is counted then). */
  consume(identifier: string, nowEpochMs: number): QuotaDenial | null {
    if (!this.isEnabled) return null;
    const u = this.current(identifier, nowEpochMs, true)!;
    if (this.daily !== null && u.dayUsed >= this.daily) {
      return { period: 'daily', limit: this.daily, resetsAt: dayResetIso(u.day) };
    }
    if (this.monthly !== null && u.monthUsed >= this.monthly) {
      return { period: 'monthly', limit: this.monthly, resetsAt: monthResetIso(u.month) };
    }
    u.dayUsed++;
    u.monthUsed++;
    return null;
  }

  /** Reports both periods for `identifier` without counting anything. */
  status(identifier: string, nowEpochMs: number): { daily: QuotaPeriodStatus; monthly: QuotaPeriodStatus } {
    const u = this.current(identifier, nowEpochMs, false) ??
      new Usage(Math.floor(nowEpochMs / MS_PER_DAY), monthIndex(new Date(nowEpochMs)));
    return {
      daily: {
        limit: this.daily,
        used: u.dayUsed,
        remaining: this.daily === null ? null : Math.max(0, this.daily - u.dayUsed),
        resets_at: dayResetIso(u.day),
      },
      monthly: {
        limit: this.monthly,
        used: u.monthUsed,
        remaining: this.monthly === null ? null : Math.max(0, this.monthly - u.monthUsed),
        resets_at: monthResetIso(u.month),
      },
    };
  }

  private current(identifier: string, nowEpochMs: number, isCreating: boolean): Usage | undefined {
    const day = Math.floor(nowEpochMs / MS_PER_DAY);
    let u = this.usage.get(identifier);
    if (u === undefined) {
      if (!isCreating) return undefined;
      if (this.usage.size >= MAX_IDENTIFIERS) this.usage.delete(this.usage.keys().next().value!);
      u = new Usage(day, monthIndex(new Date(nowEpochMs)));
      this.usage.set(identifier, u);
      return u;
    }
    if (u.day !== day) {
      u.day = day;
      u.dayUsed = 0;
      const month = monthIndex(new Date(nowEpochMs));
      if (u.month !== month) {
        u.month = month;
        u.monthUsed = 0;
      }
    }
    return u;
  }
}
