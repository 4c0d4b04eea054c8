/**
 * The sim's streaming completion endpoint, OpenAI-compatible:
 * POST /v1/chat/completions with `stream: true` answers chat.completion.chunk
 * events over SSE and ends with `data: [DONE]`; `stream: false` (or absent)
 * answers one chat.completion. `max_tokens` sets the number of tokens;
 * `stream_options.include_usage` adds the usage chunk before [DONE].
 *
 * Timing and faults are set per request in the query string, so one sim
 * serves every shape a plan needs:
 *
 *   ttft_ms=200      first token after this long          token_ms=20   gap between tokens
 *   tokens=32        tokens to send (max_tokens wins)      jitter_ms=0   ± uniform noise on every gap
 *   stall_at=N       before token N (1-based) wait …       stall_ms=1000 … this long
 *   format=sse | ndjson | html (an HTML page, text/html) | malformed (an SSE stream with a non-SSE line)
 *          | endless (tokens forever) | nodone (ends without [DONE])
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The endpoint's path. */
export const COMPLETIONS_PATH = '/v1/chat/completions';

interface Plan {
  ttftMs: number;
  tokenMs: number;
  jitterMs: number;
  tokens: number;
  stallAt: number;
  stallMs: number;
  format: string;
  model: string;
  hasUsage: boolean;
}

const WORDS = ['agent', ' load', ' streams', ' tokens', ' to', ' the', ' gateway', ' and', ' back', '.'];

function num(q: URLSearchParams, key: string, fallback: number): number {
  const v = q.get(key);
  const n = v === null ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function planOf(url: string, body: Record<string, unknown>): Plan {
  const q = new URL(url, 'http://sim').searchParams;
  const maxTokens = typeof body.max_tokens === 'number' && body.max_tokens > 0 ? Math.floor(body.max_tokens) : null;
  const options = (body.stream_options ?? {}) as Record<string, unknown>;
  return {
    ttftMs: num(q, 'ttft_ms', 200),
    tokenMs: num(q, 'token_ms', 20),
    jitterMs: num(q, 'jitter_ms', 0),
    tokens: maxTokens ?? num(q, 'tokens', 32),
    stallAt: num(q, 'stall_at', 0),
    stallMs: num(q, 'stall_ms', 1000),
    format: q.get('format') ?? 'sse',
    model: typeof body.model === 'string' ? body.model : 'sim-1',
    hasUsage: options.include_usage === true,
  };
}

function chunk(id: string, model: string, delta: Record<string, unknown>, finish: string | null): string {
  return JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model, choices: [{ index: 0, delta, finish_reason: finish }] });
}

/** Serves one request to COMPLETIONS_PATH (any method but POST is 405). */
export function serveCompletion(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'POST') {
    res.writeHead(405, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"Method Not Allowed","type":"invalid_request_error"}}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error"}}');
      return;
    }
    const plan = planOf(req.url ?? '/', body);
    if (body.stream !== true) return answerWhole(res, plan);
    streamAnswer(res, plan);
  });
}

function answerWhole(res: ServerResponse, plan: Plan): void {
  const text = Array.from({ length: plan.tokens }, (_, i) => WORDS[i % WORDS.length]).join('');
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      id: 'chatcmpl-sim', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: plan.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 8, completion_tokens: plan.tokens, total_tokens: plan.tokens + 8 },
    }));
  }, plan.ttftMs + plan.tokenMs * Math.max(plan.tokens - 1, 0));
}

function streamAnswer(res: ServerResponse, plan: Plan): void {
  if (plan.format === 'html') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>\n');
    return;
  }
  const isNdjson = plan.format === 'ndjson';
  res.writeHead(200, { 'content-type': isNdjson ? 'application/x-ndjson' : 'text/event-stream', 'cache-control': 'no-cache' });
  // Headers go out now, as a real server's do, so time to first byte and to first token differ.
  res.flushHeaders();
  const id = `chatcmpl-${Math.random().toString(36).slice(2, 10)}`;
  const send = (data: string): boolean => res.write(isNdjson ? `${data}\n` : `data: ${data}\n\n`);
  let sent = 0;
  let timer: NodeJS.Timeout | null = null;
  const finish = (): void => {
    send(chunk(id, plan.model, {}, 'stop'));
    if (plan.hasUsage) send(JSON.stringify({ id, object: 'chat.completion.chunk', model: plan.model, choices: [], usage: { prompt_tokens: 8, completion_tokens: sent, total_tokens: sent + 8 } }));
    if (!isNdjson && plan.format !== 'nodone') res.write('data: [DONE]\n\n');
    res.end();
  };
  const next = (): void => {
    timer = null;
    if (res.destroyed) return;
    sent++;
    send(chunk(id, plan.model, sent === 1 ? { role: 'assistant', content: WORDS[0] } : { content: WORDS[(sent - 1) % WORDS.length] }, null));
    if (plan.format === 'malformed' && sent === 2) res.write('<html>this is not an event stream</html>\n\n');
    if (plan.format !== 'endless' && sent >= plan.tokens) return finish();
    let gap = plan.tokenMs + (plan.jitterMs > 0 ? (Math.random() * 2 - 1) * plan.jitterMs : 0);
    if (plan.stallAt > 0 && sent + 1 === plan.stallAt) gap += plan.stallMs;
    timer = setTimeout(next, Math.max(gap, 0));
  };
  timer = setTimeout(next, plan.ttftMs + (plan.stallAt === 1 ? plan.stallMs : 0));
  res.on('close', () => {
    if (timer !== null) clearTimeout(timer);
  });
}
