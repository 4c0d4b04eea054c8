/**
 * `[host:]port` as `--prometheus` and the prometheus reporter's `listen` take it. Apart from the
 * reporter so that parsing the command line does not load node:http (start-up, issue 17 item 5).
 */

/** A host and port to listen on. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses `[host:]port` (host defaults to 127.0.0.1; `[::1]:9464` for IPv6). */
export function parseListenAddress(spec: string): ListenAddress | null {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(spec.trim());
  if (m === null) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  return { host: m[1] === undefined ? '127.0.0.1' : m[1].replace(/^\[|\]$/g, ''), port };
}
