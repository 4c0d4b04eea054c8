/**
 * A template holding a JavaScript expression, as a public script writes
 * `{{ $processEnvironment.API_URL || 'http://localhost:3000' }}`. Artillery
 * does not evaluate it: its templates name one variable (or call one `$`
 * function), and a `{{ … }}` with `||`, `&&` or `??` in it matches neither,
 * so Artillery sends the text as written (a target that is no URL, a path with
 * braces in it). agentload cannot mirror that usefully, so it is a located
 * plan error naming the expression and what to write instead, rather than a
 * message about a variable that may well be set.
 */

/** A `{{ … }}` whose inside holds an operator Artillery's templates do not read. */
const EXPRESSION = /\{\{\s*([^{}]*?(?:\|\||&&|\?\?)[^{}]*?)\s*\}\}/g;

/** One template holding an expression: where, the template and the expression. */
export interface TemplateExpression {
  readonly path: Array<string | number>;
  readonly source: string;
  readonly expression: string;
}

/**
 * Finds every such template under `root` (at `path`), and takes each
 * expression out of the plan (the error is reported once, so no later check
 * reads the same place again as an unset variable or a syntax error).
 */
export function takeTemplateExpressions(root: Record<string, unknown>, key: string | number, path: Array<string | number>, out: TemplateExpression[]): void {
  const node = root[key];
  if (typeof node === 'string') {
    if (!node.includes('{{')) return;
    let isFound = false;
    for (const m of node.matchAll(EXPRESSION)) {
      out.push({ path: [...path], source: node, expression: m[1]! });
      isFound = true;
    }
    if (isFound) root[key] = node.replace(EXPRESSION, '');
  } else if (Array.isArray(node) || (typeof node === 'object' && node !== null)) {
    const holder = node as Record<string, unknown>;
    for (const k of Object.keys(holder)) takeTemplateExpressions(holder, k, [...path, Array.isArray(node) ? Number(k) : k], out);
  }
}

/** The located message for one expression: what Artillery does with it, and what to write instead. */
export function templateExpressionMessage(t: TemplateExpression): string {
  const env = /\$(?:processEnvironment|env)\.([A-Za-z_][A-Za-z0-9_]*)/.exec(t.expression);
  const isTarget = t.path[t.path.length - 1] === 'target';
  const name = env === null ? null : env[1]!;
  const plain = env === null ? null : `{{ ${env[0]} }}`;
  const fix = isTarget
    ? `pass --target URL${name === null ? '' : `, or set ${name} and write ${plain}`}`
    : name === null
      ? 'name one variable, and give its default in config.variables (or pass -v)'
      : `set ${name} (or load it with --dotenv) and write ${plain}, or give the default in config.variables and name that variable`;
  return `template ${JSON.stringify(t.source)} holds the expression "${t.expression}", which Artillery does not evaluate (its templates name one variable, so it would send the text as written); ${fix}`;
}
