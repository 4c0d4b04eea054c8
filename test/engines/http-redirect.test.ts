/**
 * The next hop of a redirect (src/engines/http/redirect.ts): method and body
 * as got (Artillery's client) decides them, and what a hop to another origin
 * must not carry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFollowedRedirect, nextHop } from '../../src/engines/http/redirect.ts';
import type { DispatchOpts } from '../../src/engines/http/http-step.ts';

const post: DispatchOpts = {
  path: '/a/form?x=1', method: 'POST', body: '{"a":1}', headersTimeout: 0, bodyTimeout: 0,
  headers: ['content-type', 'application/json', 'Authorization', 'Basic dTpw', 'cookie', 'k=v', 'x-trace', 't1'],
};

test('303 turns into a GET without body or content-type; 307 and 308 keep method and body; a relative location resolves against the request URL', () => {
  const see = nextHop(303, 'done', 'http://127.0.0.1:8080', post)!;
  assert.equal(see.origin, 'http://127.0.0.1:8080');
  assert.deepEqual([see.opts.method, see.opts.path, see.opts.body], ['GET', '/a/done', null]);
  assert.deepEqual(see.opts.headers, ['Authorization', 'Basic dTpw', 'cookie', 'k=v', 'x-trace', 't1']);
  for (const status of [301, 302, 307, 308]) {
    const hop = nextHop(status, '/b?y=2', 'http://127.0.0.1:8080', post)!;
    assert.deepEqual([hop.opts.method, hop.opts.path, hop.opts.body], ['POST', '/b?y=2', '{"a":1}'], String(status));
    assert.equal(hop.opts.headers.length, post.headers.length);
  }
  const head = nextHop(303, '/c', 'http://127.0.0.1:8080', { ...post, method: 'HEAD', body: null })!;
  assert.equal(head.opts.method, 'HEAD');
});

test('a hop to another origin drops authorization and an explicit cookie header; a location that is not http(s) is not followed', () => {
  const away = nextHop(302, 'https://other.invalid:8443/x', 'http://127.0.0.1:8080', post)!;
  assert.equal(away.origin, 'https://other.invalid:8443');
  assert.deepEqual(away.opts.headers, ['content-type', 'application/json', 'x-trace', 't1']);
  assert.equal(nextHop(302, 'ftp://127.0.0.1/x', 'http://127.0.0.1:8080', post), null);
  assert.equal(nextHop(302, 'http://[bad', 'http://127.0.0.1:8080', post), null);
  assert.deepEqual([301, 302, 303, 307, 308].map(isFollowedRedirect), [true, true, true, true, true]);
  assert.deepEqual([300, 304, 305, 200, 404].map(isFollowedRedirect), [false, false, false, false, false]);
});
