/**
 * A new virtual user's starting variables beyond `config.variables`, as
 * Artillery gives them (docs/artillery.md):
 *
 * - `config.payload`: one CSV row per user, its columns named by `fields`,
 *   picked at random (the user's seeded stream) or in file order
 *   (`order: sequence`: user n takes row n-1, wrapping around; users are
 *   numbered over the whole plan, so workers and shards never repeat a row
 *   another one took, and an arrival dropped by maxVusers skips its row);
 *   `loadAll` + `name` gives all rows;
 * - `$uuid`: a per-user UUID (the same all through its scenario);
 * - `$environment`: the selected environment's name.
 *
 * Built once at compile time; the Vu calls it when it first reads its vars.
 */
import type { ConfigInput, VuVars } from '../contracts.ts';
import { uuidV4 } from '../templates.ts';
import { PAYLOAD_ROWS } from '../plan/artillery/payload-csv.ts';

/** Fills a new user's vars; `random` is its seeded stream. */
export type VarsInit = (vars: VuVars, random: { next(): number }) => void;

interface Feeder {
  readonly rows: readonly unknown[];
  readonly isSequence: boolean;
  readonly allAs: string | null;
}

/** The init for `config`, or null when the plan needs none (nothing runs per user). */
export function compileVuVars(config: ConfigInput, environment: string | null, usesUuid: boolean): VarsInit | null {
  const specs = Array.isArray(config.payload) ? (config.payload as Array<Record<string, unknown>>) : [];
  const feeders: Feeder[] = specs
    .map((s) => ({ rows: (s[PAYLOAD_ROWS] as unknown[] | undefined) ?? [], isSequence: s.order === 'sequence', allAs: s.loadAll === true ? String(s.name) : null }))
    .filter((f) => f.rows.length > 0 || f.allAs !== null);
  if (feeders.length === 0 && environment === null && !usesUuid) return null;
  return (vars, random) => {
    if (environment !== null) vars.$environment = environment;
    if (usesUuid) vars.$uuid = uuidV4(() => random.next());
    for (const f of feeders) {
      if (f.allAs !== null) {
        vars[f.allAs] = f.rows;
        continue;
      }
      const i = f.isSequence ? sequenceRow(vars.vu, f.rows.length) : Math.floor(random.next() * f.rows.length);
      Object.assign(vars, f.rows[i]);
    }
  };
}

/** User n's row (n from 1): n-1 wrapped; a user without a number (a `before` flow's) takes the first. */
function sequenceRow(vu: unknown, rows: number): number {
  const n = typeof vu === 'number' && Number.isInteger(vu) && vu > 0 ? vu - 1 : 0;
  return n % rows;
}
