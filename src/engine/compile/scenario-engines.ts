/**
 * Which engine runs each step of a scenario. A flow may mix engines (an agent
 * checks health with `get`, calls a tool with `call`, posts the result with
 * `post`, talks on a WebSocket with `connect`/`send`), so each step goes to the
 * engine that owns its action key:
 *
 *   1. the scenario's `engine` (default http) when it claims the key: it decides
 *      between engines that claim the same key, and runs everything it knows;
 *   2. else the one engine of the run that claims the key;
 *   3. several claim it and the scenario's engine is not one of them: a plan
 *      error asking to set the scenario's `engine`.
 *
 * Each engine a scenario uses gets a slot (0, 1, …, in order of first use): the
 * VU keeps one session per slot (vu.ts). Compile time only; never on the hot path.
 */
import type { Engine, StepInput } from '../contracts.ts';

/** A step's action key and the engine that runs it, with that engine's slot in the scenario. */
export interface StepOwner {
  readonly key: string;
  readonly engine: Engine;
  readonly slot: number;
}

/** Engines claiming several keys, as a readable list for messages. */
function ids(engines: readonly Engine[]): string {
  return engines.map((e) => `"${e.id}"`).join(', ');
}

/** See the module comment. One per scenario, shared by its beforeScenario and its flow. */
export class ScenarioEngines {
  /** The engines this scenario's steps use, by slot. */
  readonly used: Engine[] = [];

  constructor(private readonly scenarioEngine: Engine, private readonly all: readonly Engine[]) {}

  /** The owner of the step's action, or null when no engine claims any of its keys; `fail` reports a key several engines claim. */
  resolve(step: StepInput, fail: (message: string) => never): StepOwner | null {
    const keys = Object.keys(step);
    const own = keys.find((k) => this.scenarioEngine.stepKeys.includes(k));
    if (own !== undefined) return this.owner(own, this.scenarioEngine);
    for (const key of keys) {
      const claimants = this.all.filter((e) => e.stepKeys.includes(key));
      if (claimants.length === 1) return this.owner(key, claimants[0]!);
      if (claimants.length > 1) {
        fail(`step "${key}" is run by several engines (${ids(claimants)}); set the scenario's engine to the one that should run it`);
      }
    }
    return null;
  }

  /** Every step key some engine knows, for "expected one of" messages. */
  knownKeys(): string[] {
    const keys = new Set<string>(this.scenarioEngine.stepKeys);
    for (const e of this.all) for (const k of e.stepKeys) keys.add(k);
    return [...keys];
  }

  /** True when every engine used forgets its VUs at closeSession, so VU objects may be reused (Engine.releasesVuOnClose). */
  releasesVus(): boolean {
    return this.used.every((e) => e.releasesVuOnClose === true);
  }

  private owner(key: string, engine: Engine): StepOwner {
    let slot = this.used.indexOf(engine);
    if (slot < 0) slot = this.used.push(engine) - 1;
    return { key, engine, slot };
  }
}
