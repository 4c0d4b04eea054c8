/**
 * Resolves step URLs against the plan's target: an absolute URL picks its
 * own origin; a relative one joins the target's origin and base path.
 */
import type { OutcomeRules } from '../../engine/contracts.ts';

/** The HTTP engine has no expected outcomes unless the plan names them. */
export const NO_HTTP_OUTCOMES: OutcomeRules = Object.freeze({ byStatus: new Map(), byRpcCode: new Map() });

/** A parsed target. */
export interface ResolvedTarget {
  readonly origin: string;
  readonly basePath: string;
  locate(url: string): { origin: string; path: string };
}

/** Parses the run's target URL once. */
export function resolveTarget(target: string): ResolvedTarget {
  const u = new URL(target);
  const origin = u.origin;
  const basePath = u.pathname.replace(/\/$/, '');
  return {
    origin,
    basePath,
    locate(url: string) {
      if (url.startsWith('http://') || url.startsWith('https://')) {
        const a = new URL(url);
        return { origin: a.origin, path: a.pathname + a.search };
      }
      return { origin, path: basePath + (url.startsWith('/') ? url : `/${url}`) };
    },
  };
}
