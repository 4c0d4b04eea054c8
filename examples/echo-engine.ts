/**
 * Example engine plugin: `echo`. Each `echo` step "answers" after a fixed
 * delay without touching the network — the smallest engine that shows the
 * whole contract: compile once (templates, metric handle), record latency
 * from the scheduled start, count outcomes, resume the virtual user.
 *
 * Load it from a plan (path relative to the plan file):
 *
 *   config:
 *     plugins:
 *       echo: { module: ./echo-engine.ts, delayMs: 2, failEvery: 10 }
 *   scenarios:
 *     - name: say hello
 *       engine: echo
 *       flow:
 *         - echo: { message: "hello {{ who }}", name: greet }
 *
 * Published as a package it would be `agentload-engine-echo` and the
 * `module` option would go away.
 */
import type {
  Engine, PluginContext, PluginOptions, Recorder, RunContext, StepCompileContext, StepInput, Template, VirtualUser,
} from '../src/index.ts';

/** A compiled `echo` step. Built once per step occurrence, at plan compile time. */
interface EchoStep {
  readonly handle: number;
  readonly message: Template;
}

/** Per-VU state: the pending timer, so closeSession can cancel it on abort. */
interface EchoSession {
  timer: NodeJS.Timeout | null;
  lastMessage: string;
}

/** See the module comment. */
export class EchoEngine implements Engine<EchoStep, EchoSession | null> {
  readonly id = 'echo';
  readonly stepKeys = ['echo'];
  private sink: Recorder | null = null;
  private nowUs: () => number = () => 0;
  private sent = 0;

  constructor(private readonly delayMs: number, private readonly failEvery: number) {}

  compileStep(key: string, step: StepInput, ctx: StepCompileContext): EchoStep {
    const spec = step[key] as { message?: unknown; name?: unknown } | null;
    if (spec === null || typeof spec !== 'object' || typeof spec.message !== 'string') ctx.fail('an echo step needs a message (a string)', ctx.yamlPath);
    const name = typeof spec!.name === 'string' ? spec!.name : `echo ${spec!.message as string}`;
    return { handle: ctx.sink.handle(name), message: ctx.template(spec!.message as string, `${ctx.yamlPath}.message`) };
  }

  async init(run: RunContext): Promise<void> {
    this.sink = run.sink;
    this.nowUs = run.nowUs;
  }

  openSession(): EchoSession {
    return { timer: null, lastMessage: '' };
  }

  runStep(step: EchoStep, vu: VirtualUser<EchoSession | null>): void {
    const session = vu.session!;
    session.lastMessage = step.message.render(vu.vars);
    const isFailure = this.failEvery > 0 && ++this.sent % this.failEvery === 0;
    session.timer = setTimeout(() => {
      session.timer = null;
      const sink = this.sink!;
      sink.recordLatency(step.handle, this.nowUs() - vu.scheduledUs);
      // A failed request is an outcome with a reason from the closed vocabulary style, never a throw.
      if (isFailure) sink.failed(step.handle, 'echo_refused');
      else sink.ok(step.handle);
      vu.resume();
    }, this.delayMs);
  }

  closeSession(vu: VirtualUser<EchoSession | null>): void {
    const session = vu.session;
    if (session?.timer) clearTimeout(session.timer);
  }

  async close(): Promise<void> {}
}

/** The plugin entry point agentload looks for. `options` is the plugin's entry in config.plugins. */
export function createEngine(options: PluginOptions, _ctx: PluginContext): Engine {
  const delayMs = options.delayMs ?? 1;
  const failEvery = options.failEvery ?? 0;
  if (typeof delayMs !== 'number' || delayMs < 0) throw new Error(`delayMs expects a number >= 0, got ${JSON.stringify(delayMs)}`);
  if (typeof failEvery !== 'number' || !Number.isInteger(failEvery) || failEvery < 0) throw new Error(`failEvery expects a whole number >= 0, got ${JSON.stringify(failEvery)}`);
  return new EchoEngine(delayMs, failEvery);
}
