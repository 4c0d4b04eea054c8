/**
 * What upstream keeps in memory between calls, per sim: registered agents
 * (agent_manager._agents; upstream too forgets them on restart) and task
 * executions. Both maps are bounded by `maxRecords`, oldest first out, so a
 * long load test cannot grow the sim without limit (upstream's do grow).
 */

/** A registered agent: the full card as agent.get reports it. */
export interface AgentEntry {
  card: Record<string, unknown>;
  createdMs: number;
  lastSeenMs: number;
  updatedMs: number;
}

/** A task execution: the full record as task.get reports it (timestamps filled on read). */
export interface TaskEntry {
  execution: Record<string, unknown>;
  createdMs: number;
}

/** Bounded insertion-ordered map: evicts the oldest entry past `max`. */
class BoundedMap<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    if (!this.has(key) && this.size >= this.max) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

/** The A2A service's state for one running sim. Single-threaded. */
export class A2aState {
  readonly agents: Map<string, AgentEntry>;
  readonly tasks: Map<string, TaskEntry>;
  constructor(maxRecords: number) {
    this.agents = new BoundedMap<AgentEntry>(maxRecords);
    this.tasks = new BoundedMap<TaskEntry>(maxRecords);
  }
}
