/**
 * Benchmark child: the floor for tool calls — undici POSTing one JSON body in
 * a closed loop, with nothing read from the answers and none of agentload's
 * plan, VU, classification or metric machinery. It measures what undici plus
 * the kernel cost per POST, so the tool-rpc case can split agentload's
 * distance to autocannon into undici's share and agentload's own.
 * The leanest loop undici allows: one Client per connection, each handler
 * dispatching its next request on its own Client (a Pool scans its clients
 * per dispatch), undici's own timeouts off (timers per request). With a Pool
 * and 30 s timeouts the same loop cost 1.20-1.25 x autocannon's CPU per POST
 * side by side; this one about 1.0 x.
 * Measured like gen-autocannon.mjs: the whole run, connecting included, CPU
 * from process.cpuUsage().
 * Usage: gen-undici-post.mjs URL CONNECTIONS SECONDS JSON_BODY; prints one JSON line.
 */
import { Client } from 'undici';

const [url, nStr, secStr, bodyText] = process.argv.slice(2);
const n = Number(nStr);
const seconds = Number(secStr);
const u = new URL(url);
const opts = { path: u.pathname, method: 'POST', headers: ['content-type', 'application/json'], body: Buffer.from(bodyText), headersTimeout: 0, bodyTimeout: 0 };
let done = 0;
let errors = 0;
let isRunning = true;

class Exchange {
  status = 0;
  constructor(client) { this.client = client; }
  onConnect() {}
  onHeaders(status) { this.status = status; return true; }
  onData() { return true; }
  onComplete() {
    if (this.status >= 400) errors++;
    done++;
    if (isRunning) this.client.dispatch(opts, this);
  }
  onError() {
    // The calls in flight when the run ends are destroyed with their clients: not errors.
    if (!isRunning) return;
    errors++;
    this.client.dispatch(opts, this);
  }
  onUpgrade() {}
}

const cpu0 = process.cpuUsage();
const clients = [];
for (let i = 0; i < n; i++) {
  const client = new Client(u.origin, { keepAliveTimeout: 30_000 });
  clients.push(client);
  client.dispatch(opts, new Exchange(client));
}
await new Promise((r) => setTimeout(r, seconds * 1000));
isRunning = false;
const cpu = process.cpuUsage(cpu0);
const cpuSec = (cpu.user + cpu.system) / 1e6;
await Promise.all(clients.map((c) => c.destroy().catch(() => {})));
process.stdout.write(`${JSON.stringify({ rps: done / seconds, count: done, errors, cpuSec, cpuSecPer100k: done ? (cpuSec / done) * 1e5 : null, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
