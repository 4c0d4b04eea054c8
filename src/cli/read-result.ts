/**
 * Reads a saved `run.json` (written by `run --output`) back into a
 * RunResult for `report` and `compare`. Anything else — a missing file,
 * broken JSON, another tool's JSON, a newer format — is a one-line
 * UsageError AGENTLOAD_E_REPORT_INPUT (exit 2) saying what was expected.
 * The check is structural (the fields the reporters read), not a schema.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../engine/errors.ts';
import { RESULT_FORMAT } from '../plugins/json-reporter.ts';
import type { RunResult } from '../engine/contracts.ts';

function inputError(file: string, problem: string, cause?: unknown): UsageError {
  return new UsageError(`${file}: ${problem}`, { cause }, 'AGENTLOAD_E_REPORT_INPUT');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isNameSummary(v: unknown): boolean {
  return isObject(v) && typeof v.name === 'string' && typeof v.count === 'number' && typeof v.errors === 'number' &&
    typeof v.rps === 'number' && typeof v.errorRate === 'number' && isObject(v.latencyMs) && isObject(v.outcomes) && isObject(v.tags);
}

/** The first structural problem of a parsed document, or null. */
export function resultProblem(doc: unknown): string | null {
  if (!isObject(doc)) return 'expected a JSON object written by agentload run --output';
  if (doc.format !== RESULT_FORMAT) {
    return typeof doc.format === 'string' && doc.format.startsWith('agentload-result/')
      ? `format ${doc.format} is not supported by this agentload (reads ${RESULT_FORMAT})`
      : `not an agentload result: expected "format": "${RESULT_FORMAT}", got ${JSON.stringify(doc.format ?? null)}`;
  }
  const info = doc.info;
  if (!isObject(info) || typeof info.planFile !== 'string' || typeof info.startedAt !== 'string' || !Array.isArray(info.phases)) return 'info is missing or incomplete';
  const summary = doc.summary;
  if (!isObject(summary) || typeof summary.durationMs !== 'number' || !isNameSummary(summary.overall) ||
    !Array.isArray(summary.byName) || !summary.byName.every(isNameSummary)) return 'summary is missing or incomplete';
  if (!Array.isArray(doc.intervals) || !doc.intervals.every((i) => isObject(i) && typeof i.endMs === 'number' && isNameSummary(i.overall) && Array.isArray(i.byName))) {
    return 'intervals is missing or malformed';
  }
  if (!Array.isArray(doc.expectations)) return 'expectations is missing';
  if (!isObject(doc.saturation) || !isObject(doc.histograms)) return 'saturation or histograms is missing';
  return null;
}

/** Reads and checks `file`; see the module comment. */
export function readResult(file: string): RunResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw inputError(file, code === 'ENOENT' ? 'no such file' : `cannot read it: ${(e as Error).message}`, e);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw inputError(file, `not valid JSON: ${(e as Error).message}`, e);
  }
  const problem = resultProblem(doc);
  if (problem !== null) throw inputError(file, problem);
  // Fields added by later versions of the same format (optional ones) pass through untouched.
  const { format: _format, generator: _generator, ...rest } = doc as Record<string, unknown>;
  return { ...rest, isAborted: rest.isAborted === true } as unknown as RunResult;
}
