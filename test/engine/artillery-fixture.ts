/**
 * Runs one of the Artillery-syntax plans under test/fixtures/artillery/
 * through the CLI against a target, and reads the JSON result it wrote.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../cli/cli-fixture.ts';

export const FIX = join(import.meta.dirname, '../fixtures/artillery');

/** The CLI's output and the parsed result (null when none was written: the test looks at the code). */
export async function runArtillery(plan: string, url: string, extra: string[] = []) {
  const { dir, cleanup } = tempDir('artillery');
  try {
    const out = join(dir, 'r.json');
    const r = await cli(['run', join(FIX, plan), '--target', url, '-o', out, '--no-console', '--grace', '5s', ...extra]);
    let result: any = null;
    try {
      result = JSON.parse(readFileSync(out, 'utf8'));
    } catch { /* no result written */ }
    return { ...r, result };
  } finally {
    cleanup();
  }
}
