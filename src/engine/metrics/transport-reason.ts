/**
 * Maps a transport error (undici or ws) to agentload's closed outcome-reason
 * vocabulary (timeout, econnrefused, econnreset, …), matching on `.code`,
 * never on message text (undici's advice). It lives beside the metric names
 * because every engine records these reasons and engines never import each other.
 */

const BY_CODE: Record<string, string> = {
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  AGENTLOAD_REQUEST_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  ECONNREFUSED: 'econnrefused',
  ECONNRESET: 'econnreset',
  EPIPE: 'econnreset',
  UND_ERR_SOCKET: 'econnreset',
  UND_ERR_CLOSED: 'econnreset',
  ENOTFOUND: 'enotfound',
  EAI_AGAIN: 'enotfound',
  EMFILE: 'emfile',
  UND_ERR_ABORTED: 'aborted',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'bad_response',
  HPE_INVALID_CONSTANT: 'bad_response',
  WS_ERR_INVALID_UTF8: 'bad_response',
  WS_ERR_UNEXPECTED_RSV_1: 'bad_response',
};

/** The reason for a failed request, from its error. */
export function transportReason(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : '';
  return BY_CODE[code] ?? (code ? `error_${code.toLowerCase()}` : 'error');
}
