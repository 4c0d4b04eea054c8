/**
 * A received WebSocket message as the shared checks see it (ResponseView).
 * One view per session, reset for each message that something wants to
 * inspect: text and JSON are decoded lazily and at most once, so a message
 * nobody matches is never decoded at all.
 */
import type { ResponseView, VuVars } from '../../engine/contracts.ts';
import { MALFORMED_JSON, parseJson } from '../../engine/response-view.ts';
import type { Matcher } from './ws-step.ts';

/** match() results. */
export const NO_MATCH = 0;
export const MATCH = 1;
/** A JSON match met a message that is not JSON: a fault, not a mere non-match. */
export const MALFORMED = 2;

const NO_VARS: VuVars = Object.freeze({});

/** See the module comment. */
export class MessageView implements ResponseView {
  private data: Buffer | null = null;
  private textValue: string | null = null;
  private parsed: unknown = undefined;
  private isParsed = false;
  /** True after json() found the message is not JSON: a `malformed_json` fault, not a mere non-match. */
  isMalformed = false;

  /** Points the view at a new message; drops what was decoded from the previous one. */
  reset(data: Buffer): void {
    this.data = data;
    this.textValue = null;
    this.parsed = undefined;
    this.isParsed = false;
    this.isMalformed = false;
  }

  /** Points the view at `data` and tests it: MATCH, NO_MATCH or MALFORMED. */
  match(m: Matcher, data: Buffer): number {
    this.reset(data);
    if (m.regex !== null) return m.regex.test(this.text()) ? MATCH : NO_MATCH;
    if (m.checks!.verify(this, NO_VARS) === null) return MATCH;
    return this.isMalformed ? MALFORMED : NO_MATCH;
  }

  /** Messages have no headers; header checks never match. */
  header(): string | undefined {
    return undefined;
  }

  text(): string {
    if (this.textValue === null) this.textValue = this.data === null ? '' : this.data.toString('utf8');
    return this.textValue;
  }

  json(): unknown {
    if (!this.isParsed) {
      this.isParsed = true;
      const v = parseJson(this.text());
      this.isMalformed = v === MALFORMED_JSON;
      this.parsed = this.isMalformed ? undefined : v;
    }
    return this.parsed;
  }
}
