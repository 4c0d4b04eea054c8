/**
 * Template syntax errors, found straight from the parsed plan. The compiler
 * finds them too, but it only runs on a plan that passed the schema; when
 * the schema already failed, loadPlan adds these so that one `validate`
 * lists both kinds at once instead of the template errors only after the
 * schema ones are fixed.
 */
import { compileTemplate } from '../templates.ts';
import { isAgentloadError, type AgentloadError } from '../errors.ts';
import { formatYamlPath, type PathSegment, type PlanPositions } from './yaml-positions.ts';

// Plans are small; a cap keeps a hostile one from making this walk long.
const MAX_STRINGS = 100_000;

/** Every string under scenarios / before / after with `{{` that does not compile, located. */
export function templateProblems(data: unknown, positions: PlanPositions): AgentloadError[] {
  const found: AgentloadError[] = [];
  let seen = 0;
  const walk = (v: unknown, segs: PathSegment[]): void => {
    if (seen++ > MAX_STRINGS) return;
    if (typeof v === 'string') {
      if (!v.includes('{{')) return;
      try {
        compileTemplate(v, positions.of(segs), formatYamlPath(segs));
      } catch (e) {
        if (isAgentloadError(e) && e.exitCode === 2) found.push(e);
      }
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...segs, i]));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, [...segs, k]);
    }
  };
  if (typeof data === 'object' && data !== null) {
    for (const key of ['scenarios', 'before', 'after']) if (Object.hasOwn(data, key)) walk((data as Record<string, unknown>)[key], [key]);
  }
  return found;
}
