/**
 * Benchmark child: autocannon run through its API in this process, so its
 * CPU-seconds and peak RSS are measured the way gen-agentload.mjs measures
 * agentload's (process.cpuUsage over the run, process.resourceUsage().maxRSS
 * at the end). Prints one JSON line.
 * Usage: gen-autocannon.mjs URL CONNECTIONS SECONDS [JSON_BODY]  (a body makes it a POST)
 */
import autocannon from 'autocannon';

const [url, nStr, secStr, body] = process.argv.slice(2);
const n = Number(nStr);
const seconds = Number(secStr);
const opts = { url, connections: n, duration: seconds, pipelining: 1 };
if (body) Object.assign(opts, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const cpu0 = process.cpuUsage();
const r = await autocannon(opts);
const cpu = process.cpuUsage(cpu0);
const cpuSec = (cpu.user + cpu.system) / 1e6;
const count = r.requests.total;
process.stdout.write(`${JSON.stringify({
  rps: count / seconds, count, errors: r.errors + r.non2xx, cpuSec, cpuSecPer100k: count ? (cpuSec / count) * 1e5 : null,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
})}\n`);
