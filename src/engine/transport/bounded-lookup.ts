/**
 * The host-name lookup every connection of the engines uses: the system's
 * (dns.lookup, as Node's default), but with an answer within LOOKUP_TIMEOUT_MS.
 *
 * Why: getaddrinfo runs on libuv's small thread pool (4 threads). A resolver
 * that does not answer holds a thread per lookup for its full retry cycle
 * (5 s × attempts × servers), and lookups queue behind each other, so a name
 * that does not resolve surfaced as a `timeout` 41 s into a run instead of a
 * `dns` failure. Here the connection fails with EAI_AGAIN (reason `dns`)
 * once the limit passes; the thread finishes its lookup in the background and
 * its late answer is dropped. A name the resolver knows is unaffected.
 */
import { lookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';

/** How long a host name may take to resolve before the connection fails as `dns`. */
export const LOOKUP_TIMEOUT_MS = 2000;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** net.connect's `lookup` option (and http.request's, for ws): dns.lookup with a deadline. */
export function boundedLookup(hostname: string, options: LookupOptions | LookupAllOptions, callback: LookupCallback): void {
  let isDone = false;
  const timer = setTimeout(() => {
    isDone = true;
    const err: NodeJS.ErrnoException = Object.assign(new Error(`getaddrinfo EAI_AGAIN ${hostname} (no answer within ${LOOKUP_TIMEOUT_MS} ms)`), {
      code: 'EAI_AGAIN', syscall: 'getaddrinfo', hostname,
    });
    callback(err, '');
  }, LOOKUP_TIMEOUT_MS);
  timer.unref();
  lookup(hostname, options as LookupAllOptions, (err, address, family?: number) => {
    if (isDone) return;
    isDone = true;
    clearTimeout(timer);
    callback(err, address, family);
  });
}
