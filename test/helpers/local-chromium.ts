/**
 * Debian's chromium (installed by .ci/run) for tests, kept on 127.0.0.1.
 * Chromium calls Google's update and sign-in services by itself, even
 * headless and with background networking off; tests may send traffic only
 * to servers they start on 127.0.0.1, so every other host is resolved to
 * nothing and sent to a proxy on a closed port.
 */
import { chromium, type Browser } from 'playwright-core';

/** The chromium binary; AGENTLOAD_CHROMIUM overrides the path. */
export const CHROMIUM = process.env.AGENTLOAD_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep the browser off every address but 127.0.0.1. */
export const LOOPBACK_ONLY_ARGS: readonly string[] = [
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--disable-background-networking',
  '--disable-component-update',
];

export function launchLocalChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-dev-shm-usage', ...LOOPBACK_ONLY_ARGS],
    // Port 9 (discard) is closed here: whatever escapes the resolver rules goes nowhere.
    proxy: { server: 'http://127.0.0.1:9', bypass: '127.0.0.1' },
  });
}
