/**
 * Where a reporter put its report, so the CLI can list every report at the
 * end of a run. A reporter that writes somewhere defines `outputs()` (an
 * optional hook found by duck typing, like onTick) returning lines such as
 * `HTML report: /abs/report.html`. Called once, after onEnd.
 */
import { resolve } from 'node:path';

/** A reporter that says where it wrote. */
export interface ReportsOutputs {
  outputs(): readonly string[];
}

/** The output lines of `reporters`, in order; reporters without the hook add none. */
export function reportOutputs(reporters: readonly object[]): string[] {
  return reporters.flatMap((r) => (typeof (r as Partial<ReportsOutputs>).outputs === 'function' ? [...(r as ReportsOutputs).outputs()] : []));
}

/** `label: /absolute/path`, the form every file reporter uses. */
export function fileOutput(label: string, file: string): string {
  return `${label}: ${resolve(file)}`;
}
