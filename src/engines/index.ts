/**
 * The built-in engines. src/engine never imports a concrete engine; the CLI
 * asks this module for fresh instances (engines keep per-run state).
 */
import type { Engine } from '../engine/contracts.ts';
import { HttpEngine } from './http/http-engine.ts';

/** Fresh instances of every built-in engine, for one run. */
export function builtinEngines(): Engine[] {
  return [new HttpEngine() as Engine];
}
