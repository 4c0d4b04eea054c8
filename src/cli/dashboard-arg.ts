/**
 * `--dashboard` may come without an address: `agentload run plan.yml
 * --dashboard` serves on 127.0.0.1:8089 (the port the seed's team used with
 * Locust's UI). parseArgs needs a value for a string flag, so a bare
 * `--dashboard` (last, or followed by another flag or a file name) gets the
 * default inserted before parsing.
 */

/** The address a bare `--dashboard` listens on. */
export const DEFAULT_DASHBOARD = '127.0.0.1:8089';

const ADDRESS = /^(?:(\[[^\]]+\]|[^:/\\]+):)?\d{1,5}$/;

/** `args` with DEFAULT_DASHBOARD after each bare `--dashboard`. */
export function withDashboardDefault(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    out.push(args[i]!);
    if (args[i] === '--dashboard' && !ADDRESS.test(args[i + 1] ?? '')) out.push(DEFAULT_DASHBOARD);
  }
  return out;
}
