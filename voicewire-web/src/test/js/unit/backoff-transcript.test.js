import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../main/resources/voicewire-web/lib/backoff.js';
import { TranscriptModel, stablePrefix, formatAudioTime } from '../../../main/resources/voicewire-web/lib/transcript-model.js';
import { errorName, isRetryable, isRetryableClose, retryAfter, withQuery, toWsBase } from '../../../main/resources/voicewire-web/lib/socket-core.js';

test('backoff doubles up to the cap with equal jitter, then gives up', () => {
  const lo = new Backoff({ random: () => 0, initialMillis: 100, maxMillis: 800, maxAttempts: 6 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => lo.next()), [50, 100, 200, 400, 400, 400]);
  assert.equal(lo.next(), -1);
  const hi = new Backoff({ random: () => 0.999999, initialMillis: 100, maxMillis: 800 });
  assert.deepEqual([1, 2, 3, 4, 5].map(() => hi.next()), [100, 200, 400, 800, 800]);
  assert.throws(() => new Backoff({ initialMillis: 0 }), /initialMillis must be > 0: 0/);
});

test('only a stable connection resets the attempt count', () => {
  const b = new Backoff({ random: () => 0, stableMillis: 1000 });
  b.next(); b.next();
  b.connected(0); b.disconnected(500);
  assert.equal(b.attempt, 2);
  b.connected(1000); b.disconnected(2500);
  assert.equal(b.attempt, 0);
});

test('error names: old _error spellings, retryability, close codes', () => {
  assert.equal(errorName('quota_exceeded_error'), 'quota_exceeded');
  assert.equal(errorName('unaccepted_terms_error'), 'unaccepted_terms');
  assert.equal(errorName('auth_error'), 'auth_error');
  assert.ok(!isRetryable('auth_error'));
  assert.ok(!isRetryable('quota_exceeded_error'));
  assert.ok(isRetryable('rate_limited'));
  assert.ok(isRetryable('session_time_limit_exceeded'));
  assert.ok(isRetryableClose(1006, ''));
  // a server failure on this very input (synthesis failed) fails the same way again
  assert.ok(!isRetryableClose(1011));
  assert.ok(!isRetryableClose(1008));
  // the inactivity timeout's error message before the 1008 decides (errors.json)
  assert.equal(retryAfter('input_timeout_exceeded', 1008), 'backoff');
  assert.equal(retryAfter(null, 1012), 'now');
});

test('URLs: ws scheme from http, query encoding, repeated keys, nulls skipped', () => {
  assert.equal(toWsBase('https://api.elevenlabs.io/'), 'wss://api.elevenlabs.io');
  assert.equal(toWsBase('http://127.0.0.1:8080'), 'ws://127.0.0.1:8080');
  assert.equal(withQuery('ws://h/p', { a: 'x y', b: undefined, k: ['1', '2'], t: true }), 'ws://h/p?a=x%20y&k=1&k=2&t=true');
});

test('stable-prefix mode holds back the last words of a partial', () => {
  assert.deepEqual(stablePrefix('the quick brown fox', 2), { stable: 'the quick', held: 'brown fox' });
  assert.deepEqual(stablePrefix('hi', 2), { stable: '', held: 'hi' });
  assert.deepEqual(stablePrefix(' a b ', 0), { stable: 'a b', held: '' });
});

test('transcript model: partials replace each other, commits clear them, seams mark them stale', () => {
  const m = new TranscriptModel({ stablePrefix: true, holdbackWords: 1 });
  assert.ok(m.partial('hello'));
  assert.ok(!m.partial('hello')); // repeat
  m.partial('hello wor');
  assert.deepEqual(m.view(), { segments: [], partial: 'hello', held: 'wor', stale: false });
  m.seam();
  assert.equal(m.view().stale, true);
  m.partial('hello world');
  assert.equal(m.view().stale, false);
  m.commit('Hello world.', 0, 1200, 5);
  assert.deepEqual(m.view(), { segments: [{ text: 'Hello world.', startMs: 0, endMs: 1200, at: 5 }], partial: '', held: '', stale: false });
  m.commit('   ');
  assert.equal(m.segments.length, 1);
  assert.equal(m.committedText(), 'Hello world.');
  assert.equal(formatAudioTime(61234), '1:01.2');
  assert.equal(formatAudioTime(NaN), '–');
});
