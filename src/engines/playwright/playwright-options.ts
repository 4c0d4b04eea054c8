/**
 * `config.playwright` (Artillery's `config.engines.playwright`, moved there
 * at load) read into the engine's settings, and the browser it runs.
 *
 * agentload never downloads a browser. The executable is, first found:
 *
 *   1. launchOptions.executablePath (must exist)
 *   2. $AGENTLOAD_CHROMIUM           (must exist)
 *   3. /usr/bin/chromium             (Debian's `apt-get install chromium`)
 *
 * unless launchOptions.channel names an installed Chrome or Edge, which
 * Playwright finds itself. Nothing found is a one-line RunError with the fix.
 */
import { existsSync } from 'node:fs';
import type { ConfigInput } from '../../engine/contracts.ts';
import { RunError } from '../../engine/errors.ts';

/** The engine's settings, as Artillery documents them plus agentload's maxContexts. */
export interface PlaywrightOptions {
  /** chromium.launch() options, defaults applied, executablePath resolved. */
  readonly launch: Readonly<Record<string, unknown>>;
  /** browser.newContext() options, baseURL the target unless set. */
  readonly context: Readonly<Record<string, unknown>>;
  readonly navigationTimeoutMs: number;
  readonly timeoutMs: number;
  readonly testIdAttribute: string | null;
  readonly aggregateByName: boolean;
  readonly extendedMetrics: boolean;
  readonly showAllPageMetrics: boolean;
  readonly stripQueryString: boolean;
  readonly normalizeQueryString: boolean;
  readonly maxContexts: number;
}

/** Debian's chromium package. */
export const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const DEFAULT_MAX_CONTEXTS = 8;
/** Artillery's default launch arguments: heap figures for extendedMetrics, no /dev/shm (small in containers). */
const DEFAULT_ARGS = ['--enable-precise-memory-info', '--disable-dev-shm-usage'];

function seconds(v: unknown, dflt: number): number {
  const n = Number(v);
  return v === undefined || v === null || v === '' || !Number.isFinite(n) ? dflt : n;
}

/** See the module comment. `env` is process.env (a parameter so tests can pass their own). */
export function playwrightOptions(config: ConfigInput, target: string, env: NodeJS.ProcessEnv): PlaywrightOptions {
  const c = (config.playwright ?? {}) as Record<string, unknown>;
  const launchIn = (c.launchOptions ?? {}) as Record<string, unknown>;
  const launch: Record<string, unknown> = { headless: true, args: DEFAULT_ARGS, ...launchIn };
  const executable = chromiumPath(launchIn, env);
  if (executable !== null) launch.executablePath = executable;
  return {
    launch,
    context: { baseURL: target, ...((c.contextOptions ?? {}) as Record<string, unknown>) },
    navigationTimeoutMs: seconds(c.defaultNavigationTimeout, 30) * 1000,
    timeoutMs: seconds(c.defaultTimeout, 30) * 1000,
    testIdAttribute: typeof c.testIdAttribute === 'string' ? c.testIdAttribute : null,
    aggregateByName: c.aggregateByName === true,
    extendedMetrics: c.extendedMetrics === true,
    showAllPageMetrics: c.showAllPageMetrics === true,
    stripQueryString: c.stripQueryString === true,
    normalizeQueryString: c.normalizeQueryString !== false,
    maxContexts: typeof c.maxContexts === 'number' && c.maxContexts >= 1 ? Math.floor(c.maxContexts) : DEFAULT_MAX_CONTEXTS,
  };
}

/** The executable to launch (see the module comment); null when a `channel` leaves the choice to Playwright. */
export function chromiumPath(launch: Record<string, unknown>, env: NodeJS.ProcessEnv): string | null {
  const given = launch.executablePath;
  if (typeof given === 'string' && given !== '') {
    if (!existsSync(given)) throw noBrowser(`config.playwright.launchOptions.executablePath ${given} does not exist`);
    return given;
  }
  if (typeof launch.channel === 'string' && launch.channel !== '') return null;
  const fromEnv = env.AGENTLOAD_CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) throw noBrowser(`AGENTLOAD_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  throw noBrowser(`no Chromium to run the playwright scenarios: ${SYSTEM_CHROMIUM} is missing and neither AGENTLOAD_CHROMIUM nor launchOptions.executablePath is set`);
}

/** AGENTLOAD_E_BROWSER_START with `message` (exit 3). */
export function noBrowser(message: string): RunError {
  return new RunError('AGENTLOAD_E_BROWSER_START', message);
}
