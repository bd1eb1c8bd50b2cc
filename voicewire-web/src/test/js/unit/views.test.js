import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeStatus, describeCountdown } from '../../../main/resources/voicewire-web/lib/status-indicator.js';
import { niceStep, formatMetric } from '../../../main/resources/voicewire-web/lib/latency-panel.js';

test('status sentences: text for every state, attempts and countdown for reconnecting', () => {
  assert.equal(describeStatus({ state: 'connecting' }), 'Connecting…');
  assert.equal(describeStatus({ state: 'open' }), 'Connected');
  assert.equal(describeStatus({ state: 'open', reconnected: true }), 'Connected again');
  const waiting = { state: 'reconnecting', phase: 'waiting', attempt: 2, maxAttempts: 8, retryAt: 10_000 };
  assert.equal(describeStatus(waiting), 'Reconnecting (attempt 2 of 8)');
  assert.equal(describeCountdown(waiting, 8_760), ' in 1.2 s');
  assert.equal(describeCountdown(waiting, 20_000), ' in 0.0 s');
  assert.equal(describeStatus({ state: 'reconnecting', phase: 'connecting', attempt: 2, maxAttempts: 8 }), 'Reconnecting (attempt 2 of 8)…');
  assert.equal(describeCountdown({ state: 'open' }), '');
  assert.equal(describeStatus({ state: 'closed' }), 'Closed');
  assert.equal(describeStatus({ state: 'failed', error: 'auth_error', message: 'invalid token' }), 'Failed: invalid token');
  assert.equal(describeStatus({ state: 'failed', error: 'auth_error' }), 'Failed: auth_error');
});

test('latency panel: round grid steps and metric formatting', () => {
  assert.deepEqual([40, 90, 250, 600, 3000, 12000].map(niceStep), [50, 100, 200, 500, 2000, 10000]);
  assert.equal(formatMetric(123.6, 'ms'), '124 ms');
  assert.equal(formatMetric(NaN, 'ms'), '–');
  assert.equal(formatMetric(3, ''), '3');
});
