/**
 * A type test, checked by `tsc --noEmit` in `npm test`: the example plugins
 * are plugin modules under the public contract (src/index.ts), with their
 * engine's step and session types flowing through Engine<StepConfig, Session>
 * without a cast. Breaking the contract breaks this file's compile.
 */
import * as echoModule from '../../examples/echo-engine.ts';
import * as countModule from '../../examples/count-reporter.ts';
import type { Engine, EngineFactory, PluginModule, ReporterFactory } from '../../src/index.ts';

export const echoIsAPluginModule: PluginModule = echoModule;
export const countIsAPluginModule: PluginModule = countModule;
export const echoFactory: EngineFactory = echoModule.createEngine;
export const countFactory: ReporterFactory = countModule.createReporter;
/** The concrete engine is an Engine of its own step and session, and an Engine of anything. */
export const echoEngine: Engine = new echoModule.EchoEngine(1, 0);
