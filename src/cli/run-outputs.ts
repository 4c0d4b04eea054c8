/**
 * Output file names when one command makes several runs (a suite, --repeat):
 * every run gets its own files, tagged before the extension, so no run
 * overwrites another and `report`/`compare` read each one as usual.
 *
 *   single plan, --repeat 3     run.json → run.1.json run.2.json run.3.json
 *   suite (a.yml, b.yml)        run.json → run.a.json run.b.json
 *   suite and --repeat 2        run.json → run.a.1.json run.a.2.json run.b.1.json …
 *   the session summary         run.json → run.summary.json
 *
 * `--csv PREFIX` becomes `PREFIX.<tag>`. Files named inside a plan
 * (`config.plugins`) or by `--reporter` options are not renamed.
 */
import type { ReportingArgs } from './run-args.ts';

/** `run.json` + `1` → `run.1.json`; a name without an extension gets `.1` appended. */
export function taggedFile(file: string, tag: string): string {
  const slash = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  const dot = file.lastIndexOf('.');
  return dot > slash + 1 ? `${file.slice(0, dot)}.${tag}${file.slice(dot)}` : `${file}.${tag}`;
}

/**
 * The tag of one run, or null when the command makes only one run (its files
 * keep the names given). `labels` are the plans' labels, unique in the session.
 */
export function runTag(label: string, repetition: number, planCount: number, repeat: number): string | null {
  if (planCount > 1 && repeat > 1) return `${label}.${repetition}`;
  if (planCount > 1) return label;
  if (repeat > 1) return String(repetition);
  return null;
}

/** `a` with this run's file names (see the module comment); `a` itself when `tag` is null. */
export function runReporting(a: ReportingArgs, tag: string | null): ReportingArgs {
  if (tag === null) return a;
  const tagged = (f: string | null): string | null => (f === null ? null : taggedFile(f, tag));
  return {
    ...a,
    outputFile: tagged(a.outputFile),
    htmlFile: tagged(a.htmlFile),
    junitFile: tagged(a.junitFile),
    csvPrefix: a.csvPrefix === null ? null : `${a.csvPrefix}.${tag}`,
  };
}

/**
 * Gives each plan a label unique in the session: its file name without the
 * extension, prefixed with its 1-based position when two plans share a name.
 */
export function uniqueLabels(labels: readonly string[]): string[] {
  const isShared = (l: string): boolean => labels.indexOf(l) !== labels.lastIndexOf(l);
  return labels.map((l, i) => (isShared(l) ? `${i + 1}-${l}` : l));
}
