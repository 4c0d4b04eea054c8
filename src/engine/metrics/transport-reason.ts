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
  // The target closed the connection (FIN, no reset) before the answer was complete.
  UND_ERR_SOCKET: 'closed_early',
  UND_ERR_CLOSED: 'closed_early',
  // The host name did not resolve (no such name, or the resolver gave up): bounded-lookup.ts caps how long that takes.
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  EMFILE: 'emfile',
  UND_ERR_ABORTED: 'aborted',
  // undici refused the request as built (a header name HTTP does not allow, header-names.ts): it was never sent.
  UND_ERR_INVALID_ARG: 'invalid_request',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'bad_response',
  // An answer over config.http.maxBodyBytes (body-limit.ts), or a WebSocket message over the same cap.
  AGENTLOAD_BODY_TOO_LARGE: 'body_too_large',
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 'body_too_large',
  WS_ERR_INVALID_UTF8: 'bad_response',
  WS_ERR_UNEXPECTED_RSV_1: 'bad_response',
};

/** The reason for a failed request, from its error. */
export function transportReason(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : '';
  // Own properties only: a code such as `constructor` must not find Object.prototype's.
  if (Object.hasOwn(BY_CODE, code)) return BY_CODE[code]!;
  // llhttp's parser errors (HPE_INVALID_CONSTANT, HPE_INVALID_HEADER_TOKEN, HPE_INVALID_CHUNK_SIZE, …):
  // whatever the detail, the target sent something that is not HTTP. undici 7 builds the code from
  // llhttp's ERROR table indexed by number, which has no reverse entries, so `.code` comes out undefined:
  // its class name, which undici keeps stable for this check (HTTPParserError), is what is left to match.
  // The TLS handshake or the certificate failed: a plain-HTTP port behind https://, an expired or self-signed
  // certificate (ERR_SSL_WRONG_VERSION_NUMBER, EPROTO, CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, …).
  if (isTlsCode(code)) return 'tls';
  if (code.startsWith('HPE_') || (e as { name?: unknown } | null)?.name === 'HTTPParserError') return 'bad_response';
  return code ? `error_${code.toLowerCase()}` : 'error';
}

const TLS_CODES: ReadonlySet<string> = new Set(['EPROTO', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_');
}
