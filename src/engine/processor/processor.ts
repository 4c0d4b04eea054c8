/**
 * A plan's processor at run time: resolves the names the plan gives
 * (`function:`, `beforeRequest`, `afterResponse`, `beforeScenario`,
 * `afterScenario`) to the module's functions at compile time, and runs them
 * with Artillery's arguments:
 *
 *   function / beforeScenario / afterScenario   (context, events, next)
 *   beforeRequest                               (req, context, events, next)
 *   afterResponse                               (req, res, context, events, next)
 *
 * `context` is one object per virtual user (made at its first hook):
 * `vars` is the user's own variables object, so what a hook writes there is
 * what later templates read. A hook that throws, rejects or calls next(err)
 * ends that user's scenario as failed (vusers_failed): counted in
 * `processor_errors` and `processor_errors:<function>`, its first message per
 * function logged. The run goes on.
 *
 * Built only for plans with `config.processor`: a plan without one has no
 * Processor, and nothing here is on its path.
 */
import { randomUUID } from 'node:crypto';
import { callHook, type HookFunction } from './call-hook.ts';
import { HookEvents, type HookMetrics } from './hook-events.ts';
import type { ProcessorModule } from './load-processor.ts';
import type { VuVars } from '../contracts.ts';
import { PROCESSOR_ERRORS } from '../metrics/names.ts';
import { stripVTControlCharacters } from 'node:util';


/** What a hook needs of a virtual user; the runner's Vu implements it. */
export interface HookUser {
  readonly id: number;
  readonly vars: VuVars;
  /** The scenario's name, for `context.scenario.name`. */
  readonly scenarioName: string;
  /** The user's hook context, made at its first hook; the runner resets it to null for each new user. */
  hookContext: HookContext | null;
  resume(): void;
  log(line: string): void;
  /** Ends the scenario as failed at the next step boundary (vusers_failed). */
  failScenario(): void;
}

/** Artillery's `context`. */
export interface HookContext {
  vars: VuVars;
  scenario: { name: string };
  _uid: string;
  funcs: Record<string, unknown>;
}

/** A resolved function and the name it was given by (for counters and messages). */
export interface NamedHook {
  readonly name: string;
  readonly fn: HookFunction;
}

/** How a compile-time lookup reports a name the module does not export (a located PlanError). */
export type HookFail = (message: string, yamlPath: string) => never;

const FUNCS = Object.freeze({
  $randomNumber: (min: number, max: number): number => Math.floor(min + Math.random() * (max - min + 1)),
  $randomString: (length = 10): string => {
    const abc = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    let s = '';
    while (s.length < length) s += abc.charAt((Math.random() * abc.length) | 0);
    return s;
  },
});

/** See the module comment. One per compiled plan (so one per worker thread). */
export class Processor {
  readonly events: HookEvents;
  /** `context.vars.target` for hooks; the runner sets the resolved target (sim URL, --target) before the first user. */
  target: string;
  private readonly loggedFailures = new Set<string>();

  constructor(private readonly module: ProcessorModule, private readonly sink: HookMetrics, target: string) {
    this.events = new HookEvents(sink);
    this.target = target;
  }

  /** The processor file's absolute path, when the plan has one (not only plugins' functions). */
  get file(): string | undefined {
    return this.module.file;
  }

  /** The function `name` (compile time); a located error when the module does not export it. */
  resolve(name: unknown, yamlPath: string, fail: HookFail): NamedHook {
    if (typeof name !== 'string' || name === '') fail(`expected a function name, got ${JSON.stringify(name)}`, yamlPath);
    const fn = this.module.functions.get(name);
    if (fn === undefined) {
      const known = [...this.module.functions.keys()];
      fail(`processor ${this.module.source} exports no function "${name}"; it exports ${known.length === 0 ? 'no functions' : known.join(', ')}`, yamlPath);
    }
    return { name, fn };
  }

  /** `names` as written (a name or a list) resolved in order; empty when absent. */
  resolveList(names: unknown, yamlPath: string, fail: HookFail): NamedHook[] {
    if (names === undefined) return [];
    if (!Array.isArray(names)) return [this.resolve(names, yamlPath, fail)];
    return names.map((n, i) => this.resolve(n, `${yamlPath}[${i}]`, fail));
  }

  /**
   * Artillery's `ifTrue: "name"` when the module exports `name`: a function
   * called with the user's variables, whose return value (truthy or not)
   * decides, synchronously, as in Artillery. One that throws is that user's
   * failure like any hook's (Artillery would send the request anyway).
   * Null when the module exports no such name (then ifTrue is an expression).
   */
  predicate(name: string): ((vars: VuVars, user: object) => boolean) | null {
    const fn = this.module.functions.get(name);
    if (fn === undefined) return null;
    return (vars, user) => {
      try {
        return Boolean(fn(vars));
      } catch (e) {
        this.fail(user as HookUser, name, e);
        return false;
      }
    };
  }

  /**
   * Artillery's loop `whileTrue`: calls `hook` as `(context, next)` after an
   * iteration; `next(true)` goes on, `next(false)` (or any falsy value) ends
   * the loop. A function that returns a promise and calls no `next` decides
   * by what the promise resolves to. A throw or a rejection fails the user's
   * scenario, as any hook; then `done(false)`.
   */
  runLoopCheck(hook: NamedHook, vu: HookUser, done: (isGoingOn: boolean) => void): void {
    const ctx = this.contextOf(vu);
    let isDone = false;
    const end = (isGoingOn: boolean): void => {
      if (isDone) return;
      isDone = true;
      done(isGoingOn);
    };
    const failed = (e: unknown): void => {
      if (isDone) return;
      this.fail(vu, hook.name, e);
      end(false);
    };
    let result: unknown;
    try {
      result = hook.fn(ctx, (v: unknown) => end(Boolean(v)));
    } catch (e) {
      return failed(e);
    }
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then((v) => end(Boolean(v)), (e: unknown) => failed(e ?? new Error('the whileTrue promise was rejected without a reason')));
    }
  }

  /** The user's `context`, made once per user. */
  contextOf(vu: HookUser): HookContext {
    let ctx = vu.hookContext;
    if (ctx === null) {
      const vars = vu.vars;
      if (!Object.hasOwn(vars, 'target')) vars.target = this.target;
      ctx = { vars, scenario: { name: vu.scenarioName }, _uid: randomUUID(), funcs: FUNCS };
      vu.hookContext = ctx;
    }
    return ctx;
  }

  /** Runs `hook` with `args` then the events; `done(true)` when it succeeded, else after failing the user's scenario. */
  call(hook: NamedHook, args: unknown[], vu: HookUser, done: (isOk: boolean) => void): void {
    callHook(hook.fn, args, (err) => {
      if (err === null) return done(true);
      this.fail(vu, hook.name, err);
      done(false);
    });
  }

  /** Runs `hooks` one after another with `args(context)`; stops at the first failure. */
  callAll(hooks: readonly NamedHook[], args: (ctx: HookContext) => unknown[], vu: HookUser, done: (isOk: boolean) => void): void {
    const ctx = this.contextOf(vu);
    const list = args(ctx);
    let i = 0;
    const next = (isOk: boolean): void => {
      if (!isOk) return done(false);
      if (i >= hooks.length) return done(true);
      this.call(hooks[i++]!, list, vu, next);
    };
    next(true);
  }

  /** A `function` step (also a beforeScenario / afterScenario name): calls it, then resumes the user. */
  runFunction(hook: NamedHook, vu: HookUser): void {
    const ctx = this.contextOf(vu);
    this.call(hook, [ctx, this.events], vu, () => vu.resume());
  }

  /** Counts the failure, logs its first message per function, and ends the user's scenario. */
  fail(vu: HookUser, name: string, err: unknown): void {
    this.sink.add(PROCESSOR_ERRORS);
    this.sink.add(`${PROCESSOR_ERRORS}:${name}`);
    if (!this.loggedFailures.has(name)) {
      this.loggedFailures.add(name);
      // Test libraries colour their messages for a terminal (@playwright/test's expect): a log line is plain text.
      const message = stripVTControlCharacters(err instanceof Error ? err.message : String(err));
      vu.log(`processor function ${name} failed (the user's scenario ends; later failures of it are only counted, under ${PROCESSOR_ERRORS}:${name}): ${message}`);
    }
    vu.failScenario();
  }
}
