/**
 * scanEnvelope must agree with JSON.parse on every body: not JSON where
 * JSON.parse throws, no envelope where the JSON is not an object, and the
 * same jsonrpc / id / error members (and presence of result) otherwise.
 * Checked on hand-picked bodies and on 3 000 seeded mutants of valid ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NOT_AN_OBJECT, scanEnvelope } from '../../src/engine/checks/rpc-envelope-scan.ts';

function byParse(text: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return NOT_AN_OBJECT;
  const r = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(r)) {
    if (k === 'result') out.result = true;
    else if (k === 'jsonrpc' || k === 'id' || k === 'error') out[k] = r[k];
  }
  return out;
}

function agree(text: string): void {
  const got = scanEnvelope(Buffer.from(text, 'utf8'));
  const want = byParse(text);
  if (want === NOT_AN_OBJECT) assert.equal(got, NOT_AN_OBJECT, text);
  else assert.deepEqual(got, want, JSON.stringify(text));
}

const VALID = [
  '{"jsonrpc":"2.0","result":{"success":true,"message":"Agent pinged successfully","timestamp":"2026-12-03T08:00:00.000000Z"},"id":1}',
  '{"jsonrpc":"2.0","error":{"code":-32001,"message":"Rate limit exceeded","data":{"retry_after":1.5}},"id":"a-7"}',
  ' \r\n\t{ "id" : null , "jsonrpc" : "2.0" , "error" : { "code" : -32700 , "message" : "Parse error" } } \n',
  '{"jsonrpc":"2.0","result":[1,-0.5,2e10,3.25E-3,true,false,null,"x\\"y\\\\z\\u00e9\\n",{"a":[[],{}]}],"id":9007199254740991}',
  '{"jsonrpc":"2.0","result":"caf\u00e9 \u{1F600}","id":1,"id":2}',
  '{"jsonr\\u0070c":"2.0","r\\u0065sult":0,"id":3}',
  '{"jsonrpc":"2.0","result":{},"error":{"code":1,"message":"both"},"id":1}',
  '{"jsonrpc":"2.0","result":1,"id":0}', '{"jsonrpc":"2.0","result":1,"id":-5}', '{"jsonrpc":"2.0","result":1,"id":1.5e3}',
  '{"jsonrpc":"2.0","result":1,"id":123456789012345}', '{"jsonrpc":"2.0","result":1,"id":12345678901234567890}',
  '{"jsonrpc":"2.0 ","result":1,"id":"é-\u00e9"}', '{"jsonrpc":"2.0","result":null,"id":[1]}',
  '{}', '[]', '"text"', '42', 'null', 'true',
  '{"jsonrpc":"2.0","result":' + '['.repeat(400) + ']'.repeat(400) + ',"id":1}',
];

const INVALID = [
  '', ' ', '{', '}', '{"jsonrpc":"2.0",}', '{"jsonrpc":"2.0" "id":1}', '{"jsonrpc":2.0.1}', '{"a":01}', '{"a":-}', '{"a":1.}',
  '{"a":1e}', '{"jsonrpc":"2.0","result":1,"id":007}', '{"jsonrpc":"2.0","result":1,"id":-}', '{"a":tru}', '{"a":nul}', '{"a":"\\x"}', '{"a":"\\u12g4"}', '{"a":"tab\there"}', '{"a":[1,]}', '{"a":[1 2]}',
  '{"a":1}x', '{"a":1}{"b":2}', '{a:1}', "{'a':1}", '\ufeff{"a":1}', '{"jsonrpc":"2.0","result":{"x":NaN},"id":1}',
  '<html>502 Bad Gateway</html>', '{"jsonrpc":"2.0","result":"unterminated,"id":1}',
];

test('hand-picked bodies: the same envelope as JSON.parse, or the same refusal', () => {
  for (const t of VALID) agree(t);
  for (const t of INVALID) {
    assert.equal(byParse(t), undefined, `fixture ${JSON.stringify(t)} is invalid JSON`);
    agree(t);
  }
});

test('nesting too deep to scan is handed back (null), for the caller to parse whole', () => {
  const deep = '{"jsonrpc":"2.0","result":' + '['.repeat(5000) + ']'.repeat(5000) + ',"id":1}';
  assert.equal(scanEnvelope(Buffer.from(deep)), null);
});

test('3 000 seeded mutants of valid answers: scanEnvelope and JSON.parse agree on each', () => {
  let seed = 0x2f6b1d;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  const alphabet = '{}[]":,.-+eE0123456789 \\u/tfnrab\n\t\u00e9';
  let refused = 0;
  for (let i = 0; i < 3000; i++) {
    const chars = [...VALID[rnd(VALID.length - 1)]!];
    for (let m = 1 + rnd(3); m > 0; m--) {
      const at = rnd(chars.length + 1);
      const op = rnd(3);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, alphabet[rnd(alphabet.length)]!);
      else chars[at] = alphabet[rnd(alphabet.length)]!;
    }
    const text = chars.join('');
    if (byParse(text) === undefined) refused++;
    agree(text);
  }
  // The mutants exercise both sides: many break the JSON, some keep it valid.
  assert.ok(refused > 300 && refused < 2900, `${refused} of 3000 mutants were not JSON`);
});
