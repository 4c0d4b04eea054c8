// A node:test reporter that prints nothing until the run ends, then the list of failing tests with their
// file and line, so the last lines of `npm test` say what failed without scrolling back through the log.
import { relative } from 'node:path';

/** Node's custom-reporter contract: an async generator over the run's events. */
export default async function* failureSummary(source) {
  const failures = [];
  let passed = 0;
  for await (const event of source) {
    if (event.type === 'test:pass' && event.data.details?.type !== 'suite') passed++;
    if (event.type !== 'test:fail') continue;
    const { name, file, line, details } = event.data;
    // A suite fails when a test in it fails: list the test, not its suite as well.
    if (details?.type === 'suite') continue;
    const where = file ? `${relative(process.cwd(), file.startsWith('file:') ? new URL(file).pathname : file)}${line ? `:${line}` : ''}` : '?';
    const cause = details?.error?.cause?.message ?? details?.error?.message ?? '';
    failures.push(`  ✖ ${where}  ${name}${cause ? `\n      ${String(cause).split('\n')[0].slice(0, 200)}` : ''}`);
  }
  if (failures.length === 0) {
    yield `\nall ${passed} tests passed\n`;
    return;
  }
  yield `\n${failures.length} failing test${failures.length === 1 ? '' : 's'} (${passed} passed):\n${failures.join('\n')}\n`;
}
