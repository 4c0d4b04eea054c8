/**
 * The gateway-only port (upstream's 8080): Prometheus metrics are served there and exempt from the
 * gateway's limits, and the A2A service's paths are 404 (the seed's gateway_performance_test.py asks
 * /api/v1/health of the gateway; upstream answers 404).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from '../../src/sim/start-sim.ts';

test('gateway port: /metrics answers Prometheus text past the endpoint limit, /api/v1/health is 404', async (t) => {
  const sim = await startSim({ port: 0, gatewayPort: 0, gatewayLimits: { endpointPerMin: 3 } });
  t.after(() => sim.close());
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${sim.gatewayUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /process_resident_memory_bytes/);
  }
  const health = await fetch(`${sim.gatewayUrl}/api/v1/health`);
  assert.equal(health.status, 404);
  assert.deepEqual(await health.json(), { detail: 'Not Found' });
});
