import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSimConfigFile } from '../../src/sim/sim-config-file.ts';
import { DEFAULT_SIM_CONFIG, resolveSimConfig } from '../../src/sim/sim-config.ts';
import { mergeSimBlocks, parseSimArgs } from '../../src/sim/sim-flags.ts';

function codeOf(fn: () => unknown): { code: string; yamlPath?: string; message: string } {
  try {
    fn();
  } catch (err) {
    return err as { code: string; yamlPath?: string; message: string };
  }
  throw new Error('expected a throw');
}

test('an empty block resolves to the documented defaults', () => {
  const config = resolveSimConfig(undefined, 'test');
  assert.deepEqual(config, DEFAULT_SIM_CONFIG);
  // Upstream's behaviour by default: no sim extension is on.
  assert.equal(config.seedCompat, false);
  assert.equal(config.rateLimit, null);
  assert.equal(config.auth, false);
  assert.equal(config.bodyLimitBytes, null);
  assert.deepEqual(config.gatewayLimits, { endpointPerMin: 100, ipPerMin: 1000, ipPerSec: 100, ipCostPerRequest: 3 });
  assert.ok(Object.isFrozen(config));
});

test('nested sections merge with their defaults; durations and sizes accept units', () => {
  const config = resolveSimConfig({
    rateLimit: { burst: 10 }, degradeAfterMs: '30s', bodyLimitBytes: '64kib', latency: { minMs: '5ms', maxMs: 20 },
    solveLatency: { complex: { minMs: 100, maxMs: 200 } }, wsIdleTimeoutMs: 0,
  }, 'test');
  assert.deepEqual(config.rateLimit, { ratePerSec: 1000, burst: 10, limitAnonymous: false, penaltyMs: 0 });
  assert.equal(config.degradeAfterMs, 30_000);
  assert.equal(config.bodyLimitBytes, 65_536);
  assert.deepEqual(config.latency, { minMs: 5, maxMs: 20 });
  assert.deepEqual(config.solveLatency.complex, { minMs: 100, maxMs: 200 });
  assert.deepEqual(config.solveLatency.simple, DEFAULT_SIM_CONFIG.solveLatency.simple);
  assert.equal(config.wsIdleTimeoutMs, null);
  assert.equal(resolveSimConfig({ rateLimit: false }, 't').rateLimit, null);
  assert.equal(resolveSimConfig({ rateLimit: null }, 't').rateLimit, null);
});

test('invalid settings throw AGENTLOAD_E_SIM_CONFIG naming the key', () => {
  const cases: [unknown, string][] = [
    [{ prot: 8001 }, 'prot'],
    [{ port: 70000 }, 'port'],
    [{ rateLimit: { burst: 0 } }, 'rateLimit.burst'],
    [{ rateLimit: { rate: 5 } }, 'rateLimit.rate'],
    [{ errorStatus: 502 }, 'errorStatus'],
    [{ errorRate: 1.5 }, 'errorRate'],
    [{ latency: { fixedMs: 'soon' } }, 'latency.fixedMs'],
    [{ latency: { minMs: 5 } }, 'latency'],
    [{ latency: { minMs: 20, maxMs: 5 } }, 'latency.maxMs'],
    [{ quotas: { daily: -1 } }, 'quotas.daily'],
    [{ auth: 'yes' }, 'auth'],
    [{ degradeAfterMs: '30 sec' }, 'degradeAfterMs'],
    [[1, 2], '(root)'],
  ];
  for (const [raw, path] of cases) {
    const err = codeOf(() => resolveSimConfig(raw, 'sim.yml'));
    assert.equal(err.code, 'AGENTLOAD_E_SIM_CONFIG', JSON.stringify(raw));
    assert.equal(err.yamlPath, path, JSON.stringify(raw));
    assert.match(err.message, /\(in sim\.yml\)/);
  }
  const many = codeOf(() => resolveSimConfig({ a: 1, b: 2 }, 'x'));
  assert.match(many.message, /\+1 more: b/);
});

test('a YAML file loads, a sim: wrapper is accepted, and errors point at the line', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'agentload-sim-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const good = join(dir, 'good.yml');
  await writeFile(good, 'sim:\n  port: 0\n  rateLimit:\n    burst: 5\n');
  assert.deepEqual(await loadSimConfigFile(good), { port: 0, rateLimit: { burst: 5 } });
  const bad = join(dir, 'bad.yml');
  await writeFile(bad, 'port: 0\nrateLimit:\n  ratePerSec: 10\n  burst: many\n');
  const err = await loadSimConfigFile(bad).catch((e: unknown) => e) as { code: string; location: { line: number }; yamlPath: string };
  assert.equal(err.code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.equal(err.yamlPath, 'rateLimit.burst');
  assert.equal(err.location.line, 4);
  const broken = join(dir, 'broken.yml');
  await writeFile(broken, 'port: [1,\n');
  assert.equal((await loadSimConfigFile(broken).catch((e: { code: string }) => e)).code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.equal((await loadSimConfigFile(join(dir, 'missing.yml')).catch((e: { code: string }) => e)).code, 'AGENTLOAD_E_SIM_CONFIG');
});

test('flags map onto config keys; bare durations are seconds', () => {
  const args = parseSimArgs(['--port', '0', '--host=0.0.0.0', '--latency', '5ms', '--error-rate', '0.1', '--degrade-after', '30',
    '--rate-limit', '100', '--burst', '20', '--auth', '--solve-scale', '0.01', '--leak-mb-per-min', '5', '--config', 'sim.yml']);
  assert.equal(args.configPath, 'sim.yml');
  assert.deepEqual(args.overrides, {
    port: 0, host: '0.0.0.0', latency: { fixedMs: 5 }, errorRate: 0.1, degradeAfterMs: 30_000,
    rateLimit: { ratePerSec: 100, burst: 20 }, auth: true, solveScale: 0.01, leakMbPerMin: 5,
  });
  assert.deepEqual(parseSimArgs(['--latency', '5ms-20ms']).overrides, { latency: { minMs: 5, maxMs: 20 } });
  assert.deepEqual(parseSimArgs(['--no-rate-limit']).overrides, { rateLimit: null });
  assert.equal(parseSimArgs(['-h']).isHelp, true);
  assert.deepEqual(parseSimArgs(['--config-json', '{"auth":true}']).configJson, { auth: true });
});

test('bad flags throw usage errors naming the flag', () => {
  assert.equal(codeOf(() => parseSimArgs(['--bogus'])).code, 'AGENTLOAD_E_USAGE');
  assert.equal(codeOf(() => parseSimArgs(['--port'])).code, 'AGENTLOAD_E_USAGE');
  assert.equal(codeOf(() => parseSimArgs(['--auth=yes'])).code, 'AGENTLOAD_E_USAGE');
  const notNumber = codeOf(() => parseSimArgs(['--error-rate', 'lots']));
  assert.equal(notNumber.code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.match(notNumber.message, /^--error-rate: expected a number, got "lots"$/);
  const outOfRange = codeOf(() => parseSimArgs(['--error-rate', '2']));
  assert.equal(outOfRange.code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.match(outOfRange.message, /^--error-rate: expected a number from 0 to 1, got 2$/);
  assert.match(codeOf(() => parseSimArgs(['--burst', '0'])).message, /^--burst:/);
  assert.equal(codeOf(() => parseSimArgs(['--latency', 'fast'])).code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.equal(codeOf(() => parseSimArgs(['--config-json', '{'])).code, 'AGENTLOAD_E_SIM_CONFIG');
});

test('mergeSimBlocks layers sections one level deep', () => {
  assert.deepEqual(mergeSimBlocks({ rateLimit: { ratePerSec: 5, burst: 10 }, latency: { minMs: 1, maxMs: 2 } },
    { rateLimit: { burst: 20 }, latency: { fixedMs: 3 } }, undefined),
  { rateLimit: { ratePerSec: 5, burst: 20 }, latency: { fixedMs: 3 } });
});
