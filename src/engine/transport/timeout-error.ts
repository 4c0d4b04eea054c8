/**
 * The error a request that ran out of its time (the run's deadline service) ends with.
 * transportReason maps its code to the outcome `timeout`.
 */

/** See the module comment. */
export function timeoutError(): Error {
  return Object.assign(new Error('request timed out (agentload timeout)'), { code: 'AGENTLOAD_REQUEST_TIMEOUT' });
}
