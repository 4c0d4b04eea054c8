/**
 * Reads the answer to one MCP request from a Streamable HTTP response: a
 * JSON body (`application/json`), or an SSE stream (`text/event-stream`)
 * whose events carry JSON-RPC messages, where the server may send
 * notifications and requests of its own before the response to our id
 * (those are skipped). Reading stops at that response. Bodies and events are
 * capped at MAX_ANSWER_CHARS so a hostile server cannot grow memory.
 */
import { createParser } from 'eventsource-parser';
import type { Dispatcher } from 'undici';

/** The largest answer (or SSE event) read, in characters. */
export const MAX_ANSWER_CHARS = 8 << 20;

/** What was read: the JSON-RPC answer (undefined when none was readable) or why the body was unusable. */
export interface McpAnswer {
  doc: unknown;
  /** `bad_stream` (SSE without our response, or past the cap), or null. */
  failure: string | null;
}

function isResponseTo(m: unknown, id: number): boolean {
  if (m === null || typeof m !== 'object') return false;
  const r = m as Record<string, unknown>;
  return r.id === id && ('result' in r || 'error' in r);
}

/** See the module comment. Never throws for bad content; transport errors reject. */
export async function readAnswer(res: Dispatcher.ResponseData, id: number): Promise<McpAnswer> {
  const type = String(res.headers['content-type'] ?? '');
  if (/^text\/event-stream\b/i.test(type)) return readSse(res, id);
  let text = '';
  for await (const chunk of res.body) {
    text += (chunk as Buffer).toString('utf8');
    if (text.length > MAX_ANSWER_CHARS) {
      res.body.destroy();
      return { doc: undefined, failure: 'too_large' };
    }
  }
  if (text === '') return { doc: undefined, failure: null };
  try {
    return { doc: JSON.parse(text), failure: null };
  } catch {
    return { doc: undefined, failure: null };
  }
}

/**
 * Resolves at our response; the rest of the stream keeps flowing into the
 * (then idle) parser until the server ends it, so the connection is reused
 * rather than torn down mid-body.
 */
function readSse(res: Dispatcher.ResponseData, id: number): Promise<McpAnswer> {
  return new Promise((resolve, reject) => {
    const out: McpAnswer = { doc: undefined, failure: null };
    let isDone = false;
    const done = (): void => {
      isDone = true;
      resolve(out);
    };
    const parser = createParser({
      maxBufferSize: MAX_ANSWER_CHARS,
      onEvent: (e) => {
        if (isDone || e.data === '') return;
        let m: unknown;
        try {
          m = JSON.parse(e.data);
        } catch {
          return;
        }
        // A batch of messages in one event is allowed by the transport.
        const found: unknown = Array.isArray(m) ? m.find((x) => isResponseTo(x, id)) : isResponseTo(m, id) ? m : undefined;
        if (found !== undefined) {
          out.doc = found;
          done();
        }
      },
      onError: (e) => {
        if (isDone || e.type !== 'max-buffer-size-exceeded') return;
        out.failure = 'bad_stream';
        done();
        res.body.destroy();
      },
    });
    const decoder = new TextDecoder();
    res.body.on('data', (chunk: Buffer) => {
      if (!isDone) parser.feed(decoder.decode(chunk, { stream: true }));
    });
    res.body.on('end', () => {
      if (isDone) return;
      out.failure = 'bad_stream';
      done();
    });
    res.body.on('error', (err: Error) => {
      if (!isDone) reject(err);
    });
  });
}
