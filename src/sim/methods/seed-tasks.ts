/**
 * Task methods (task.create, task.query) and health.get_stats, with
 * AgentCore's shapes: `{task_definition: {task_id, name, description,
 * required_capabilities, priority}}` (a flat object is accepted too).
 */

import { randomUUID } from 'node:crypto';
import { RpcFault, RPC } from '../jsonrpc-protocol.ts';
import { method, type MethodSpec, type Params, type SimContext } from '../sim-context.ts';
import { taskStatus, type TaskRecord, type TaskStatus } from '../task-store.ts';
import { invalidParam, optionalLimit, optionalObject, optionalString, optionalStringList } from './params.ts';

const STATUSES: readonly string[] = ['pending', 'running', 'completed'];
/** Stored descriptions are cut here: the sim accepts 10 KB payloads but must not keep them. */
const MAX_STORED_DESCRIPTION = 200;

function taskView(t: TaskRecord, nowMs: number): unknown {
  return {
    task_id: t.task_id,
    name: t.name,
    status: taskStatus(t, nowMs),
    priority: t.priority,
    required_capabilities: t.required_capabilities,
    created_at: t.created_at,
  };
}

function create(p: Params, sim: SimContext): unknown {
  const def = optionalObject(p, 'task_definition') ?? p;
  const taskId = optionalString(def, 'task_id', '') || `task-${randomUUID()}`;
  const priority = def['priority'] ?? 5;
  if (typeof priority !== 'number' || !Number.isFinite(priority)) throw invalidParam('priority', 'a number', priority);
  const nowMs = performance.now();
  const task = sim.tasks.create({
    task_id: taskId,
    name: optionalString(def, 'name', taskId),
    description: optionalString(def, 'description', '').slice(0, MAX_STORED_DESCRIPTION),
    required_capabilities: optionalStringList(def, 'required_capabilities'),
    priority,
    created_at: new Date().toISOString(),
    createdAtMs: nowMs,
  });
  return { success: true, task_id: taskId, status: taskStatus(task, nowMs) };
}

function query(p: Params, sim: SimContext): unknown {
  const nowMs = performance.now();
  const taskId = optionalString(p, 'task_id', '');
  if (taskId !== '') {
    const t = sim.tasks.get(taskId);
    if (t === undefined) throw new RpcFault(RPC.INVALID_PARAMS, `invalid params: task_id: no task "${taskId}"`);
    return { tasks: [taskView(t, nowMs)], count: 1, total: 1 };
  }
  const status = optionalString(p, 'status', '');
  if (status !== '' && !STATUSES.includes(status)) throw invalidParam('status', 'pending, running or completed', status);
  const limit = optionalLimit(p, 'limit', 20, 100);
  const { tasks, total } = sim.tasks.query(status === '' ? null : (status as TaskStatus), limit, nowMs);
  return { tasks: tasks.map((t) => taskView(t, nowMs)), count: tasks.length, total };
}

function stats(_p: Params, sim: SimContext): unknown {
  const nowMs = performance.now();
  return {
    status: 'healthy',
    uptime_seconds: Math.round((nowMs - sim.startMs) / 1000),
    requests_total: sim.metrics.requestsTotal(),
    agents_registered: sim.agents.size,
    tasks_stored: sim.tasks.size,
    active_ws_connections: sim.wsActive(),
    memory_rss_bytes: process.memoryUsage.rss(),
    is_degraded: sim.chaos.isDegraded(nowMs),
  };
}

/** The task and stats methods, registered by the router. */
export const TASK_METHODS: readonly MethodSpec[] = [
  method('task.create', create),
  method('task.query', query),
  method('health.get_stats', stats),
];
