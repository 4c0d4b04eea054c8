/**
 * The cap on what an engine keeps of one response (`config.http.maxBodyBytes`,
 * issue 20 item 1). Only answers something reads (a JSON-RPC verdict, a check
 * or capture on the body) are kept at all; an answer that outgrows the cap is
 * aborted, which closes its connection mid-body, and counted as
 * `body_too_large`. A body nobody reads is drained and never kept, whatever its size.
 */

/** Default cap: a few MB, far above any JSON-RPC answer, far below what hurts a generator holding many. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The cap a run uses: `config.http.maxBodyBytes`, else the default. */
export function maxBodyBytesOf(config: { readonly http?: unknown }): number {
  const v = (config.http as { maxBodyBytes?: unknown } | undefined)?.maxBodyBytes;
  return typeof v === 'number' && v > 0 ? v : DEFAULT_MAX_BODY_BYTES;
}

/** The error an over-cap answer is aborted with; transportReason maps its code to `body_too_large`. */
export function bodyTooLargeError(limitBytes: number): Error {
  return Object.assign(new Error(`response body over ${limitBytes} bytes (config.http.maxBodyBytes)`), { code: 'AGENTLOAD_BODY_TOO_LARGE' });
}
