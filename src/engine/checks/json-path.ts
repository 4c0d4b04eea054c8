/**
 * A small JSON path: `result.items[0].id`, optionally starting with `$.`.
 * Compiled once into segments; reading is a loop over them, no parsing per
 * request. Enough for captures and expectations; not JSONPath filters.
 */

/** A compiled path: property names and array indexes. */
export type JsonPath = readonly (string | number)[];

const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;

/** Compiles `a.b[2].c` (or `$.a.b[2].c`); returns null when it has no segment. */
export function compileJsonPath(source: string): JsonPath | null {
  const s = source.trim().replace(/^\$\.?/, '');
  const out: (string | number)[] = [];
  for (const m of s.matchAll(SEGMENT)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out.length === 0 && s !== '' ? null : out;
}

/** Reads a path; undefined when any step is missing. */
export function readJsonPath(value: unknown, path: JsonPath): unknown {
  let v: unknown = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
