/**
 * Starting and stopping a sim in this process: the API tests use, and what
 * `agentload sim` (src/sim/sim-command.ts) runs.
 *
 * It stands alone: nothing under src/sim imports src/engine except
 * src/engine/errors.ts, so the sim can run as a separate process for a run.
 */

import type { Server } from 'node:http';
import { RunError } from '../engine/errors.ts';
import { A2aState } from './a2a/a2a-state.ts';
import { AgentStore } from './agent-store.ts';
import { GatewayState } from './gateway/gateway-state.ts';
import { Chaos } from './chaos.ts';
import { createGatewayServer, createSimServer } from './http-server.ts';
import { SimMetrics } from './metrics.ts';
import { QuotaBook } from './quotas.ts';
import { RateLimiter } from './rate-limiter.ts';
import { withPenalty } from './limiter-penalty.ts';
import type { SimContext } from './sim-context.ts';
import { resolveSimConfig, type SimConfig, type SimConfigInput } from './sim-config.ts';
import { TaskStore } from './task-store.ts';
import { WsHub } from './ws-events.ts';

/** Re-exported so callers need one import for the sim's public API (types documented in sim-config.ts). */
export type { SimConfig, SimConfigInput } from './sim-config.ts';
/** Re-exported: config resolution and defaults (documented in sim-config.ts). */
export { resolveSimConfig, DEFAULT_SIM_CONFIG } from './sim-config.ts';

/** A running sim. `close()` is idempotent and resolves once every socket is gone. */
export interface SimHandle {
  /** Base URL, e.g. http://127.0.0.1:8001 (no trailing slash). */
  url: string;
  /** The bound port (the real one when config.port was 0). */
  port: number;
  /** Base URL of the HTTP gateway's routes: `url` unless config.gatewayPort puts them on a port of their own. */
  gatewayUrl: string;
  /** The resolved settings the sim runs with. */
  config: SimConfig;
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const message = err.code === 'EADDRINUSE'
        ? `port ${port} on ${host} is in use`
        : `cannot listen on ${host}:${port}: ${err.code ?? err.message}`;
      reject(new RunError('AGENTLOAD_E_SIM_START', message, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Starts a sim with already-resolved settings. Throws RunError
 * AGENTLOAD_E_SIM_START when the port cannot be bound (e.g. in use).
 */
export async function startResolvedSim(config: SimConfig): Promise<SimHandle> {
  const startMs = performance.now();
  const chaos = new Chaos(config, startMs);
  const limiter = config.rateLimit === null ? null : withPenalty(new RateLimiter(config.rateLimit), config.rateLimit.penaltyMs);
  let hub: WsHub | null = null;
  const wsActive = (): number => hub?.active ?? 0;
  const metrics = new SimMetrics({
    wsActive,
    leakedBytes: () => chaos.leakedBytes,
    isDegraded: () => chaos.isDegraded(performance.now()),
  });
  hub = new WsHub(config, metrics);
  const sim: SimContext = {
    config, metrics, limiter, chaos, startMs, wsActive,
    quotas: new QuotaBook(config.quotas),
    agents: new AgentStore(config.maxRecords),
    tasks: new TaskStore(config.maxRecords),
    a2a: new A2aState(config.maxRecords),
    gateway: new GatewayState(config.gatewayLimits),
  };
  const server = createSimServer(sim);
  const wsHub = hub;
  server.on('upgrade', (req, socket, head) => wsHub.handleUpgrade(req, socket, head, false));
  const gatewayServer = config.gatewayPort === null ? null : createGatewayServer(sim);
  gatewayServer?.on('upgrade', (req, socket, head) => wsHub.handleUpgrade(req, socket, head, true));

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (gatewayServer !== null) {
        const gatewayClosed = new Promise<void>((resolve) => gatewayServer.close(() => resolve()));
        gatewayServer.closeAllConnections();
        await gatewayClosed;
      }
      await wsHub.close();
      await serverClosed;
      limiter?.close();
      sim.gateway.close();
      chaos.close();
      metrics.registry.clear();
    })();
    return closing;
  };

  let port: number;
  let gatewayPort: number | null = null;
  try {
    port = await listen(server, config.port, config.host);
    if (gatewayServer !== null) gatewayPort = await listen(gatewayServer, config.gatewayPort!, config.host);
  } catch (err) {
    await close();
    throw err;
  }
  const url = `http://${urlHost(config.host)}:${port}`;
  const gatewayUrl = gatewayPort === null ? url : `http://${urlHost(config.host)}:${gatewayPort}`;
  return { url, port, gatewayUrl, config, close };
}

/**
 * Starts a sim in this process. `config` takes any subset of the sim keys
 * (docs/sim.md); it is validated like a config file, so a bad key throws
 * UsageError AGENTLOAD_E_SIM_CONFIG, and a port in use throws RunError
 * AGENTLOAD_E_SIM_START. Use port 0 for a free port (the default is 8001).
 */
export async function startSim(config: SimConfigInput = {}): Promise<SimHandle> {
  return startResolvedSim(resolveSimConfig(config, 'startSim'));
}
