package io.voicewire.client.contract;

import java.util.Arrays;

/**
 * The double's "synthesis": {@link #MS_PER_CHAR} ms of a quiet tone per character, in the
 * requested {@code output_format}. PCM is 16-bit little-endian mono; μ-law/A-law one byte a sample;
 * MP3 and Opus are silent frames of the right size (the double does not encode, and nothing reads
 * more than their length). Stateless: thread safe.
 */
final class DoubleAudio {
  static final int MS_PER_CHAR = 10;

  private DoubleAudio() {}

  /**
   * Fills an alignment object for {@code text}: the HTTP form (seconds, start and end times)
   * or the WebSocket form (milliseconds, start times and durations).
   */
  static void align(com.fasterxml.jackson.databind.node.ObjectNode al, String text,
      boolean http) {
    var chars = al.putArray(http ? "characters" : "chars");
    var starts = al.putArray(http ? "character_start_times_seconds" : "charStartTimesMs");
    var second = al.putArray(http ? "character_end_times_seconds" : "charsDurationsMs");
    for (int i = 0; i < text.length(); i++) {
      chars.add(String.valueOf(text.charAt(i)));
      if (http) {
        starts.add(i * MS_PER_CHAR / 1000.0);
        second.add((i + 1) * MS_PER_CHAR / 1000.0);
      } else {
        starts.add(i * MS_PER_CHAR);
        second.add(MS_PER_CHAR);
      }
    }
  }

  /** The sample rate an official {@code output_format} name carries. */
  static int sampleRate(String format) {
    String[] p = format.split("_");
    return Integer.parseInt(p[1]);
  }

  /** Audio for {@code chars} characters in {@code format}. */
  static byte[] audio(String format, int chars) {
    int ms = Math.max(1, chars) * MS_PER_CHAR;
    int rate = sampleRate(format);
    int samples = rate * ms / 1000;
    if (format.startsWith("pcm_")) {
      byte[] out = new byte[samples * 2];
      for (int i = 0; i < samples; i++) {
        short v = (short) (800 * Math.sin(2 * Math.PI * 440 * i / rate));
        out[2 * i] = (byte) v;
        out[2 * i + 1] = (byte) (v >> 8);
      }
      return out;
    }
    if (format.startsWith("ulaw_") || format.startsWith("alaw_")) {
      byte[] out = new byte[samples];
      Arrays.fill(out, format.startsWith("ulaw_") ? (byte) 0xFF : (byte) 0xD5); // silence
      return out;
    }
    // mp3/opus: bitrate × duration bytes, an MPEG frame sync at the start
    int kbps = Integer.parseInt(format.split("_")[2]);
    byte[] out = new byte[Math.max(4, kbps * ms / 8)];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xFB;
    return out;
  }
}
