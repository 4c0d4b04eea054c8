/**
 * Pure helpers for engines implementing ResponseView (contracts.ts): the
 * same header lookup and JSON parse for HTTP exchanges, JSON-RPC answers and
 * WebSocket messages, so a check reads a response the same way in every
 * engine. Engines may import this module as they import contracts, errors
 * and metrics (docs/decisions.md); it has no state and no I/O.
 */

/** What parseJson() answers for text that is not JSON. */
export const MALFORMED_JSON: unique symbol = Symbol('malformed JSON');

/**
 * The value of header `name` (any case) in undici's raw list
 * [name, value, name, value, …], or undefined. Called only by checks,
 * never on the plain path, so it decodes on demand instead of building a map.
 */
export function rawHeader(raw: readonly Buffer[] | null, name: string): string | undefined {
  if (raw === null) return undefined;
  const want = name.toLowerCase();
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toString('latin1').toLowerCase() === want) return raw[i + 1]!.toString('utf8');
  return undefined;
}

/** JSON.parse, answering MALFORMED_JSON instead of throwing: a body that is not JSON fails a check, not the run. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return MALFORMED_JSON;
  }
}
