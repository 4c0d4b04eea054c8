/**
 * The stream engine against the sim's OpenAI-compatible streaming endpoint on
 * 127.0.0.1 (issue 21 acceptance): tokens per stream, TTFT as a lower bound,
 * a stall as ITL max and as `stalled` under maxGap, expectations over stream
 * metrics, and a mixed http + stream flow. Timing is asserted only as lower
 * bounds of what the sim was told.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInline } from '../helpers/run-inline.ts';
import { startSim } from '../../src/sim/start-sim.ts';
import { startHttpServer } from '../helpers/servers.ts';

type Result = Awaited<ReturnType<typeof runInline>>;
const named = (r: Result, name: string, request?: string) =>
  r.summary.byName.find((n) => n.name === name && (request === undefined || n.tags.request === request));

async function sim(t: { after(fn: () => unknown): void }) {
  const s = await startSim({ port: 0 });
  t.after(() => s.close());
  return s;
}

const once = (n: number) => ({ phases: [{ duration: 1, arrivalCount: n }] });

test('50 tokens at 20 ms after a 300 ms first token: exactly 50 tokens, TTFT ≥ 300 ms, TPOT ≥ 19 ms', async (t) => {
  const s = await sim(t);
  const r = await runInline({ target: s.url, ...once(3), expect: { 'ttft.p50': '>= 300ms', 'tokens.min': 50, 'tokens.max': '<= 50', goodput: '> 0/s', byName: { chat: { 'ttft.max': '>= 300ms' } } } }, [{
    name: 's', flow: [{ stream: { openai: true, name: 'chat', url: '/v1/chat/completions?ttft_ms=300&token_ms=20&tokens=50', json: { model: 'm', stream: true, messages: [] } } }],
  }]);
  const chat = named(r, 'chat')!;
  assert.equal(chat.ok, 3, JSON.stringify(chat.outcomes));
  assert.equal(named(r, 'stream_tokens', 'chat')!.latencyMs.max, 50);
  assert.equal(named(r, 'stream_tokens', 'chat')!.latencyMs.min, 50);
  assert.equal(r.summary.counters.stream_tokens_total, 150);
  assert.ok(named(r, 'stream_ttft', 'chat')!.latencyMs.min >= 300);
  assert.equal(named(r, 'stream_ttfb', 'chat')!.count, 3);
  assert.ok(named(r, 'stream_tpot', 'chat')!.latencyMs.min >= 19);
  assert.equal(named(r, 'stream_itl', 'chat')!.count, 3 * 49);
  assert.ok(chat.latencyMs.min >= 300 + 49 * 19);
  // The parts of a stream are not requests of their own: overall counts the three streams only.
  assert.equal(r.summary.overall.count, 3);
  assert.deepEqual(r.expectations.map((e) => [e.name, e.isPass]), [
    ['ttft.p50', true], ['tokens.min', true], ['tokens.max', true], ['goodput', true], ['chat: ttft.max', true],
  ]);
});

test('usage.completion_tokens is the total when the server sends it; ndjson and whitespace splitting count too', async (t) => {
  const s = await sim(t);
  const r = await runInline({ target: s.url, ...once(1) }, [{
    name: 's', flow: [
      { stream: { openai: true, name: 'usage', url: '/v1/chat/completions?ttft_ms=5&token_ms=1&tokens=7', json: { stream: true, stream_options: { include_usage: true } } } },
      { stream: { name: 'nd', format: 'ndjson', url: '/v1/chat/completions?ttft_ms=5&token_ms=1&tokens=9&format=ndjson', json: { stream: true }, tokens: { text: 'choices[0].delta.content', split: 'whitespace' } } },
    ],
  }]);
  assert.equal(named(r, 'usage')!.ok, 1, JSON.stringify(named(r, 'usage')!.outcomes));
  assert.equal(named(r, 'stream_tokens', 'usage')!.latencyMs.max, 7);
  assert.equal(named(r, 'nd')!.ok, 1, JSON.stringify(named(r, 'nd')!.outcomes));
  assert.equal(named(r, 'stream_tokens', 'nd')!.latencyMs.max, 9);
});

test('a 1 s stall shows as ITL max ≥ 1 s, and fails a step with maxGap: 500ms as stalled', async (t) => {
  const s = await sim(t);
  const url = '/v1/chat/completions?ttft_ms=10&token_ms=5&tokens=10&stall_at=5&stall_ms=1000';
  const r = await runInline({ target: s.url, ...once(1), expect: { 'itl.max': '>= 1000ms', byName: { guarded: { maxErrors: 0 } } } }, [{
    name: 's', flow: [
      { stream: { openai: true, name: 'free', url, json: { stream: true } } },
      { stream: { openai: true, name: 'guarded', url, json: { stream: true }, maxGap: '500ms' } },
    ],
  }]);
  assert.equal(named(r, 'free')!.ok, 1);
  assert.ok(named(r, 'stream_itl', 'free')!.latencyMs.max >= 1000);
  assert.deepEqual(named(r, 'guarded')!.outcomes.failed, { stalled: 1 });
  assert.deepEqual(r.expectations.map((e) => [e.name, e.isPass]), [['itl.max', true], ['guarded: maxErrors', false]]);
});

test('bad input ends as a failed stream with its reason: HTML, a malformed SSE line, a path that never matches, an endless stream, no terminator', async (t) => {
  const s = await sim(t);
  const base = '/v1/chat/completions?ttft_ms=5&token_ms=5&tokens=5';
  const step = (name: string, query: string, extra: Record<string, unknown> = {}) =>
    ({ stream: { openai: true, name, url: `${base}${query}`, json: { stream: true }, ...extra } });
  const r = await runInline({ target: s.url, ...once(1) }, [{
    name: 's', flow: [
      step('html', '&format=html'),
      step('malformed', '&format=malformed'),
      step('nopath', '', { tokens: { text: 'choices[0].delta.nothing' } }),
      step('endless', '&format=endless&token_ms=2', { maxDuration: '400ms' }),
      step('nodone', '&format=nodone'),
      { stream: { openai: true, name: 'slow', url: '/v1/chat/completions?ttft_ms=2000', json: { stream: true }, timeout: '200ms' } },
    ],
  }]);
  const failed = (n: string) => named(r, n)!.outcomes.failed;
  assert.deepEqual(failed('html'), { bad_stream: 1 });
  assert.deepEqual(failed('malformed'), { bad_stream: 1 });
  assert.deepEqual(failed('nopath'), { no_tokens: 1 });
  assert.deepEqual(failed('endless'), { timeout: 1 });
  assert.ok(named(r, 'stream_itl', 'endless')!.count > 10, 'the endless stream was read until maxDuration');
  assert.deepEqual(failed('nodone'), { ended_early: 1 });
  assert.deepEqual(failed('slow'), { timeout: 1 });
  assert.equal(r.summary.overall.count, 6);
});

test('one flow mixes http and stream steps; a capture from the stream feeds the next request', async (t) => {
  const s = await sim(t);
  const r = await runInline({ target: s.url, ...once(2) }, [{
    name: 'mixed', flow: [
      { get: { url: '/api/v1/health', name: 'health' } },
      { stream: { openai: true, name: 'chat', url: '/v1/chat/completions?ttft_ms=5&token_ms=1&tokens=4', json: { stream: true }, capture: { json: 'choices[0].finish_reason', as: 'why' } } },
      { get: { url: '/api/v1/health?why={{ why }}', name: 'after' } },
    ],
  }]);
  assert.equal(named(r, 'health')!.ok, 2);
  assert.equal(named(r, 'chat')!.ok, 2, JSON.stringify(named(r, 'chat')!.outcomes));
  assert.equal(named(r, 'after')!.ok, 2);
});

test('memory stays bounded: a 4 MB SSE line with no end is bad_stream at maxEventSize; an unterminated NDJSON line too; 429 counts as rate_limited', async (t) => {
  let written = 0;
  const server = await startHttpServer((req, res) => {
    if (req.url === '/limited') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      return void res.end('{"error":"slow down"}');
    }
    res.writeHead(200, { 'content-type': req.url === '/ndjson' ? 'application/x-ndjson' : 'text/event-stream' });
    const line = (req.url === '/ndjson' ? '{"a":"' : 'data: ') + 'x'.repeat(64 * 1024);
    let n = 0;
    const pump = (): void => {
      while (n < 64 && !res.destroyed) {
        n++;
        written += line.length;
        if (!res.write(line)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  t.after(() => server.close());
  const r = await runInline({ target: server.url, ...once(1) }, [{
    name: 's', flow: [
      { stream: { name: 'sse', url: '/sse', maxEventSize: 256 * 1024 } },
      { stream: { name: 'nd', url: '/ndjson', format: 'ndjson', maxEventSize: 256 * 1024 } },
      { stream: { name: 'limited', url: '/limited', outcomes: { rate_limited: { status: [429] } } } },
    ],
  }]);
  assert.deepEqual(named(r, 'sse')!.outcomes.failed, { bad_stream: 1 });
  assert.deepEqual(named(r, 'nd')!.outcomes.failed, { bad_stream: 1 });
  assert.deepEqual(named(r, 'limited')!.outcomes.expected, { rate_limited: 1 });
  assert.ok(written > 0);
});

test('capture reads the concatenated token text (regex) and the last JSON event; until: { tokens: N } ends an endless stream ok', async (t) => {
  const server = await startHttpServer((req, res) => {
    if (req.url === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': a comment line\nretry: 1000\n\n');
      res.write('id: 1\ndata: {"t":"hello",\ndata: "n":1}\n\n');
      res.write('event: message\ndata: {"t":" world","n":2}\n\n');
      return void res.end('data: [DONE]\n\n');
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  }, { record: true });
  const s = await sim(t);
  t.after(() => server.close());
  const r = await runInline({ target: server.url, ...once(1) }, [{
    name: 's', flow: [
      { stream: { name: 'text', url: '/sse', until: 'data == "[DONE]"', tokens: { text: 't', split: 'whitespace' },
        capture: [{ regex: '^(\\w+) (\\w+)$', group: 2, as: 'second' }, { json: 'n', as: 'n' }] } },
      { get: { url: '/echo?second={{ second }}&n={{ n }}', name: 'echo' } },
      { stream: { name: 'realtime', url: `${s.gatewayUrl}/realtime/events`, until: { tokens: 1 },
        expect: { json: [{ path: 'connection_id', matches: '^[0-9a-f-]{36}$' }] } } },
    ],
  }]);
  assert.equal(named(r, 'text')!.ok, 1, JSON.stringify(named(r, 'text')!.outcomes));
  // Multi-line data joins with "\n" (WHATWG): the first event is one JSON value split over two data lines.
  assert.equal(named(r, 'stream_tokens', 'text')!.latencyMs.max, 2);
  assert.ok(server.requests.some((q) => q.url === '/echo?second=world&n=2'), JSON.stringify(server.requests.map((q) => q.url)));
  assert.equal(named(r, 'realtime')!.ok, 1, JSON.stringify(named(r, 'realtime')!.outcomes));
});
