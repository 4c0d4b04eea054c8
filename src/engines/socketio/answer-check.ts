/**
 * Artillery's socketio check of an answer's `data` (engine_socketio's
 * isValid), over the arguments received: for a `response`, every argument
 * of every message on the channel since the emit, in order; for an
 * acknowledgement, its arguments.
 * - a list (`args`, or `data` written as a list) deep-equals all of them;
 * - an object deep-equals the last argument (its `json` key left out, as
 *   Artillery omits the path it adds there);
 * - a string is a part of the last argument, or of all of them joined when
 *   `concat` is set: Artillery accepts a partial match;
 * - no data accepts any answer.
 * Difference: a number or boolean equals the last argument as text (Artillery
 * never accepts one, its check reads only strings, objects and lists).
 */
import { isDeepStrictEqual } from 'node:util';

/** See the module comment. `want` is the rendered expected data (null: none). */
export function isAnswerValid(got: readonly unknown[], want: unknown, isArgs: boolean, isConcat: boolean): boolean {
  if (want === null || want === undefined) return true;
  if (isArgs || Array.isArray(want)) return isDeepStrictEqual(got, want);
  const last = isConcat ? got.join('') : got[got.length - 1];
  if (typeof want === 'object') {
    const { json: _path, ...rest } = want as Record<string, unknown>;
    return isDeepStrictEqual(last, rest);
  }
  if (typeof want === 'string') {
    if (typeof last === 'string') return last.includes(want);
    if (Array.isArray(last)) return last.includes(want);
    return (typeof last === 'number' || typeof last === 'boolean') && String(last).includes(want);
  }
  return (typeof want === 'number' || typeof want === 'boolean') && String(last) === String(want);
}
