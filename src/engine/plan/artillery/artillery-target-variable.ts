/**
 * Artillery gives every virtual user a variable `target` holding the run's
 * target (config.target, the selected environment's, or `--target`), and
 * public scripts build URLs from it: `url: "{{ target }}/api/users"`. The
 * script's own `config.variables.target` (or `-v`) wins, as in Artillery,
 * where inline variables are assigned over it.
 *
 * Added only when a template reads it, so other plans carry no extra
 * variable; when the run has no target the name stays unknown and the
 * template check reports it.
 */

const READS_TARGET = /\{\{\s*target\s*(?:[.[}]|\}\})/;

/** Sets `config.variables.target` to `target` when a flow reads `{{ target }}` and nothing else defines it. */
export function addTargetVariable(data: Record<string, unknown>, config: Record<string, unknown>, target: string | undefined, cliVariables: Record<string, unknown>): void {
  if (target === undefined || target.includes('{{') || Object.hasOwn(cliVariables, 'target')) return;
  const vars = isRecord(config.variables) ? config.variables : {};
  if (Object.hasOwn(vars, 'target')) return;
  if (!reads(data.scenarios) && !reads(data.before) && !reads(data.after)) return;
  vars.target = target;
  config.variables = vars;
}

/** The fix for an unknown `{{ target }}`: the run has no target; name the environments that set one. */
export function targetFix(envs: Record<string, unknown>): string {
  const names = Object.entries(envs).filter(([, e]) => isRecord(e) && typeof e.target === 'string').map(([n]) => n);
  return names.length > 0
    ? `it is Artillery's run target, set here only under environments ${names.join(', ')}: pass -e ${names[0]!} or --target URL`
    : "it is Artillery's run target: set config.target or pass --target URL";
}

/** Whether any string under `node` reads `{{ target }}`; stops at the first. */
function reads(node: unknown): boolean {
  if (typeof node === 'string') return node.includes('{{') && READS_TARGET.test(node);
  if (Array.isArray(node)) return node.some(reads);
  if (isRecord(node)) {
    for (const k in node) if (Object.hasOwn(node, k) && reads(node[k])) return true;
  }
  return false;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
