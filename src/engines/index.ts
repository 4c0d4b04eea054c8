/**
 * The built-in engines. src/engine never imports a concrete engine; the CLI
 * asks this module for fresh instances (engines keep per-run state) and
 * registers them in the run's PluginRegistry, the same registry external
 * engines (`agentload-engine-<id>`, plan-relative modules) go through.
 */
import type { Engine } from '../engine/contracts.ts';
import type { PluginRegistrar } from '../engine/contracts.ts';
import { HttpEngine } from './http/http-engine.ts';
import { ToolRpcEngine } from './tool-rpc/tool-rpc-engine.ts';
import { WsEngine } from './ws/ws-engine.ts';
import { SocketioEngine } from './socketio/socketio-engine.ts';
import { StreamEngine } from './stream/stream-engine.ts';
import { McpEngine } from './mcp/mcp-engine.ts';
import { PlaywrightEngine } from './playwright/playwright-engine.ts';
import { ArtilleryEngineAdapter } from './artillery-engine/artillery-engine-adapter.ts';

/** Fresh instances of every built-in engine, for one run. One line per engine. */
export function builtinEngines(): Engine[] {
  return [
    new HttpEngine(),
    new ToolRpcEngine(),
    new WsEngine(),
    new StreamEngine(),
    new McpEngine(),
    new SocketioEngine(),
    new PlaywrightEngine(),
    new ArtilleryEngineAdapter(),
  ];
}

/** Registers fresh built-in engines into a run's registry (source "built-in"). */
export function registerBuiltinEngines(registry: PluginRegistrar): void {
  for (const engine of builtinEngines()) registry.addEngine(engine, 'built-in');
}
