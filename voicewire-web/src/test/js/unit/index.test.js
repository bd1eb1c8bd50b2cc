import { test } from 'node:test';
import assert from 'node:assert/strict';

test('lib/voicewire.js exports every component', async () => {
  const m = await import('../../../main/resources/voicewire-web/lib/voicewire.js');
  for (const name of ['TtsSocket', 'MultiTtsSocket', 'DialogueSocket', 'SttSocket', 'Player', 'Microphone', 'TranscriptView', 'StatusIndicator',
    'LatencyPanel', 'JitterBuffer', 'Resampler']) {
    assert.equal(typeof m[name], 'function', name);
  }
});
