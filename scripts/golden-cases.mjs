// The requests scripts/record-golden.mjs sends to the real AgentCore services,
// grouped by the golden file they are written to. Each case: `name`,
// `service` (a2a = the JSON-RPC service, upstream port 8001; gateway = the HTTP
// gateway, upstream port 8080), then `http: {method, path, headers, body |
// bodyRaw}` or `ws: {path, send: [frames]}`. Optional: `capture` (vars taken
// from the JSON answer, used later as {{var}}), `repeat` (send N times, record
// the last answer and the count of each status), `once` (record in one pass
// only: the case changes server state for a minute), `loose` (paths compared by
// type only).

const RPC = '/api/v1/jsonrpc';
const AGENT = 'golden-agent-1';
let nextId = 1;
/** A JSON-RPC call case on the A2A service. */
function rpc(name, method, params, extra = {}) {
  const body = { jsonrpc: '2.0', method, id: nextId++ };
  if (params !== undefined) body.params = params;
  return { name, service: 'a2a', http: { method: 'POST', path: RPC, body }, ...extra };
}
function raw(name, bodyRaw, extra = {}) {
  return { name, service: 'a2a', http: { method: 'POST', path: RPC, bodyRaw }, ...extra };
}
function get(name, service, path, extra = {}) {
  return { name, service, http: { method: 'GET', path, ...(extra.headers ? { headers: extra.headers } : {}) }, ...extra };
}
const exec = (tool_id, parameters, agent_id = AGENT) => ({ tool_id, parameters, ...(agent_id ? { agent_id } : {}) });
const CARD = {
  agent_id: AGENT,
  agent_name: 'golden agent',
  endpoints: [{ url: 'http://127.0.0.1:9000/', type: 'http' }],
  capabilities: [{ name: 'echo' }],
  authentication: { type: 'none' },
};
// pydantic's validation texts name its version and docs URLs: shape only.
const PYDANTIC = ['error.data.details', 'error.data.validation_errors'];

export const CASES = {
  protocol: [
    rpc('rpc.ping', 'rpc.ping'),
    rpc('rpc.version', 'rpc.version'),
    { ...raw('notification without id', JSON.stringify({ jsonrpc: '2.0', method: 'rpc.ping' })) },
    raw('id null is a notification', JSON.stringify({ jsonrpc: '2.0', method: 'rpc.ping', id: null })),
    raw('no method', JSON.stringify({ jsonrpc: '2.0', id: 'no-method' }), { loose: PYDANTIC }),
    raw('jsonrpc 1.0', JSON.stringify({ jsonrpc: '1.0', method: 'rpc.ping', id: 'v1' }), { loose: PYDANTIC }),
    rpc('unknown method', 'no.such.method', {}),
    // Python's json module words the reason and counts the position its own way: compared by shape.
    raw('malformed JSON', '{bad', { loose: ['detail'] }),
    raw('empty body', ''),
    raw('JSON string body', '"hello"'),
    raw('JSON number body', '42'),
    raw('batch of two', JSON.stringify([{ jsonrpc: '2.0', method: 'rpc.ping', id: 1 }, { jsonrpc: '2.0', method: 'rpc.version', id: 2 }])),
    raw('batch with a notification', JSON.stringify([{ jsonrpc: '2.0', method: 'rpc.ping' }, { jsonrpc: '2.0', method: 'rpc.ping', id: 'b' }])),
    raw('empty batch', '[]'),
    raw('batch with a number', '[1]'),
    raw('params as an array', JSON.stringify({ jsonrpc: '2.0', method: 'tools.list', params: [1], id: 'arr' })),
    rpc('string id', 'rpc.ping', undefined),
    raw('10 KB payload', JSON.stringify({ jsonrpc: '2.0', method: 'rpc.ping', params: { data: 'x'.repeat(10240) }, id: 'big' })),
  ],
  health: [
    get('health', 'a2a', '/api/v1/health'),
    get('health live', 'a2a', '/api/v1/health/live'),
    get('health ready', 'a2a', '/api/v1/health/ready'),
    { name: 'REST ping', service: 'a2a', http: { method: 'POST', path: '/api/v1/jsonrpc/ping' } },
    get('GET on the JSON-RPC path', 'a2a', RPC),
    get('unknown path', 'a2a', '/api/v1/nope'),
  ],
  tools: [
    rpc('tools.list', 'tools.list', {}, { loose: ['result.tools[].description'] }),
    rpc('tools.list by category', 'tools.list', { category: 'utility' }, { loose: ['result.tools[].description'] }),
    rpc('tools.list bad category', 'tools.list', { category: 'nope' }),
    rpc('tools.get calculator', 'tools.get', { tool_id: 'calculator' }, { loose: ['result.description', 'result.parameters.*.description'] }),
    rpc('tools.get echo', 'tools.get', { tool_id: 'echo' }, { loose: ['result.description', 'result.parameters.*.description'] }),
    rpc('tools.get get_current_time', 'tools.get', { tool_id: 'get_current_time' }, { loose: ['result.description', 'result.parameters.*.description'] }),
    rpc('tools.get without tool_id', 'tools.get', {}),
    rpc('tools.get unknown', 'tools.get', { tool_id: 'nope' }),
    rpc('tools.execute echo', 'tools.execute', exec('echo', { message: 'hello golden world' })),
    rpc('tools.execute echo uppercase', 'tools.execute', exec('echo', { message: 'hi', uppercase: true })),
    rpc('tools.execute echo without message', 'tools.execute', exec('echo', {})),
    ...['+', '-', '*', '/', '%', '**', '^'].map((op) => rpc(`tools.execute calculator ${op}`, 'tools.execute', exec('calculator', { operation: op, a: 7, b: 2 }))),
    rpc('tools.execute calculator floats', 'tools.execute', exec('calculator', { operation: '*', a: 1.5, b: 2.25 })),
    rpc('tools.execute calculator division by zero', 'tools.execute', exec('calculator', { operation: '/', a: 1, b: 0 })),
    rpc('tools.execute calculator modulo by zero', 'tools.execute', exec('calculator', { operation: '%', a: 1, b: 0 })),
    rpc('tools.execute calculator bad operation', 'tools.execute', exec('calculator', { operation: 'sqrt', a: 1, b: 2 })),
    rpc('tools.execute calculator add word', 'tools.execute', exec('calculator', { operation: 'add', a: 1, b: 2 })),
    rpc('tools.execute calculator missing b', 'tools.execute', exec('calculator', { operation: '+', a: 1 })),
    rpc('tools.execute calculator string operand', 'tools.execute', exec('calculator', { operation: '+', a: 'x', b: 2 })),
    rpc('tools.execute get_current_time', 'tools.execute', exec('get_current_time', {})),
    rpc('tools.execute get_current_time unix', 'tools.execute', exec('get_current_time', { format: 'unix' })),
    rpc('tools.execute get_current_time human', 'tools.execute', exec('get_current_time', { timezone: 'utc', format: 'human' })),
    rpc('tools.execute get_current_time other timezone', 'tools.execute', exec('get_current_time', { timezone: 'America/New_York' })),
    rpc('tools.execute get_current_time bad format', 'tools.execute', exec('get_current_time', { format: 'rfc' })),
    rpc('tools.execute without agent_id', 'tools.execute', exec('echo', { message: 'x' }, null)),
    rpc('tools.execute without tool_id', 'tools.execute', { parameters: {}, agent_id: AGENT }),
    rpc('tools.execute unknown tool', 'tools.execute', exec('nope', {})),
    rpc('tools.execute old name current_time', 'tools.execute', exec('current_time', {})),
    raw('tools.execute with a2a_context', JSON.stringify({
      jsonrpc: '2.0', method: 'tools.execute', id: 'ctx', params: { tool_id: 'echo', parameters: { message: 'ctx' } },
      a2a_context: { source_agent: AGENT, timestamp: '2026-01-01T00:00:00Z' },
    })),
    rpc('tools.execute_batch', 'tools.execute_batch', {
      requests: [exec('echo', { message: 'a' }), exec('calculator', { operation: '+', a: 1, b: 2 }), exec('get_current_time', {}), exec('nope', {})],
    }),
    rpc('tools.execute_batch without requests', 'tools.execute_batch', {}),
    rpc('tools.execute_batch with old key tools', 'tools.execute_batch', { tools: [exec('echo', { message: 'a' })] }),
    rpc('tools.execute_batch entry without agent_id', 'tools.execute_batch', { requests: [exec('echo', { message: 'a' }, null)] }),
    rpc('tools.execute_with_fallback primary ok', 'tools.execute_with_fallback', {
      primary: exec('echo', { message: 'p' }), fallback: exec('echo', { message: 'f' }),
    }),
    rpc('tools.execute_with_fallback primary fails', 'tools.execute_with_fallback', {
      primary: exec('calculator', { operation: '/', a: 1, b: 0 }), fallback: exec('echo', { message: 'f' }),
    }),
    rpc('tools.execute_with_fallback unknown primary', 'tools.execute_with_fallback', {
      primary: exec('flaky_tool', {}), fallback: exec('echo', { message: 'f' }),
    }),
    rpc('tools.execute_with_fallback without fallback', 'tools.execute_with_fallback', { primary: exec('echo', { message: 'p' }) }),
    rpc('tools.execute_with_fallback with old key fallbacks', 'tools.execute_with_fallback', {
      primary: exec('echo', { message: 'p' }), fallbacks: [exec('echo', { message: 'f' })],
    }),
    rpc('tools.execute_with_fallback without agent_id', 'tools.execute_with_fallback', {
      primary: exec('echo', { message: 'p' }, null), fallback: exec('calculator', { operation: '+', a: 1, b: 1 }, null),
    }),
    rpc('tools.execute_with_fallback fallback without agent_id', 'tools.execute_with_fallback', {
      primary: exec('calculator', { operation: 'add', a: 1, b: 1 }), fallback: exec('echo', { message: 'f' }, null),
    }),
    rpc('tools.get_rate_limit_status', 'tools.get_rate_limit_status', { tool_id: 'echo', agent_id: AGENT }),
    rpc('tools.get_rate_limit_status without tool_id', 'tools.get_rate_limit_status', { agent_id: AGENT }),
    rpc('tools.get_rate_limit_status unknown tool', 'tools.get_rate_limit_status', { tool_id: 'nope', agent_id: AGENT }),
    rpc('tools.search', 'tools.search', { name_query: 'calc' }, { loose: ['result.tools[].description'] }),
  ],
  agents: [
    rpc('agent.register', 'agent.register', { agent_card: CARD, override_existing: true }),
    rpc('agent.register again without override', 'agent.register', { agent_card: CARD }),
    rpc('agent.register without agent_card', 'agent.register', {}),
    rpc('agent.register card without endpoints', 'agent.register', {
      agent_card: { agent_name: 'x', authentication: { type: 'none' } },
    }, { loose: PYDANTIC }),
    rpc('agent.register seed-style params', 'agent.register', { agent_id: 'seed-1', name: 'seed', capabilities: ['echo'] }),
    rpc('agent.ping', 'agent.ping', { agent_id: AGENT }),
    rpc('agent.ping unknown agent', 'agent.ping', { agent_id: 'nobody' }),
    rpc('agent.ping empty params', 'agent.ping', {}),
    rpc('agent.ping no params', 'agent.ping'),
    rpc('agent.get', 'agent.get', { agent_id: AGENT }),
    rpc('agent.get unknown', 'agent.get', { agent_id: 'nobody' }),
    rpc('agent.discover by capability', 'agent.discover', { capabilities: ['echo'] }),
    rpc('agent.discover nothing matches', 'agent.discover', { capabilities: ['no-such-capability'] }),
    rpc('agent.unregister unknown', 'agent.unregister', { agent_id: 'nobody' }),
  ],
  tasks: [
    rpc('task.create', 'task.create', {
      task_definition: { task_type: 'golden.test', title: 'golden task', description: 'd', priority: 'normal', input_data: { q: 1 } },
      auto_assign: false,
    }, { capture: { execution_id: 'result.execution_id' } }),
    rpc('task.create high priority', 'task.create', {
      task_definition: { task_type: 'golden.test', title: 'golden task 2', priority: 'high' }, auto_assign: false,
    }),
    rpc('task.create bad priority', 'task.create', {
      task_definition: { task_type: 'golden.test', title: 't', priority: 'urgent' },
    }, { loose: PYDANTIC }),
    rpc('task.create without title', 'task.create', { task_definition: { task_type: 'golden.test' } }, { loose: PYDANTIC }),
    rpc('task.create without task_definition', 'task.create', { task_type: 'golden.test', title: 't' }),
    rpc('task.create empty params', 'task.create', {}),
    // A field validator's ValueError cannot be JSON-encoded upstream: HTTP 500, id null.
    rpc('task.create task_type without namespace', 'task.create', { task_definition: { task_type: 'generation', title: 't' } }),
    rpc('task.create blank title', 'task.create', { task_definition: { task_type: 'golden.test', title: '  ' } }),
    rpc('task.get', 'task.get', { execution_id: '{{execution_id}}' }),
    rpc('task.get unknown', 'task.get', { execution_id: 'nope' }),
    rpc('task.query by type', 'task.query', { task_type: 'no-such-type', limit: 5 }),
    rpc('task.query bad status', 'task.query', { status: 'nope' }),
  ],
  routing: [
    rpc('health.get_stats', 'health.get_stats', {}),
    rpc('route.message to an unknown destination', 'route.message', {
      envelope: { message_id: 'golden-msg-1', source: 'golden', destination: 'nobody', timestamp: '2026-01-01T00:00:00Z', payload: { jsonrpc: '2.0', method: 'generate', id: 'm1' } },
      required_capabilities: ['text-generation'],
    }),
    rpc('route.message by capability', 'route.message', {
      envelope: { message_id: 'golden-msg-2', source: 'golden', timestamp: '2026-01-01T00:00:00Z', payload: { jsonrpc: '2.0', method: 'generate', id: 'm2' } },
      required_capabilities: ['text-generation'],
    }),
    rpc('route.message seed envelope', 'route.message', {
      envelope: { message_id: 'msg-1', sender_id: 'a', recipient_id: 'any', message_type: 'request', payload: { action: 'generate', input: 'test' }, timestamp: '2025-09-30T00:00:00Z' },
      required_capabilities: ['text-generation'],
    }, { loose: PYDANTIC }),
    rpc('route.message empty params', 'route.message', {}),
    rpc('route.message bad strategy', 'route.message', {
      envelope: { source: 'golden', destination: 'nobody', timestamp: '2026-01-01T00:00:00Z', payload: { jsonrpc: '2.0', method: 'generate', id: 'm3' } },
      strategy: 'bogus',
    }),
  ],
  'ws-events': [
    { name: 'ws without subscriber_id', service: 'a2a', ws: { path: '/api/v1/ws/events' } },
    {
      name: 'ws ping, subscribe, non-JSON frame', service: 'a2a',
      ws: {
        path: '/api/v1/ws/events?subscriber_id=golden-ws',
        send: [{ message_type: 'ping', payload: { timestamp: 't1' } }, { message_type: 'subscribe', payload: { event_types: ['task.created'] } },
          { message_type: 'other' }, 'not json'],
      },
    },
    { name: 'ws on the old path', service: 'a2a', ws: { path: '/ws/events?subscriber_id=x' } },
  ],
  gateway: [
    get('gateway health', 'gateway', '/health', { loose: ['status', 'checks'] }),
    get('gateway live', 'gateway', '/live'),
    get('gateway ready', 'gateway', '/ready'),
    get('gateway /auth/me without token', 'gateway', '/auth/me'),
    get('gateway /auth/me with a bad token', 'gateway', '/auth/me', { headers: { authorization: 'Bearer garbage' } }),
    { name: 'gateway /auth/token bad password', service: 'gateway', http: { method: 'POST', path: '/auth/token', body: { grant_type: 'password', username: 'user', password: 'wrong' } } },
    { name: 'gateway /auth/token missing fields', service: 'gateway', http: { method: 'POST', path: '/auth/token', body: {} }, loose: ['detail'] },
    {
      name: 'gateway /auth/token', service: 'gateway',
      http: { method: 'POST', path: '/auth/token', body: { grant_type: 'password', username: 'user', password: 'user123' } },
      capture: { token: 'access_token' },
    },
    get('gateway /auth/me', 'gateway', '/auth/me', { headers: { authorization: 'Bearer {{token}}' } }),
    get('gateway realtime stats', 'gateway', '/realtime/stats', { loose: ['connection_pool', 'event_bus', 'subscriptions'] }),
    get('gateway realtime health', 'gateway', '/realtime/health', { loose: ['connection_pool', 'event_bus', 'subscriptions'] }),
    get('gateway realtime SSE', 'gateway', '/realtime/events?topics=golden&event_types=task.created', { headers: { accept: 'text/event-stream' } }),
    { name: 'gateway does not serve JSON-RPC', service: 'gateway', http: { method: 'POST', path: RPC, body: { jsonrpc: '2.0', method: 'rpc.ping', id: 1 } } },
    get('gateway unknown path', 'gateway', '/nope'),
    // The A2A service's health path is not the gateway's: 404 there (gateway_performance_test.py asks it).
    get('gateway /api/v1/health', 'gateway', '/api/v1/health'),
    { name: 'gateway realtime ws without token', service: 'gateway', ws: { path: '/realtime/ws', send: [{ type: 'ping' }, 'not json'] } },
    { name: 'gateway realtime ws with token', service: 'gateway', ws: { path: '/realtime/ws?token={{token}}', send: [{ type: 'ping' }] } },
    {
      name: 'gateway endpoint rate limit', service: 'gateway', repeat: 101, once: true,
      http: { method: 'GET', path: '/rate-limit-probe' },
      note: 'upstream default: 100 requests per 60 s per method+path (unknown paths too), for all clients together; the 101st is refused',
    },
  ],
};
