/**
 * Gives each `expect.conditions` check the facts it reads besides the run
 * summary (EnsureFacts): which request names Artillery would count as
 * `http.*` and `socketio.*`. Known at compile time only, from the engine
 * whose step interned each name; recorded with the expectation so a merge
 * of shard results judges it the same way.
 */
import type { CompiledExpectation, EnsureFacts } from './expectation-types.ts';

/** `expectations` with facts on each ensure check; `namesByEngine`: request name → engine id. */
export function withEnsureFacts(expectations: CompiledExpectation[], namesByEngine: ReadonlyMap<string, string>): CompiledExpectation[] {
  if (!expectations.some((e) => e.ensure !== undefined)) return expectations;
  const http: string[] = [];
  const socketio: string[] = [];
  for (const [name, engine] of namesByEngine) {
    if (engine === 'http') http.push(name);
    else if (engine === 'socketio') socketio.push(name);
  }
  // The usual Artillery script is HTTP only: null says "every request name", and keeps results small.
  const facts: EnsureFacts = { httpNames: http.length === namesByEngine.size ? null : http, socketioNames: socketio };
  return expectations.map((e) => (e.ensure === undefined ? e : { ...e, ensure: { ...e.ensure, facts } }));
}
