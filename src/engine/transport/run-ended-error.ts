/**
 * The error the engines' close() ends a request with when the run is over
 * while it is still in flight or still waiting for a connection. Its code is
 * agentload's own (undici's UND_ERR_DESTROYED means a client someone
 * destroyed, which says nothing about why): engines that see it record the
 * request as abandoned (HdrSink.abandoned), never as a failure of the target.
 */

/** The code of runEndedError(); matched by isRunEnded(), never by message text. */
export const RUN_ENDED_CODE = 'AGENTLOAD_RUN_ENDED';

/** A fresh error for one pool's close (undici hands it to every request it ends). */
export function runEndedError(): Error {
  return Object.assign(new Error('the run ended before the request completed'), { code: RUN_ENDED_CODE });
}

/** True when `err` (or its cause) is runEndedError(): the request is abandoned, not failed. */
export function isRunEnded(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  return e?.code === RUN_ENDED_CODE || e?.cause?.code === RUN_ENDED_CODE;
}
