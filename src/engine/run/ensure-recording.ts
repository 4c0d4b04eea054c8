/**
 * The user metrics Artillery reports and agentload records only when an
 * `expect.conditions` check reads them (so other runs' reports stay as they
 * were): users started per scenario (`vusers_created:<scenario>`, Artillery's
 * vusers.created_by_name.<scenario>) and the session length of each user that
 * completed its scenario (`vusers_session_length`, from its scheduled start).
 */
import { CUSTOM_HISTOGRAM, CUSTOM_TAG, VUSERS_CREATED_BY_SCENARIO, VUSERS_SESSION_LENGTH } from '../metrics/names.ts';
import type { CounterCell, HdrSink } from '../metrics/hdr-sink.ts';
import type { CompiledPlan, CompiledScenario } from '../compile/compiled-plan.ts';

/** See the module comment. One per VuRunner; null when the plan reads neither. */
export class EnsureRecording {
  private readonly byScenario: Map<CompiledScenario, CounterCell> | null;
  private readonly sessionHandle: number;

  private constructor(plan: CompiledPlan, private readonly sink: HdrSink, byScenario: boolean, sessionLength: boolean) {
    this.byScenario = byScenario ? new Map(plan.scenarios.map((s) => [s, sink.counterCell(`${VUSERS_CREATED_BY_SCENARIO}:${s.name}`)] as const)) : null;
    this.sessionHandle = sessionLength ? sink.handle(VUSERS_SESSION_LENGTH, { [CUSTOM_TAG]: CUSTOM_HISTOGRAM }) : -1;
  }

  static of(plan: CompiledPlan, sink: HdrSink): EnsureRecording | null {
    const names = plan.expectations.flatMap((e) => e.ensure?.names ?? []);
    const byScenario = names.some((n) => n.startsWith('vusers.created_by_name.'));
    const sessionLength = names.some((n) => n.startsWith('vusers.session_length.'));
    return byScenario || sessionLength ? new EnsureRecording(plan, sink, byScenario, sessionLength) : null;
  }

  onStart(scenario: CompiledScenario): void {
    const cell = this.byScenario?.get(scenario);
    if (cell !== undefined) cell.count++;
  }

  /** A user ended; `arrivalUs` is when it was due to start. Only a completed scenario has a session length. */
  onFinish(arrivalUs: number, isCompleted: boolean, nowUs: number): void {
    if (this.sessionHandle < 0 || !isCompleted) return;
    this.sink.recordLatency(this.sessionHandle, Math.max(1, Math.round(nowUs - arrivalUs)));
    this.sink.ok(this.sessionHandle);
  }
}
