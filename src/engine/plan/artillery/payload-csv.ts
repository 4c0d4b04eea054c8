/**
 * Artillery's `config.payload`: CSV files read once, at load time, with
 * csv-parse, whose rows the run hands out to virtual users
 * (src/engine/run/payload-vars.ts). Options as Artillery reads them:
 * `path` (relative to the plan), `fields`, `order` (random | sequence),
 * `skipHeader`, `delimiter`, `cast` (numbers and booleans; default true),
 * `skipEmptyLines` (default true), `loadAll` + `name`.
 *
 * The parsed rows are kept on the spec as a non-enumerable `rows` property,
 * so the plan stays printable and the JSON result does not carry the file.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { didYouMeanSuffix } from '../did-you-mean.ts';

/** The rows of a payload spec once loaded (see the module comment). */
export const PAYLOAD_ROWS = 'rows';

type Report = (message: string, path: Array<string | number>, code: 'AGENTLOAD_E_SCHEMA' | 'AGENTLOAD_E_PLAN_READ' | 'AGENTLOAD_W_IGNORED_KEY') => void;

const KNOWN = new Set(['path', 'fields', 'order', 'skipHeader', 'delimiter', 'cast', 'skipEmptyLines', 'loadAll', 'name', 'options']);

/** Reads every spec's file; problems go to `report` with their path under `config.payload`. */
export function loadPayloads(specs: unknown[], baseDir: string, report: Report): void {
  specs.forEach((raw, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return report('a payload is {path, fields, …}', [i], 'AGENTLOAD_E_SCHEMA');
    const spec = raw as Record<string, unknown>;
    // Artillery reads only the keys it knows and passes over the rest (`unique: true` is in real scripts): so does agentload, saying so.
    for (const k of Object.keys(spec)) if (!KNOWN.has(k)) report(`unknown payload key "${k}"; Artillery ignores it, so agentload does too${didYouMeanSuffix(k, KNOWN)}`, [i, k], 'AGENTLOAD_W_IGNORED_KEY');
    if (typeof spec.path !== 'string') return report('a payload needs `path` (a CSV file, relative to the plan)', [i], 'AGENTLOAD_E_SCHEMA');
    if (spec.order !== undefined && spec.order !== 'random' && spec.order !== 'sequence') report(`payload order is "random" or "sequence", got ${JSON.stringify(spec.order)}`, [i, 'order'], 'AGENTLOAD_E_SCHEMA');
    if (spec.loadAll === true && typeof spec.name !== 'string') report('a payload with loadAll needs `name`: the variable that holds all rows', [i, 'loadAll'], 'AGENTLOAD_E_SCHEMA');
    const fields = Array.isArray(spec.fields) ? spec.fields.map(String) : null;
    if (fields === null && spec.loadAll !== true) return report('a payload needs `fields`: the variable name of each column', [i], 'AGENTLOAD_E_SCHEMA');
    const file = isAbsolute(spec.path) ? spec.path : resolve(baseDir, spec.path);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      return report(`cannot read payload ${spec.path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, [i, 'path'], 'AGENTLOAD_E_PLAN_READ');
    }
    let rows: unknown[];
    try {
      rows = parse<unknown>(text, {
        delimiter: typeof spec.delimiter === 'string' ? spec.delimiter : ',',
        cast: spec.cast !== false,
        skip_empty_lines: spec.skipEmptyLines !== false,
        from_line: spec.skipHeader === true ? 2 : 1,
        relax_column_count: true,
        columns: fields ?? true,
      });
    } catch (e) {
      return report(`cannot parse payload ${spec.path}: ${(e as Error).message}`, [i, 'path'], 'AGENTLOAD_E_SCHEMA');
    }
    Object.defineProperty(spec, PAYLOAD_ROWS, { value: rows, enumerable: false });
  });
}
