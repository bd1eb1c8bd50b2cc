package io.voicewire.speech;

import java.util.Locale;

/** When a speech-to-text segment is committed (PROTOCOL.md §5.4). */
public enum CommitStrategy {
  /** The client commits; the server auto-commits every 90 s. */
  MANUAL,
  /** The server commits after {@code vad_silence_threshold_secs} of silence. */
  VAD;

  /** The wire name, {@code manual} or {@code vad}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code manual} or {@code vad}; throws {@link IllegalArgumentException} otherwise. */
  public static CommitStrategy parse(String s) {
    for (CommitStrategy c : values()) {
      if (c.wireName().equals(s)) {
        return c;
      }
    }
    throw new IllegalArgumentException("commit_strategy must be manual or vad: " + s);
  }
}
