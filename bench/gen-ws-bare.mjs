/**
 * Benchmark child: the floor for the WebSocket message case — N `ws` clients,
 * each sending a text message and sending the next as soon as the echo
 * arrives, with none of agentload's plan, VU or metric machinery. The same
 * shape as gen-agentload's ws mode: a latency recorded per round trip.
 * Usage: gen-ws-bare.mjs WS_URL CONNECTIONS SECONDS; prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { newHistogram, recordUs } from '../dist/engine/metrics/histogram.js';

const [url, nStr, secStr] = process.argv.slice(2);
const n = Number(nStr);
const seconds = Number(secStr);
const MESSAGE = 'bench-message';
const latency = newHistogram();
let done = 0;
let isMeasuring = false;
let isStopped = false;

function client() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    let sentAt = 0;
    const send = () => {
      sentAt = performance.now();
      ws.send(MESSAGE);
    };
    ws.on('open', () => { send(); resolve(); });
    ws.on('error', reject);
    ws.on('message', () => {
      if (isMeasuring) { done++; recordUs(latency, (performance.now() - sentAt) * 1000); }
      if (isStopped) ws.close(); else send();
    });
  });
}

await Promise.all(Array.from({ length: n }, client));
isMeasuring = true;
const cpu0 = process.cpuUsage();
await new Promise((r) => setTimeout(r, seconds * 1000));
isMeasuring = false;
isStopped = true;
const cpu = process.cpuUsage(cpu0);
const cpuSec = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ rps: done / seconds, count: done, cpuSec, cpuSecPer100k: done ? (cpuSec / done) * 1e5 : null, p99Ms: latency.getValueAtPercentile(99) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
process.exit(0);
