// The browser client's error table is the shared one: test-vectors/errors/errors.json, which
// the server and the Java SDK (voicewire-protocol ErrorPolicy) follow too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERRORS, CLOSE_CODES, DEFAULT_CLOSE_RETRY, HTTP_STATUSES, retryAfter, retryAfterHttpStatus } from '../../../main/resources/voicewire-web/lib/socket-core.js';

const TABLE = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../../test-vectors/errors/errors.json', import.meta.url)), 'utf8'));

test('socket-core.js has exactly the shared error table', () => {
  assert.deepEqual(JSON.parse(JSON.stringify(ERRORS)), TABLE.errors);
  assert.deepEqual({ ...CLOSE_CODES }, TABLE.closeCodes);
  assert.equal(DEFAULT_CLOSE_RETRY, TABLE.defaultCloseRetry);
  assert.deepEqual({ ...HTTP_STATUSES }, TABLE.httpStatuses);
  for (const s of [400, 404, 413, 422]) assert.equal(retryAfterHttpStatus(s), TABLE.defaultHttpRetry['4xx'], 'HTTP ' + s);
  for (const s of [500, 502, 503, 504]) assert.equal(retryAfterHttpStatus(s), TABLE.defaultHttpRetry['5xx'], 'HTTP ' + s);
});

test('every listed case decides as written', () => {
  assert.ok(TABLE.cases.length >= 8);
  for (const c of TABLE.cases) {
    assert.equal(retryAfter(c.error, c.close), c.retry, c.what);
  }
});
