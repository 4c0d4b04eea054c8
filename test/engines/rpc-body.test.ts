/**
 * The tool-rpc request body: pre-built parts around the ids (rpc-request.ts).
 * A counter id's digits are written into the buffer directly; every id must
 * come out as JSON.stringify writes it, and the whole body must parse back to
 * the request it stands for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBody } from '../../src/engines/tool-rpc/rpc-request.ts';

const head = Buffer.from('{"jsonrpc":"2.0","method":"agent.ping","params":{"agent_id":"caf\u00e9"},"id":');
const tail = Buffer.from('}');

test('a single call: every id, counter or not, is written as JSON writes it', () => {
  const ids: Array<number | string> = [0, 1, 9, 10, 99, 100, 12345, 1_000_000, Number.MAX_SAFE_INTEGER, -3, 2.5, 1e21, 'req-7', 'quo"te', '\u00e9t\u00e9'];
  for (const id of ids) {
    const body = buildBody([head, tail], [id]);
    assert.equal(body.toString('utf8'), `${head.toString('utf8')}${JSON.stringify(id)}}`, String(id));
    assert.deepEqual(JSON.parse(body.toString('utf8')), { jsonrpc: '2.0', method: 'agent.ping', params: { agent_id: 'caf\u00e9' }, id });
  }
});

test('a batch: each call\'s id between its parts', () => {
  const parts = [Buffer.from('[{"jsonrpc":"2.0","method":"a","id":'), Buffer.from('},{"jsonrpc":"2.0","method":"b","id":'), Buffer.from('}]')];
  const body = buildBody(parts, [41, 'x']);
  assert.deepEqual(JSON.parse(body.toString('utf8')), [{ jsonrpc: '2.0', method: 'a', id: 41 }, { jsonrpc: '2.0', method: 'b', id: 'x' }]);
});
