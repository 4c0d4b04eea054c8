/** The plans the fuzz test mutates: every shipped config (suites aside) and a small http plan that is also run. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A plan of the http engine only, small enough to run for a second against a test server. */
export const RUNNABLE_BASE = join(ROOT, 'test/fuzz/runnable-base.yml');

/** Plan files to mutate, in a fixed order (the seed → plan mapping depends on it). */
export const FUZZ_BASES: readonly string[] = [
  RUNNABLE_BASE,
  ...readdirSync(join(ROOT, 'configs')).filter((f) => f.endsWith('.yml') && f !== 'suite.yml').sort().map((f) => join(ROOT, 'configs', f)),
];
