import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCompressed, pcmFallback, chooseOutputFormat, canDecode, opusPacketSamples }
  from '../../../main/resources/voicewire-web/lib/compressed-decoder.js';
import { MultiTtsSocket } from '../../../main/resources/voicewire-web/lib/multi-tts-socket.js';

test('compressed format names parse; PCM of the same rate is the fallback', () => {
  assert.deepEqual(parseCompressed('mp3_44100_128'), { codec: 'mp3', sampleRate: 44100, kbps: 128 });
  assert.deepEqual(parseCompressed('opus_48000_64'), { codec: 'opus', sampleRate: 48000, kbps: 64 });
  assert.equal(parseCompressed('pcm_16000'), null);
  assert.equal(parseCompressed('mp3_44100'), null);
  assert.equal(pcmFallback('mp3_22050_32'), 'pcm_22050');
  assert.equal(pcmFallback('opus_48000_192'), 'pcm_48000');
  assert.equal(pcmFallback('ulaw_8000'), 'ulaw_8000');
});

test('without WebCodecs (Node) nothing is decodable and PCM is chosen', async () => {
  assert.equal(await canDecode('mp3_44100_128'), false);
  assert.equal(await chooseOutputFormat('mp3_44100_128'), 'pcm_44100');
  assert.equal(await chooseOutputFormat('opus_48000_64'), 'pcm_48000');
  assert.equal(await chooseOutputFormat('pcm_24000'), 'pcm_24000');
});

test('Opus packet durations come from the TOC byte (RFC 6716)', () => {
  assert.equal(opusPacketSamples(Uint8Array.of((9 << 3) | 0)), 960);   // SILK 20 ms, one frame
  assert.equal(opusPacketSamples(Uint8Array.of((31 << 3) | 1)), 1920); // CELT 20 ms, two frames
  assert.equal(opusPacketSamples(Uint8Array.of((16 << 3) | 3, 3)), 360); // CELT 2.5 ms × 3
  assert.equal(opusPacketSamples(new Uint8Array(0)), 0);
});

test('the multi-context socket stays PCM/μ-law', () => {
  assert.throws(() => new MultiTtsSocket({ voiceId: 'v', outputFormat: 'opus_48000_64' }), /outputFormat must be pcm_<rate> or ulaw_8000: opus_48000_64/);
});
