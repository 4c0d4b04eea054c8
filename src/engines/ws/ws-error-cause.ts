/**
 * Maps a socket or handshake error to the closed cause vocabulary
 * (econnrefused, emfile, protocol_error, …). Matches on `.code`, never on
 * message text; ws's own protocol errors carry `WS_ERR_*` codes, and the
 * few handshake failures without a code (bad Sec-WebSocket-Accept, …) are
 * `handshake_failed`. Other codes get the HTTP engines' names
 * (transportReason): a refused certificate on wss:// is `tls`, as on https://.
 */
import { transportReason } from '../../engine/metrics/transport-reason.ts';

const BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'econnrefused',
  ECONNRESET: 'econnreset',
  EPIPE: 'econnreset',
  ETIMEDOUT: 'timeout',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  EMFILE: 'emfile',
  ENFILE: 'emfile',
  EADDRNOTAVAIL: 'eaddrnotavail',
  EHOSTUNREACH: 'ehostunreach',
  ENETUNREACH: 'ehostunreach',
};

/** The cause of a failed connection, from its error. */
export function wsErrorCause(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || code === '') return 'handshake_failed';
  // A message over ws's maxPayload (config.http.maxBodyBytes, connect-request.ts): the same cause as an over-cap HTTP answer.
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 'body_too_large';
  if (code.startsWith('WS_ERR_')) return 'protocol_error';
  return Object.hasOwn(BY_CODE, code) ? BY_CODE[code]! : transportReason(err);
}
