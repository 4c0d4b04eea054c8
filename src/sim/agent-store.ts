/**
 * Registered agents, indexed by capability for agent.discover.
 *
 * Bounded: at `maxRecords` the oldest registration is forgotten, so a long
 * run that registers an agent per virtual user never grows the sim's memory
 * (which would trip the runner's leak detection for the wrong reason).
 */

/** A registered agent as agent.discover returns it. */
export interface AgentRecord {
  agent_id: string;
  name: string;
  capabilities: string[];
  registered_at: string;
}

const EMPTY = new Set<string>();

/** The agent registry. Single-threaded; every operation is O(1) apart from multi-capability discovery. */
export class AgentStore {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly byCapability = new Map<string, Set<string>>();
  private readonly maxRecords: number;

  constructor(maxRecords: number) {
    this.maxRecords = maxRecords;
  }

  /** Number of agents registered. */
  get size(): number {
    return this.agents.size;
  }

  /** Adds or replaces `agent`. */
  register(agent: AgentRecord): void {
    this.unregister(agent.agent_id);
    if (this.agents.size >= this.maxRecords) this.unregister(this.agents.keys().next().value!);
    this.agents.set(agent.agent_id, agent);
    for (const cap of agent.capabilities) {
      let ids = this.byCapability.get(cap);
      if (ids === undefined) {
        ids = new Set();
        this.byCapability.set(cap, ids);
      }
      ids.add(agent.agent_id);
    }
  }

  /** Removes an agent; returns whether it was registered. */
  unregister(agentId: string): boolean {
    const agent = this.agents.get(agentId);
    if (agent === undefined) return false;
    this.agents.delete(agentId);
    for (const cap of agent.capabilities) {
      const ids = this.byCapability.get(cap);
      if (ids === undefined) continue;
      ids.delete(agentId);
      if (ids.size === 0) this.byCapability.delete(cap);
    }
    return true;
  }

  /** The agent with `agentId`, if registered. */
  get(agentId: string): AgentRecord | undefined {
    return this.agents.get(agentId);
  }

  /**
   * Agents having every capability in `capabilities` (all agents when
   * empty), oldest first, at most `limit`; `total` counts every match.
   */
  discover(capabilities: readonly string[], limit: number): { agents: AgentRecord[]; total: number } {
    const agents: AgentRecord[] = [];
    if (capabilities.length === 0) {
      for (const a of this.agents.values()) {
        if (agents.length >= limit) break;
        agents.push(a);
      }
      return { agents, total: this.agents.size };
    }
    // Scan the rarest capability's set and check the others against their sets.
    let smallest = this.byCapability.get(capabilities[0]!) ?? EMPTY;
    for (const cap of capabilities) {
      const ids = this.byCapability.get(cap) ?? EMPTY;
      if (ids.size < smallest.size) smallest = ids;
    }
    if (capabilities.length === 1) {
      for (const id of smallest) {
        if (agents.length >= limit) break;
        agents.push(this.agents.get(id)!);
      }
      return { agents, total: smallest.size };
    }
    let total = 0;
    for (const id of smallest) {
      if (!capabilities.every((cap) => this.byCapability.get(cap)?.has(id))) continue;
      total++;
      if (agents.length < limit) agents.push(this.agents.get(id)!);
    }
    return { agents, total };
  }
}
