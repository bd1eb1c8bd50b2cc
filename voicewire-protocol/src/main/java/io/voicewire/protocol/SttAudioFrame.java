package io.voicewire.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A plain {@code input_audio_chunk} as a client sent it (PROTOCOL.md §5.2), recognised by a
 * targeted scan instead of a parse: a flat object with {@code message_type}
 * {@code "input_audio_chunk"}, {@code audio_base_64} (padded standard base64, validated),
 * optionally {@code "commit":false} and an integer {@code sample_rate}, and nothing else. A relay
 * forwards {@link #frame()}, the message's bytes as received, upstream unchanged and keeps them
 * for replay; the audio is decoded only when it is needed ({@link #decodeAudio()}).
 *
 * <p>{@link #scan} answers null for every other message (a commit, {@code previous_text}, escapes,
 * unknown or repeated members, anything malformed, anything not ASCII): the caller then decodes
 * it with {@link SttClientMessage#decode}, which accepts or rejects it as before. Whatever the
 * scan accepts, {@code decode} accepts with the same meaning.
 *
 * <p>A frame is a view: its message is {@code frame[offset, offset + length)}, and the array may
 * hold other bytes around it. A frame made by {@link #scanView} borrows the caller's buffer and is
 * valid only until the caller reuses it; whoever keeps such a frame past that keeps
 * {@link #detached()}.
 *
 * @param frame the array holding the message's bytes, exactly as received (ASCII, so also its
 *     UTF-8); shared, not to be modified
 * @param offset index of the message's first byte in {@code frame}
 * @param length the message's length in bytes
 * @param audioFrom index of the first base64 character of the audio in {@code frame}
 * @param audioTo index after the last base64 character
 * @param audioBytes the decoded length of the audio
 * @param sampleRate the rate the client says the audio has, or null when absent
 */
public record SttAudioFrame(byte[] frame, int offset, int length, int audioFrom, int audioTo,
    int audioBytes, Integer sampleRate) {

  /** A frame that is the whole of {@code frame}. */
  public SttAudioFrame(byte[] frame, int audioFrom, int audioTo, int audioBytes,
      Integer sampleRate) {
    this(frame, 0, frame.length, audioFrom, audioTo, audioBytes, sampleRate);
  }

  private static final byte[] TYPE_VALUE =
      ("\"" + SttClientMessage.TYPE + "\"").getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MESSAGE_TYPE = ascii("message_type");
  private static final byte[] AUDIO = ascii("audio_base_64");
  private static final byte[] COMMIT = ascii("commit");
  private static final byte[] SAMPLE_RATE = ascii("sample_rate");
  private static final byte[] FALSE = ascii("false");
  private static final int MAX_RATE_DIGITS = 9;

  /** The audio, decoded (a new array). */
  public byte[] decodeAudio() {
    if (audioBytes == 0) {
      return new byte[0];
    }
    return Base64.getDecoder().decode(Arrays.copyOfRange(frame, audioFrom, audioTo));
  }

  /** The audio's base64 text. */
  public String audioBase64() {
    return new String(frame, audioFrom, audioTo - audioFrom, StandardCharsets.US_ASCII);
  }

  /** The message as a string. */
  public String text() {
    return new String(frame, offset, length, StandardCharsets.US_ASCII);
  }

  /** This frame in an array of its own (a copy), valid for as long as it is kept. */
  public SttAudioFrame detached() {
    return movedTo(Arrays.copyOfRange(frame, offset, offset + length), 0);
  }

  /**
   * This frame as it is after its message was copied to {@code b[at, at + length)}; the bytes
   * are not copied here.
   */
  public SttAudioFrame movedTo(byte[] b, int at) {
    int shift = at - offset;
    return new SttAudioFrame(b, at, length, audioFrom + shift, audioTo + shift, audioBytes,
        sampleRate);
  }

  /** The frame if {@code text} is a plain audio chunk (see the class comment), else null. */
  public static SttAudioFrame scan(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return scanView(b, b.length);
  }

  /**
   * The frame if the message {@code utf8[0, length)} is a plain audio chunk (see the class
   * comment), else null. The frame holds a copy of the message: {@code utf8} may be reused.
   */
  public static SttAudioFrame scan(byte[] utf8, int length) {
    SttAudioFrame f = scanView(utf8, length);
    return f == null ? null : f.detached();
  }

  /**
   * {@link #scan(byte[], int)} without the copy: the frame borrows {@code utf8}, and is valid only
   * while the caller does not reuse it ({@link #detached()} to keep it longer).
   */
  public static SttAudioFrame scanView(byte[] utf8, int length) {
    return find(utf8, length);
  }

  private static SttAudioFrame find(byte[] b, int n) {
    int i = skipWs(b, n, 0);
    if (i >= n || b[i] != '{') {
      return null;
    }
    i = skipWs(b, n, i + 1);
    boolean type = false;
    boolean commit = false;
    int from = -1;
    int to = -1;
    Integer rate = null;
    while (true) {
      if (i >= n || b[i] != '"') {
        return null;
      }
      int keyEnd = indexOf(b, n, '"', i + 1);
      if (keyEnd < 0) {
        return null;
      }
      int k = i + 1;
      int kl = keyEnd - k;
      i = skipWs(b, n, keyEnd + 1);
      if (i >= n || b[i] != ':') {
        return null;
      }
      i = skipWs(b, n, i + 1);
      if (is(b, n, k, kl, MESSAGE_TYPE)) {
        if (type || !startsWith(b, n, i, TYPE_VALUE)) {
          return null;
        }
        type = true;
        i += TYPE_VALUE.length;
      } else if (is(b, n, k, kl, AUDIO)) {
        if (from >= 0 || i >= n || b[i] != '"') {
          return null;
        }
        int end = base64End(b, n, i + 1);
        if (end < 0) {
          return null;
        }
        from = i + 1;
        to = end;
        i = end + 1;
      } else if (is(b, n, k, kl, COMMIT)) {
        if (commit || !startsWith(b, n, i, FALSE)) {
          return null; // a commit takes the parser's path
        }
        commit = true;
        i += FALSE.length;
      } else if (is(b, n, k, kl, SAMPLE_RATE)) {
        int j = i;
        int r = 0;
        while (j < n && j - i <= MAX_RATE_DIGITS && b[j] >= '0' && b[j] <= '9') {
          r = r * 10 + (b[j] - '0');
          j++;
        }
        if (rate != null || j == i || j - i > MAX_RATE_DIGITS || (b[i] == '0' && j - i > 1)) {
          return null;
        }
        rate = r;
        i = j;
      } else {
        return null;
      }
      i = skipWs(b, n, i);
      if (i >= n) {
        return null;
      }
      byte c = b[i];
      if (c == '}') {
        if (skipWs(b, n, i + 1) != n || !type || from < 0) {
          return null;
        }
        return new SttAudioFrame(b, 0, n, from, to, decodedLength(b, from, to), rate);
      }
      if (c != ',') {
        return null;
      }
      i = skipWs(b, n, i + 1);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** JSON's whitespace (RFC 8259 §2), as {@link JsonScan} skips it. */
  private static int skipWs(byte[] b, int n, int i) {
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
      i++;
    }
    return i;
  }

  private static int indexOf(byte[] b, int n, char c, int from) {
    for (int i = from; i < n; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] b, int n, int at, byte[] prefix) {
    return n - at >= prefix.length
        && Arrays.equals(b, at, at + prefix.length, prefix, 0, prefix.length);
  }

  private static boolean is(byte[] b, int n, int at, int len, byte[] key) {
    return len == key.length && startsWith(b, n, at, key);
  }

  /** Index of the quote closing padded base64 that starts at {@code i}, or -1 if it is not. */
  private static int base64End(byte[] s, int n, int i) {
    int j = i;
    while (j < n && isB64(s[j])) {
      j++;
    }
    int pad = 0;
    while (j < n && s[j] == '=' && pad < 2) {
      j++;
      pad++;
    }
    if (j >= n || s[j] != '"' || (j - i) % 4 != 0) {
      return -1;
    }
    if (pad > 0 && !unusedBitsZero(s[j - pad - 1], pad)) {
      return -1; // the decoder would accept it, but keep the scan strictly canonical
    }
    return j;
  }

  private static boolean unusedBitsZero(byte last, int pad) {
    int v = value(last);
    return pad == 2 ? (v & 0x0f) == 0 : (v & 0x03) == 0;
  }

  private static int value(byte c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : 63;
  }

  private static boolean isB64(byte c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '+' || c == '/';
  }

  private static int decodedLength(byte[] s, int from, int to) {
    int len = to - from;
    if (len == 0) {
      return 0;
    }
    int pad = s[to - 1] == '=' ? (s[to - 2] == '=' ? 2 : 1) : 0;
    return len / 4 * 3 - pad;
  }
}
