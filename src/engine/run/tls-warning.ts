/**
 * The line `run` prints once, before the first request, when the plan turns
 * TLS certificate checks off (`config.http.tls.rejectUnauthorized: false`,
 * Artillery's `config.tls`, or `--insecure`): a run against a production
 * name should not silently accept any certificate.
 */
import type { ConfigInput } from '../contracts.ts';

/** The warning, or null when certificates are verified. */
export function insecureTlsWarning(config: ConfigInput): string | null {
  const tls = (config.http as { tls?: { rejectUnauthorized?: unknown } } | undefined)?.tls;
  if (tls?.rejectUnauthorized !== false) return null;
  return 'agentload: warning: TLS certificates are not verified (tls.rejectUnauthorized: false or --insecure): any certificate is accepted, so use this against test systems only';
}
