/**
 * A few example messages per (request name, failure cause), so a report can
 * say what `http_500` or `rpc_-32603` actually looked like. Bounded whatever
 * the target sends: at most SAMPLES_PER_CAUSE distinct messages per cause,
 * each cut to SAMPLE_CHARS, and credentials masked before they are kept.
 *
 * Engines hand over the raw detail (an Error, a string, the start of the
 * answer's body); it is turned into text only when a slot is free, so a run
 * where every request fails pays one map lookup per failure.
 */
import type { FailureDetail } from '../contracts.ts';
import { redactText } from '../redact.ts';

export const SAMPLES_PER_CAUSE = 3;
export const SAMPLE_CHARS = 200;

/** A sample in portable form (worker → main, shard → merge): the name key, the cause, the message. */
export type EncodedSample = [key: string, cause: string, message: string];

/** The text a report shows for a detail, or null when it holds nothing worth showing. */
export function sampleText(detail: FailureDetail): string | null {
  let text: string;
  if (typeof detail === 'string') text = detail;
  else if (detail instanceof Uint8Array) text = Buffer.from(detail.buffer, detail.byteOffset, Math.min(detail.byteLength, SAMPLE_CHARS * 4)).toString('utf8');
  else if (hasMessage(detail)) {
    // Engines pass what a catch received: usually an Error, but a library may throw anything.
    const code = (detail as { code?: unknown }).code;
    text = typeof code === 'string' && !detail.message.includes(code) ? `${code}: ${detail.message}` : detail.message;
    const data = dataText((detail as { data?: unknown }).data);
    if (data !== '') text = `${text}: ${data}`;
  } else text = String(detail);
  text = text.replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  if (text.length > SAMPLE_CHARS) text = `${text.slice(0, SAMPLE_CHARS - 1)}…`;
  return redactText(text);
}

function hasMessage(detail: unknown): detail is { message: string } {
  return typeof (detail as { message?: unknown } | null)?.message === 'string';
}

/**
 * A JSON-RPC error's `data`: a string as is, or an object's string and number
 * members one level deep (`details: …`), which is where servers put the cause.
 * Only the first SAMPLE_CHARS of it can show, so it stops collecting there.
 */
function dataText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return '';
  let out = '';
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string' && typeof value !== 'number') continue;
    out += `${out === '' ? '' : '; '}${key}: ${value}`;
    if (out.length > SAMPLE_CHARS) break;
  }
  return out;
}

/** See the module comment. Indexed by the sink's name handle. */
export class FailureSamples {
  private readonly byHandle: Array<Map<string, string[]> | undefined> = [];
  /** Kept since the last take(): what a worker still has to send to the main thread. */
  private fresh: Array<[handle: number, cause: string, message: string]> = [];

  offer(handle: number, cause: string, detail: FailureDetail): void {
    let causes = this.byHandle[handle];
    const kept = causes?.get(cause);
    if (kept !== undefined && kept.length >= SAMPLES_PER_CAUSE) return;
    const text = sampleText(detail);
    if (text === null) return;
    this.keep(handle, cause, text, (causes ??= this.byHandle[handle] = new Map<string, string[]>()));
  }

  /** Adds an already rendered message (from a worker or a shard). */
  offerText(handle: number, cause: string, text: string): void {
    const causes = (this.byHandle[handle] ??= new Map<string, string[]>());
    const kept = causes.get(cause);
    if (kept !== undefined && kept.length >= SAMPLES_PER_CAUSE) return;
    this.keep(handle, cause, text, causes);
  }

  private keep(handle: number, cause: string, text: string, causes: Map<string, string[]>): void {
    let kept = causes.get(cause);
    if (kept === undefined) causes.set(cause, (kept = []));
    if (kept.includes(text)) return;
    kept.push(text);
    this.fresh.push([handle, cause, text]);
  }

  /** The samples of one name, by cause; undefined when it has none. */
  of(handle: number): Record<string, string[]> | undefined {
    const causes = this.byHandle[handle];
    return causes === undefined || causes.size === 0 ? undefined : Object.fromEntries([...causes].map(([c, m]) => [c, [...m]]));
  }

  /** What was kept since the last call, as (handle, cause, message). */
  take(): Array<[number, string, string]> {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}
