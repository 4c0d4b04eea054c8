/**
 * Upstream's task.create, task.get and task.query
 * (a2a_protocol/services/task_jsonrpc.py). task.create takes a
 * `task_definition` (task_type, title, priority low|normal|high|critical);
 * a definition that fails pydantic validation escapes the handler as a
 * ValidationError, which upstream answers -32600 with validation_errors,
 * while missing wrappers are ValueErrors (-32603).
 */

import { randomUUID } from 'node:crypto';
import { method, type MethodSpec, type Params, type SimContext } from '../sim-context.ts';
import { enumIssue, internal, invalidRequest, missingField, UnserializableValidationError, type ValidationIssue } from './faults.ts';
import { pydanticIso, pyRepr } from './py-format.ts';

const PRIORITIES = ['low', 'normal', 'high', 'critical'];
const STATUSES = ['pending', 'assigned', 'running', 'completed', 'failed', 'cancelled'];

function definition(raw: Params, nowMs: number): Record<string, unknown> {
  const issues: ValidationIssue[] = [];
  if (typeof raw['task_type'] !== 'string') issues.push(missingField('task_type', raw));
  if (typeof raw['title'] !== 'string') issues.push(missingField('title', raw));
  const priority = raw['priority'] ?? 'normal';
  if (!PRIORITIES.includes(priority as string)) issues.push(enumIssue('priority', PRIORITIES, priority));
  // TaskDefinition's field validators (namespace.action task_type, non-blank title of at most 200
  // characters) raise ValueError, which upstream fails to serialise: HTTP 500 for the whole request.
  const type = raw['task_type'];
  const title = raw['title'];
  if ((typeof type === 'string' && (type.trim() === '' || !type.includes('.'))) ||
      (typeof title === 'string' && (title.trim() === '' || title.length > 200))) throw new UnserializableValidationError();
  if (issues.length > 0) throw invalidRequest(issues);
  const req = (raw['requirements'] ?? {}) as Params;
  return {
    task_id: typeof raw['task_id'] === 'string' ? raw['task_id'] : randomUUID(),
    task_type: (type as string).trim(), title: (title as string).trim(), description: raw['description'] ?? null,
    input_data: raw['input_data'] ?? {}, parameters: raw['parameters'] ?? {},
    requirements: {
      required_capabilities: req['required_capabilities'] ?? [], preferred_agents: req['preferred_agents'] ?? [],
      excluded_agents: req['excluded_agents'] ?? [], max_execution_time: req['max_execution_time'] ?? null,
      retry_count: req['retry_count'] ?? 0, require_authentication: req['require_authentication'] ?? false,
    },
    priority, dependencies: raw['dependencies'] ?? [], tags: raw['tags'] ?? [], created_by: raw['created_by'] ?? null,
    created_at: pydanticIso(nowMs),
  };
}

function create(p: Params, sim: SimContext): unknown {
  if (Object.keys(p).length === 0) throw internal('Parameters required: task_definition and optional auto_assign, preferred_agent');
  const raw = p['task_definition'];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
    throw internal('Missing required parameter: task_definition');
  }
  const nowMs = Date.now();
  const def = definition(raw as Params, nowMs);
  const executionId = randomUUID();
  sim.a2a.tasks.set(executionId, {
    createdMs: nowMs,
    execution: {
      execution_id: executionId, task_definition: def, status: 'pending', assigned_agent: null, assigned_at: null,
      started_at: null, completed_at: null, progress_percentage: 0, current_step: null, result_data: {}, artifacts: [],
      error_message: null, retry_count: 0, execution_metadata: {},
    },
  });
  return { execution_id: executionId, task_id: def['task_id'], status: 'pending', assigned_agent: null, message: 'Task created successfully' };
}

function get(p: Params, sim: SimContext): unknown {
  if (Object.keys(p).length === 0) throw internal('Parameter required: execution_id');
  const id = p['execution_id'];
  if (typeof id !== 'string' || id === '') throw internal('Missing required parameter: execution_id');
  const t = sim.a2a.tasks.get(id);
  if (t === undefined) throw internal(`Task not found: ${id}`);
  return { task: t.execution };
}

function query(p: Params, sim: SimContext): unknown {
  const status = p['status'];
  if (status !== undefined && !STATUSES.includes(status as string)) throw internal(`${pyRepr(status)} is not a valid TaskStatus`); // Python's Enum: "%r is not a valid %s"
  const priority = p['priority'];
  if (priority !== undefined && !PRIORITIES.includes(priority as string)) throw internal(`${pyRepr(priority)} is not a valid TaskPriority`);
  const limit = Math.min(typeof p['limit'] === 'number' ? p['limit'] : 50, 1000);
  const offset = Math.max(typeof p['offset'] === 'number' ? p['offset'] : 0, 0);
  const matching = [...sim.a2a.tasks.values()].map((t) => t.execution).filter((e) => {
    const d = e['task_definition'] as Params;
    return (status === undefined || e['status'] === status) && (priority === undefined || d['priority'] === priority) &&
      (p['task_type'] === undefined || d['task_type'] === p['task_type']) && (p['assigned_agent'] === undefined || e['assigned_agent'] === p['assigned_agent']);
  });
  const tasks = matching.slice(offset, offset + limit).map((e) => {
    const d = e['task_definition'] as Params;
    return { execution_id: e['execution_id'], task_id: d['task_id'], task_type: d['task_type'], title: d['title'], status: e['status'], priority: d['priority'], assigned_agent: e['assigned_agent'], created_at: d['created_at'] };
  });
  return {
    tasks, total_count: matching.length, has_more: offset + limit < matching.length,
    query: {
      status: status ?? null, task_type: p['task_type'] ?? null, assigned_agent: p['assigned_agent'] ?? null, created_by: p['created_by'] ?? null,
      tags: p['tags'] ?? null, priority: priority ?? null, created_after: p['created_after'] ?? null, created_before: p['created_before'] ?? null, limit, offset,
    },
    count: tasks.length,
  };
}

/** The task.* methods the sim serves, as upstream answers them. */
export const A2A_TASK_METHODS: readonly MethodSpec[] = [
  method('task.create', create),
  method('task.get', get),
  method('task.query', query),
];
