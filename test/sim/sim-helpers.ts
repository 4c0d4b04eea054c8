/**
 * Helpers for the sim's tests: a real sim on 127.0.0.1 port 0, closed in
 * t.after, and small fetch wrappers for JSON-RPC calls.
 */

import type { TestContext } from 'node:test';
import { startSim, type SimConfigInput, type SimHandle } from '../../src/sim/start-sim.ts';

/**
 * The settings these unit tests exercise: the seed-compat request shapes plus
 * the extensions that used to be on by default (a generous token bucket, a
 * 1 MiB body limit). Upstream's own behaviour is covered by golden.test.ts.
 */
export const SEED_TEST_CONFIG: SimConfigInput = {
  seedCompat: true, rateLimit: { ratePerSec: 1000, burst: 2000 }, bodyLimitBytes: 1_048_576,
};

/** Starts a sim (SEED_TEST_CONFIG, then `config`) on a free port and closes it when `t` ends. */
export async function startTestSim(t: TestContext, config: SimConfigInput = {}): Promise<SimHandle> {
  const sim = await startSim({ port: 0, ...SEED_TEST_CONFIG, ...config });
  t.after(() => sim.close());
  return sim;
}

/** A parsed HTTP answer. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body; `any` because tests read arbitrary JSON-RPC shapes and assert on them. */
  json: any;
}

/** POSTs a raw body to /api/v1/jsonrpc. */
export async function post(sim: SimHandle, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${sim.url}/api/v1/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

let nextId = 1;

/** Calls one JSON-RPC method with a fresh numeric id. */
export function rpc(sim: SimHandle, method: string, params?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return post(sim, JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }), headers);
}

/** GETs a path. */
export async function get(sim: SimHandle, path: string): Promise<Answer> {
  const res = await fetch(`${sim.url}${path}`);
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Reads one sample's value from Prometheus text, or null when absent. */
export function metricValue(text: string, sample: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith(sample + ' ')) return Number(line.slice(sample.length + 1));
  }
  return null;
}
