/**
 * The `artillery-engine` engine: runs the scenarios of Artillery custom
 * engines (packages `artillery-engine-<name>`, found when the plan was read:
 * src/engine/plan/artillery/artillery-custom-engine.ts) through Artillery's
 * engine API, on agentload's scheduler and metrics.
 *
 * At init each engine a step names is imported and constructed as Artillery
 * does, `new Engine(script, ee, helpers)`: `script` is the script's config as
 * written (the run's target in `config.target`, the processor module loaded
 * in `config.processor`) with its scenarios, `helpers` Artillery's helpers
 * (artillery-helpers.ts); an async `init()` is awaited. A constructor that
 * throws stops the run before the first user (AGENTLOAD_E_ENGINE_LOAD).
 *
 * A scenario's function comes from `createScenario(spec, events)` at its
 * first user. Each user calls it once, `fn(context, callback)`, recorded as
 * one request under the scenario's name: latency from the user's scheduled
 * start to the callback, failed as `artillery_engine_error` when the
 * callback gets an error or the function throws (the user then counts in
 * vusers_failed). `events` turns what the engine emits ('counter',
 * 'histogram', 'summary', 'rate', 'error') into named metrics, as the
 * processor's do; 'started' and anything else are only passed to listeners.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Engine, Recorder, RunContext, StepCompileContext, StepInput, VirtualUser } from '../../engine/contracts.ts';
import { PlanError } from '../../engine/errors.ts';
import { ensureTypeScriptLoader, isTypeScriptFile } from '../../engine/module-form.ts';
import { HookEvents } from '../../engine/processor/hook-events.ts';
import { artilleryHelpers, template, type ArtilleryContext, type ArtilleryStep } from './artillery-helpers.ts';

/** The key the plan reader puts the engines on (its ARTILLERY_ENGINE_SET). */
const ENGINE_SET = Symbol.for('agentload.artilleryEngines');
const FAILED = 'artillery_engine_error';

/** What the plan reader left on the config. */
interface EngineSet {
  readonly engines: Readonly<Record<string, string>>;
  readonly script: { readonly config: Record<string, unknown> };
  readonly scenarios: Readonly<Record<number, Record<string, unknown>>>;
  readonly processorFile: string | null;
}

interface ArtilleryEngineInstance {
  createScenario(spec: Record<string, unknown>, ee: EventEmitter): (context: ArtilleryContext, callback: (err: unknown, context?: unknown) => void) => void;
  init?: () => Promise<void> | void;
}

/** A compiled `artilleryScenario` step. */
export interface ScenarioStep {
  readonly index: number;
  readonly handle: number;
}

const FUNCS: Readonly<Record<string, (...args: unknown[]) => unknown>> = Object.freeze({
  $randomNumber: (min: unknown, max: unknown): number => Math.floor(Number(min) + Math.random() * (Number(max) - Number(min) + 1)),
  $randomString: (length: unknown = 10): string => {
    const abc = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    let s = '';
    while (s.length < Number(length)) s += abc.charAt((Math.random() * abc.length) | 0);
    return s;
  },
});

/** See the module comment. */
export class ArtilleryEngineAdapter implements Engine<ScenarioStep, null> {
  readonly id = 'artillery-engine';
  readonly stepKeys = ['artilleryScenario'];
  private sink: Recorder | null = null;
  private nowUs: () => number = () => 0;
  private set: EngineSet | null = null;
  private events: HookEvents | null = null;
  private readonly instances = new Map<string, ArtilleryEngineInstance>();
  private readonly functions = new Map<number, ArtilleryStep>();
  private target = '';
  private isClosing = false;

  compileStep(_key: string, step: StepInput, ctx: StepCompileContext): ScenarioStep {
    const index = step.artilleryScenario;
    const set = (ctx.config as unknown as Record<symbol, unknown>)[ENGINE_SET] as EngineSet | undefined;
    if (typeof index !== 'number' || set?.scenarios[index] === undefined) {
      ctx.fail('artilleryScenario steps are written by agentload for Artillery custom-engine scenarios (engine: <name> with config.engines.<name>); write the scenario as Artillery does', ctx.yamlPath);
    }
    return { index, handle: ctx.sink.handle(ctx.scenarioName) };
  }

  async init(run: RunContext): Promise<void> {
    const set = (run.config as unknown as Record<symbol, unknown>)[ENGINE_SET] as EngineSet | undefined;
    // A plan without custom-engine scenarios loads nothing.
    if (set === undefined || Object.keys(set.scenarios).length === 0) return;
    this.sink = run.sink;
    this.nowUs = () => run.nowUs();
    this.set = set;
    // No target of agentload's (every scenario is the engine's, its target no URL): the script's own.
    this.target = run.target !== '' ? run.target : (typeof set.script.config.target === 'string' ? set.script.config.target : '');
    this.events = new HookEvents(run.sink);
    const config: Record<string, unknown> = { ...structuredClone(set.script.config), target: this.target };
    if (set.processorFile !== null) config.processor = await importModule(set.processorFile, 'processor');
    const script = { config, scenarios: Object.values(set.scenarios) };
    const names = new Set(Object.values(set.scenarios).map((s) => String(s.engine)));
    for (const name of names) {
      const file = set.engines[name];
      if (file === undefined) continue; // reported when the plan was read
      const mod = await importModule(file, `engine ${name}`);
      const Ctor = (typeof mod.default === 'function' ? mod.default : mod) as unknown as new (...a: unknown[]) => ArtilleryEngineInstance;
      let instance: ArtilleryEngineInstance;
      try {
        instance = new Ctor(script, new EventEmitter(), artilleryHelpers(Math.random));
        if (typeof instance.init === 'function') await instance.init();
      } catch (e) {
        throw new PlanError('AGENTLOAD_E_ENGINE_LOAD', `Artillery engine "${name}" (${file}) failed to start: ${firstLine(e)}`, { cause: e });
      }
      if (typeof instance.createScenario !== 'function') throw new PlanError('AGENTLOAD_E_ENGINE_LOAD', `Artillery engine "${name}" (${file}) has no createScenario(spec, ee) method (Artillery's engine API)`);
      this.instances.set(name, instance);
    }
  }

  openSession(): null {
    return null;
  }

  runStep(step: ScenarioStep, vu: VirtualUser<null>): void {
    const sink = this.sink!;
    let isDone = false;
    const end = (err: unknown): void => {
      if (isDone) return;
      isDone = true;
      if (this.isClosing) sink.abandoned(step.handle);
      else {
        sink.recordLatency(step.handle, this.nowUs() - vu.scheduledUs);
        if (err === null || err === undefined) sink.ok(step.handle);
        else {
          sink.failed(step.handle, FAILED, err instanceof Error ? err : describe(err));
          vu.failScenario();
        }
      }
      vu.resume();
    };
    try {
      this.scenarioFunction(step.index)(this.contextOf(vu, step.index), (err) => end(err));
    } catch (e) {
      end(e ?? new Error('the engine threw'));
    }
  }

  /** The scenario's function, made at its first user (Artillery makes them at the first arrival too). */
  private scenarioFunction(index: number): ArtilleryStep {
    let fn = this.functions.get(index);
    if (fn === undefined) {
      const spec = structuredClone(this.set!.scenarios[index]!);
      const instance = this.instances.get(String(spec.engine));
      if (instance === undefined) throw new Error(`Artillery engine "${String(spec.engine)}" is not loaded`);
      fn = instance.createScenario(spec, this.events!) as ArtilleryStep;
      if (typeof fn !== 'function') throw new Error(`Artillery engine "${String(spec.engine)}": createScenario returned no function`);
      this.functions.set(index, fn);
    }
    return fn;
  }

  /** Artillery's initial context: the user's variables (with target, $env, $uuid) and the template functions. */
  private contextOf(vu: VirtualUser, index: number): ArtilleryContext {
    const vars = vu.vars as Record<string, unknown>;
    const uid = randomUUID();
    if (!Object.hasOwn(vars, 'target')) vars.target = this.target;
    vars.$env ??= process.env;
    vars.$processEnvironment ??= process.env;
    vars.$uuid = uid;
    const context: ArtilleryContext = { vars, funcs: { ...FUNCS }, scenario: this.set!.scenarios[index], _uid: uid };
    context.funcs.$template = (input: unknown) => template(input, context);
    return context;
  }

  closeSession(): void {}

  close(): Promise<void> {
    this.isClosing = true;
    return Promise.resolve();
  }
}

async function importModule(file: string, label: string): Promise<Record<string, unknown>> {
  try {
    if (isTypeScriptFile(file)) await ensureTypeScriptLoader();
    const ns = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    // Artillery's form: a plain object of the module's exports (CommonJS arrives as `default`).
    const cjs = ns.default;
    return typeof cjs === 'function' ? { ...ns } : { ...(cjs !== null && typeof cjs === 'object' ? (cjs as Record<string, unknown>) : {}), ...ns };
  } catch (e) {
    throw new PlanError('AGENTLOAD_E_ENGINE_LOAD', `Artillery ${label} (${file}) could not be loaded: ${firstLine(e)}`, { cause: e });
  }
}

/** What a callback's error was, when it is no Error (Artillery engines call back codes and objects too). */
function describe(err: unknown): string {
  return typeof err === 'string' ? err : (JSON.stringify(err) ?? typeof err);
}

function firstLine(e: unknown): string {
  return (e as Error)?.message?.split('\n')[0] ?? String(e);
}
