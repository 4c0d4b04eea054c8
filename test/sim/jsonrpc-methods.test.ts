import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyQuery } from '../../src/sim/methods/modular-solve.ts';
import { rpc, startTestSim } from './sim-helpers.ts';

test('agent methods: register, ping, discover, route, unregister', async (t) => {
  const sim = await startTestSim(t);
  const reg = await rpc(sim, 'agent.register', { agent_card: { agent_id: 'a1', name: 'A1', capabilities: ['text-generation', 'summarization'] } });
  assert.equal(reg.status, 200);
  assert.deepEqual(reg.json.result, { success: true, agent_id: 'a1', message: 'agent registered' });
  const flat = await rpc(sim, 'agent.register', { capabilities: [{ name: 'text-generation' }] });
  assert.match(flat.json.result.agent_id, /^agent-/);

  const ping = await rpc(sim, 'agent.ping', { agent_id: 'a1' });
  assert.deepEqual(ping.json, { jsonrpc: '2.0', id: ping.json.id, result: { success: true, status: 'alive' } });

  const both = await rpc(sim, 'agent.discover', { capabilities: ['text-generation'] });
  assert.equal(both.json.result.total, 2);
  const one = await rpc(sim, 'agent.discover', { capabilities: ['text-generation', 'summarization'] });
  assert.deepEqual(one.json.result.agents.map((a: { agent_id: string }) => a.agent_id), ['a1']);
  const limited = await rpc(sim, 'agent.discover', { limit: 1 });
  assert.equal(limited.json.result.count, 1);
  assert.equal(limited.json.result.total, 2);
  const none = await rpc(sim, 'agent.discover', { capabilities: ['nope'] });
  assert.equal(none.json.result.total, 0);

  const routed = await rpc(sim, 'route.message', { envelope: { message_id: 'm1' }, required_capabilities: ['summarization'] });
  assert.deepEqual(routed.json.result, { success: true, message_id: 'm1', routed_to: 'a1', status: 'routed' });

  assert.deepEqual((await rpc(sim, 'agent.unregister', { agent_id: 'a1' })).json.result, { success: true, agent_id: 'a1' });
  assert.deepEqual((await rpc(sim, 'agent.unregister', { agent_id: 'a1' })).json.result, { success: false, agent_id: 'a1' });
  const missing = await rpc(sim, 'agent.unregister', {});
  assert.equal(missing.json.error.code, -32602);
  assert.match(missing.json.error.message, /agent_id/);
});

test('task methods and health.get_stats', async (t) => {
  const sim = await startTestSim(t);
  const created = await rpc(sim, 'task.create', { task_definition: { task_id: 't1', name: 'T1', required_capabilities: ['x'], priority: 3 } });
  assert.deepEqual(created.json.result, { success: true, task_id: 't1', status: 'pending' });
  await rpc(sim, 'task.create', { name: 'generated id' });
  const pending = await rpc(sim, 'task.query', { status: 'pending' });
  assert.equal(pending.json.result.total, 2);
  assert.equal(pending.json.result.tasks[1].task_id, 't1');
  assert.equal((await rpc(sim, 'task.query', { status: 'completed' })).json.result.total, 0);
  const byId = await rpc(sim, 'task.query', { task_id: 't1' });
  assert.equal(byId.json.result.tasks[0].priority, 3);
  assert.equal((await rpc(sim, 'task.query', { status: 'lost' })).json.error.code, -32602);
  assert.equal((await rpc(sim, 'task.create', { priority: 'high' })).json.error.code, -32602);

  const stats = await rpc(sim, 'health.get_stats', {});
  assert.equal(stats.json.result.status, 'healthy');
  assert.equal(stats.json.result.tasks_stored, 2);
  assert.equal(typeof stats.json.result.memory_rss_bytes, 'number');
  assert.ok(stats.json.result.requests_total >= 7);
});

test('tools.list and tools.execute with echo, calculator, current_time, web_search, flaky', async (t) => {
  const sim = await startTestSim(t, { toolLatencyScale: 0.01 });
  const list = await rpc(sim, 'tools.list', { limit: 2 });
  assert.equal(list.json.result.tools.length, 2);
  assert.ok(list.json.result.total >= 4);
  assert.equal(list.json.result.tools[0].tool_id, 'echo');

  const exec = (tool_id: string, parameters: unknown) => rpc(sim, 'tools.execute', { tool_id, parameters });
  const echo = await exec('echo', { message: 'hi' });
  assert.equal(echo.json.result.success, true);
  assert.deepEqual(echo.json.result.result, { message: 'hi' });
  for (const [operation, expected] of [['add', 8], ['subtract', 4], ['multiply', 12], ['divide', 3]] as const) {
    assert.equal((await exec('calculator', { operation, a: 6, b: 2 })).json.result.result, expected);
  }
  const byZero = await exec('calculator', { operation: 'divide', a: 1, b: 0 });
  assert.equal(byZero.status, 200);
  assert.equal(byZero.json.error.code, -32602);
  assert.match(byZero.json.error.message, /division by zero/);
  assert.equal((await exec('calculator', { operation: 'pow', a: 1, b: 2 })).json.error.code, -32602);
  assert.equal((await exec('calculator', { operation: 'add', a: '1', b: 2 })).json.error.code, -32602);

  const time = await exec('current_time', { timezone: 'Europe/London' });
  assert.equal(time.json.result.result.timezone, 'Europe/London');
  assert.ok(!Number.isNaN(Date.parse(time.json.result.result.iso)));
  assert.equal((await exec('current_time', { timezone: 'Mars/Olympus' })).json.error.code, -32602);

  const search = await exec('web_search', { query: 'agents', max_results: 2 });
  assert.equal(search.json.result.result.results.length, 2);
  assert.equal((await exec('flaky', { failure_rate: 1 })).json.error.code, -32000);
  assert.deepEqual((await exec('flaky', { failure_rate: 0 })).json.result.result, { ok: true });
  const unknown = await exec('nope', {});
  assert.equal(unknown.json.error.code, -32602);
  assert.ok(unknown.json.error.data.available.includes('echo'));
});

test('tools.execute_batch runs executions in parallel and reports each', async (t) => {
  // web_search takes 100-600 ms × 0.5; three in sequence would need at least 150 ms.
  const sim = await startTestSim(t, { toolLatencyScale: 0.5 });
  const slow = { tool_id: 'web_search', parameters: { query: 'q' } };
  const batch = await rpc(sim, 'tools.execute_batch', {
    executions: [slow, slow, slow, { tool_id: 'calculator', parameters: { operation: 'divide', a: 1, b: 0 } },
      { tool_id: 'echo', parameters: { message: 'x' } }],
  });
  const r = batch.json.result;
  assert.equal(r.total, 5);
  assert.equal(r.succeeded, 4);
  assert.equal(r.failed, 1);
  assert.equal(r.results[3].error.code, -32602);
  assert.deepEqual(r.results[4].result, { message: 'x' });
  assert.equal((await rpc(sim, 'tools.execute_batch', { executions: [] })).json.error.code, -32602);
});

test('tools.execute_with_fallback uses the first tool that succeeds', async (t) => {
  const sim = await startTestSim(t);
  const ok = await rpc(sim, 'tools.execute_with_fallback', {
    primary: { tool_id: 'echo', parameters: { message: 'primary' } },
    fallbacks: [{ tool_id: 'calculator', parameters: { operation: 'add', a: 1, b: 1 } }],
  });
  assert.equal(ok.json.result.tool_id, 'echo');
  assert.equal(ok.json.result.used_fallback, false);
  const fell = await rpc(sim, 'tools.execute_with_fallback', {
    primary: { tool_id: 'flaky', parameters: { failure_rate: 1 } },
    fallbacks: [{ tool_id: 'calculator', parameters: { operation: 'add', a: 1, b: 1 } }],
  });
  assert.equal(fell.json.result.tool_id, 'calculator');
  assert.equal(fell.json.result.result, 2);
  assert.equal(fell.json.result.used_fallback, true);
  assert.equal(fell.json.result.attempts.length, 2);
  const allFail = await rpc(sim, 'tools.execute_with_fallback', { primary: 'flaky', fallbacks: ['flaky'], parameters: { failure_rate: 1 } });
  assert.equal(allFail.json.error.code, -32000);
  assert.equal(allFail.json.error.data.attempts.length, 2);
});

test('tools.get_rate_limit_status reports tokens and quota', async (t) => {
  const sim = await startTestSim(t, { rateLimit: { ratePerSec: 1, burst: 5 }, quotas: { daily: 10 } });
  await rpc(sim, 'tools.execute', { tool_id: 'echo', parameters: {}, identifier: 'agent-7' });
  const status = await rpc(sim, 'tools.get_rate_limit_status', { tool_id: 'echo', identifier: 'agent-7' });
  const r = status.json.result;
  assert.equal(r.tool_id, 'echo');
  assert.equal(r.identifier, 'agent-7');
  assert.equal(r.rate_limit.limit, 5);
  assert.equal(r.rate_limit.remaining, 4);
  assert.equal(r.quota.daily.used, 1);
  assert.equal(r.quota.daily.remaining, 9);
  assert.equal(r.quota.monthly.limit, null);
});

test('modular.solve answers with a verified execution trace after a scaled latency', async (t) => {
  const sim = await startTestSim(t, { solveScale: 0.001 });
  const solved = await rpc(sim, 'modular.solve', { query: 'What is the capital of France?', config: { max_iterations: 5 } });
  const r = solved.json.result;
  assert.match(r.answer, /capital of France/);
  assert.equal(r.execution_trace.verification_passed, true);
  assert.equal(r.execution_trace.complexity, 'simple');
  assert.ok(r.execution_trace.confidence_score >= 0.85);
  assert.equal(r.execution_trace.steps.length, 4);
  const forced = await rpc(sim, 'modular.solve', { query: 'hi', config: { complexity: 'complex' } });
  assert.equal(forced.json.result.execution_trace.complexity, 'complex');
  assert.ok(forced.json.result.execution_trace.total_duration_ms >= 3);
  assert.equal((await rpc(sim, 'modular.solve', { config: {} })).json.error.code, -32602);
  const timedOut = await rpc(sim, 'modular.solve', { query: 'hi', config: { complexity: 'complex', timeout_seconds: 0.001 } });
  assert.equal(timedOut.json.error.code, -32000);
});

test('modular.solve can fail verification on demand', async (t) => {
  const sim = await startTestSim(t, { solveScale: 0, solveVerifyFailRate: 1 });
  const r = (await rpc(sim, 'modular.solve', { query: 'hi' })).json.result;
  assert.equal(r.execution_trace.verification_passed, false);
});

test('classifyQuery puts the seed queries in their complexity class', () => {
  for (const q of ['Hello', 'What is the capital of France?', 'Calculate 15% of 240', 'List the days of the week', 'What is the speed of light?']) {
    assert.equal(classifyQuery(q), 'simple', q);
  }
  for (const q of [
    'What is the capital of France and what is its population?',
    'Who invented the telephone and when was it patented?',
    'If a car travels 60 mph for 2.5 hours, how far does it go in kilometers?',
    'Compare the populations of New York City and Los Angeles',
    'What are the main differences between Python and JavaScript?',
  ]) assert.equal(classifyQuery(q), 'moderate', q);
  for (const q of [
    'Research top 3 programming languages by popularity, compare their use cases, and recommend one for web development',
    'Compare electric vs gas cars on cost, environmental impact, and convenience, then provide recommendation',
  ]) assert.equal(classifyQuery(q), 'complex', q);
});
