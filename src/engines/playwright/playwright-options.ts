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
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
  /** `useSeparateBrowserPerVU`: each user launches its own browser, closed when the user ends. */
  readonly isBrowserPerUser: boolean;
  /** `trace`, when on (trace-recorder.ts). */
  readonly trace: TraceOptions | null;
}

/** Artillery's `trace` options, defaults applied. */
export interface TraceOptions {
  /** `maxConcurrentRecordings`: users recording at once (per process). */
  readonly maxConcurrent: number;
  /** `maxTraceRecordings`: traces saved per process, at most. */
  readonly maxSaved: number;
  /** `recordingIntervalSec` in ms, or null for Artillery's default: a whole number of minutes from 1 to 5, drawn once. */
  readonly intervalMs: number | null;
  /** `recordSuccessfulVUs`: also save the traces of users whose test functions all passed. */
  readonly isSavingSuccesses: boolean;
  /** Where the zips go: `outputDir`, else $PLAYWRIGHT_TRACING_OUTPUT_DIR (Artillery's), else a new folder under the system's temp dir. */
  readonly outputDir: string;
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
    isBrowserPerUser: c.useSeparateBrowserPerVU === true,
    trace: traceOptions(c.trace, env),
  };
}

/** `trace: true`, or an object whose `enabled` is not false, turns tracing on (Artillery's rule). */
function traceOptions(raw: unknown, env: NodeJS.ProcessEnv): TraceOptions | null {
  const t = (raw !== null && typeof raw === 'object' ? raw : { enabled: raw === true }) as Record<string, unknown>;
  if (t.enabled === false) return null;
  const count = (v: unknown, dflt: number): number => (typeof v === 'number' && v >= 1 ? Math.floor(v) : dflt);
  const dir = typeof t.outputDir === 'string' && t.outputDir !== '' ? t.outputDir : env.PLAYWRIGHT_TRACING_OUTPUT_DIR;
  return {
    maxConcurrent: count(t.maxConcurrentRecordings, 5),
    maxSaved: count(t.maxTraceRecordings, 360),
    intervalMs: typeof t.recordingIntervalSec === 'number' && t.recordingIntervalSec >= 0 ? t.recordingIntervalSec * 1000 : null,
    isSavingSuccesses: t.recordSuccessfulVUs === true,
    outputDir: dir !== undefined && dir !== '' ? resolve(dir) : join(tmpdir(), `agentload-traces-${process.pid}-${Date.now()}`),
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
