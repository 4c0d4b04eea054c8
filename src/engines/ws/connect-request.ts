/**
 * The URL and client options of a `connect` step. A static connect (nothing
 * templated) is built once per run, at its first use (the target is settled
 * only at run time); a templated one renders its URL, query and headers per VU.
 */
import type { ClientOptions } from 'ws';
import type { ConfigInput, VuVars } from '../../engine/contracts.ts';
import { boundedLookup } from '../../engine/transport/bounded-lookup.ts';
import { maxBodyBytesOf } from '../../engine/transport/body-limit.ts';
import type { ConnectStep } from './ws-step.ts';
import { appendQuery, resolveWsUrl, type WsTarget } from './ws-url.ts';

const NO_VARS: VuVars = Object.freeze({});

/**
 * Options every connection of the run shares. `config.http.tls.rejectUnauthorized:
 * false` (Artillery's `config.tls`, or --insecure) applies to wss:// as to https://:
 * Artillery hands its `config.tls` to its ws connections too.
 */
export function baseClientOptions(config: ConfigInput): ClientOptions {
  const cfg = (config.ws ?? {}) as { perMessageDeflate?: boolean };
  const tls = (config.http as { tls?: { rejectUnauthorized?: unknown } } | undefined)?.tls;
  // skipUTF8Validation: a load generator only reads what its checks ask for; validating every frame costs CPU at 10k connections.
  return Object.freeze({
    perMessageDeflate: cfg.perMessageDeflate === true, skipUTF8Validation: true, followRedirects: false, lookup: boundedLookup,
    // ws's own default is 100 MiB per message, kept whole: one flood of those per connection is gigabytes.
    maxPayload: maxBodyBytesOf(config),
    ...(tls?.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  });
}

export function connectUrl(step: ConnectStep, vars: VuVars, target: WsTarget): string {
  const url = resolveWsUrl(target, step.url.render(vars));
  return step.query === null ? url : appendQuery(url, step.query.render(vars));
}

export function connectOptions(step: ConnectStep, vars: VuVars, base: ClientOptions): ClientOptions {
  if (step.headers.length === 0) return base;
  const headers: Record<string, string> = {};
  for (const [k, t] of step.headers) headers[k] = t.render(vars);
  return { ...base, headers };
}

/** Builds a static connect's URL and options for the run into the step's run cache (staticUrl / staticOptions). */
export function prebuildConnect(step: ConnectStep, target: WsTarget, base: ClientOptions): void {
  step.staticUrl = connectUrl(step, NO_VARS, target);
  step.staticOptions = connectOptions(step, NO_VARS, base);
}
