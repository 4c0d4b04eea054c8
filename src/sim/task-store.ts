/**
 * Created tasks and their simulated lifecycle, for task.create / task.query.
 *
 * A task's status follows from its age, so nothing has to run to move it
 * along: `pending` for its first second, `running` for the next two, then
 * `completed`. Tasks sit in a ring in creation order, which is also age
 * order, so each status is one contiguous slice of the ring and a query by
 * status is two binary searches, not a scan:
 *
 *   oldest ─────────────────────────────────────────────▶ newest
 *   [ completed … completed | running … running | pending … ]
 *                           ▲ now-3 s           ▲ now-1 s
 *
 * Bounded at `maxRecords`: the oldest task is overwritten when it is full.
 */

/** A stored task. Descriptions are truncated so 10 KB payloads do not pile up in memory. */
export interface TaskRecord {
  task_id: string;
  name: string;
  description: string;
  required_capabilities: string[];
  priority: number;
  created_at: string;
  /** performance.now() at creation; drives the status. */
  createdAtMs: number;
}

/** A task's lifecycle state. */
export type TaskStatus = 'pending' | 'running' | 'completed';

/** Milliseconds a task stays pending. */
export const PENDING_FOR_MS = 1000;
/** Age in milliseconds at which a task is completed (pending 1 s, then running 2 s). */
export const DONE_AFTER_MS = 3000;

/** Status of `task` at `nowMs` (performance.now()). */
export function taskStatus(task: TaskRecord, nowMs: number): TaskStatus {
  const ageMs = nowMs - task.createdAtMs;
  return ageMs < PENDING_FOR_MS ? 'pending' : ageMs < DONE_AFTER_MS ? 'running' : 'completed';
}

/** The task ring plus an id index. Single-threaded; create and get are O(1), query by status O(log n + limit). */
export class TaskStore {
  private readonly slots: (TaskRecord | undefined)[];
  private readonly byId = new Map<string, TaskRecord>();
  private start = 0;
  private count = 0;

  constructor(maxRecords: number) {
    this.slots = new Array<TaskRecord | undefined>(maxRecords);
  }

  /** Number of tasks stored. */
  get size(): number {
    return this.count;
  }

  /**
   * Stores a new task. Re-using an id updates the stored task in place and
   * keeps its age, so the ring stays in creation order without duplicates.
   */
  create(task: TaskRecord): TaskRecord {
    const existing = this.byId.get(task.task_id);
    if (existing !== undefined) {
      existing.name = task.name;
      existing.description = task.description;
      existing.required_capabilities = task.required_capabilities;
      existing.priority = task.priority;
      return existing;
    }
    const cap = this.slots.length;
    if (this.count < cap) {
      this.slots[(this.start + this.count) % cap] = task;
      this.count++;
    } else {
      const evicted = this.slots[this.start]!;
      this.byId.delete(evicted.task_id);
      this.slots[this.start] = task;
      this.start = (this.start + 1) % cap;
    }
    this.byId.set(task.task_id, task);
    return task;
  }

  /** The task with `taskId`, if stored. */
  get(taskId: string): TaskRecord | undefined {
    return this.byId.get(taskId);
  }

  /** Newest tasks first, optionally only those in `status`, at most `limit`; `total` counts every match. */
  query(status: TaskStatus | null, limit: number, nowMs: number): { tasks: TaskRecord[]; total: number } {
    let from = 0;
    let to = this.count;
    if (status === 'pending') from = this.firstNewerThan(nowMs - PENDING_FOR_MS);
    else if (status === 'running') {
      from = this.firstNewerThan(nowMs - DONE_AFTER_MS);
      to = this.firstNewerThan(nowMs - PENDING_FOR_MS);
    } else if (status === 'completed') to = this.firstNewerThan(nowMs - DONE_AFTER_MS);
    const tasks: TaskRecord[] = [];
    for (let i = to - 1; i >= from && tasks.length < limit; i--) tasks.push(this.at(i));
    return { tasks, total: Math.max(0, to - from) };
  }

  private at(i: number): TaskRecord {
    return this.slots[(this.start + i) % this.slots.length]!;
  }

  /** Logical index of the first task created strictly after `thresholdMs` (count when none). */
  private firstNewerThan(thresholdMs: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).createdAtMs > thresholdMs) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
