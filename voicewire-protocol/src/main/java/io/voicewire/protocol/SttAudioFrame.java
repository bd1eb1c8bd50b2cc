package io.voicewire.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A plain {@code input_audio_chunk} as a client sent it (PROTOCOL.md §5.2), recognised by a
 * targeted scan instead of a parse: a flat object with {@code message_type}
 * {@code "input_audio_chunk"}, {@code audio_base_64} (padded standard base64, validated),
 * optionally {@code "commit":false} and an integer {@code sample_rate}, and nothing else. A relay
 * forwards {@link #text()} upstream unchanged and keeps it for replay; the audio is decoded only
 * when it is needed ({@link #decodeAudio()}).
 *
 * <p>{@link #scan} answers null for every other message (a commit, {@code previous_text}, escapes,
 * unknown or repeated members, anything malformed): the caller then decodes it with
 * {@link SttClientMessage#decode}, which accepts or rejects it as before. Whatever the scan
 * accepts, {@code decode} accepts with the same meaning.
 *
 * @param text the message, exactly as received
 * @param audioFrom index of the first base64 character of the audio in {@code text}
 * @param audioTo index after the last base64 character
 * @param audioBytes the decoded length of the audio
 * @param sampleRate the rate the client says the audio has, or null when absent
 */
public record SttAudioFrame(String text, int audioFrom, int audioTo, int audioBytes,
    Integer sampleRate) {

  private static final String TYPE_VALUE = SttClientMessage.TYPE;
  private static final int MAX_RATE_DIGITS = 9;

  /** The audio, decoded (a new array). */
  public byte[] decodeAudio() {
    if (audioBytes == 0) {
      return new byte[0];
    }
    byte[] b64 = text.substring(audioFrom, audioTo).getBytes(StandardCharsets.ISO_8859_1);
    return Base64.getDecoder().decode(b64);
  }

  /** The audio's base64 text. */
  public String audioBase64() {
    return text.substring(audioFrom, audioTo);
  }

  /** The frame if {@code text} is a plain audio chunk (see the class comment), else null. */
  public static SttAudioFrame scan(String text) {
    int i = JsonScan.skipWs(text, 0);
    if (i >= text.length() || text.charAt(i) != '{') {
      return null;
    }
    i = JsonScan.skipWs(text, i + 1);
    boolean type = false;
    boolean commit = false;
    int from = -1;
    int to = -1;
    Integer rate = null;
    while (true) {
      if (i >= text.length() || text.charAt(i) != '"') {
        return null;
      }
      int keyEnd = text.indexOf('"', i + 1);
      if (keyEnd < 0) {
        return null;
      }
      int k = i + 1;
      int kl = keyEnd - k;
      i = JsonScan.skipWs(text, keyEnd + 1);
      if (i >= text.length() || text.charAt(i) != ':') {
        return null;
      }
      i = JsonScan.skipWs(text, i + 1);
      if (is(text, k, kl, "message_type")) {
        if (type || !text.startsWith("\"" + TYPE_VALUE + "\"", i)) {
          return null;
        }
        type = true;
        i += TYPE_VALUE.length() + 2;
      } else if (is(text, k, kl, "audio_base_64")) {
        if (from >= 0 || i >= text.length() || text.charAt(i) != '"') {
          return null;
        }
        int end = base64End(text, i + 1);
        if (end < 0) {
          return null;
        }
        from = i + 1;
        to = end;
        i = end + 1;
      } else if (is(text, k, kl, "commit")) {
        if (commit || !text.startsWith("false", i)) {
          return null; // a commit takes the parser's path
        }
        commit = true;
        i += 5;
      } else if (is(text, k, kl, "sample_rate")) {
        int j = i;
        while (j < text.length() && j - i <= MAX_RATE_DIGITS && text.charAt(j) >= '0'
            && text.charAt(j) <= '9') {
          j++;
        }
        if (rate != null || j == i || j - i > MAX_RATE_DIGITS
            || (text.charAt(i) == '0' && j - i > 1)) {
          return null;
        }
        rate = Integer.parseInt(text, i, j, 10);
        i = j;
      } else {
        return null;
      }
      i = JsonScan.skipWs(text, i);
      if (i >= text.length()) {
        return null;
      }
      char c = text.charAt(i);
      if (c == '}') {
        if (JsonScan.skipWs(text, i + 1) != text.length() || !type || from < 0) {
          return null;
        }
        return new SttAudioFrame(text, from, to, decodedLength(text, from, to), rate);
      }
      if (c != ',') {
        return null;
      }
      i = JsonScan.skipWs(text, i + 1);
    }
  }

  private static boolean is(String text, int at, int len, String key) {
    return len == key.length() && text.startsWith(key, at);
  }

  /** Index of the quote closing padded base64 that starts at {@code i}, or -1 if it is not. */
  private static int base64End(String s, int i) {
    int j = i;
    int n = s.length();
    while (j < n && isB64(s.charAt(j))) {
      j++;
    }
    int pad = 0;
    while (j < n && s.charAt(j) == '=' && pad < 2) {
      j++;
      pad++;
    }
    if (j >= n || s.charAt(j) != '"' || (j - i) % 4 != 0) {
      return -1;
    }
    if (pad > 0 && !unusedBitsZero(s.charAt(j - pad - 1), pad)) {
      return -1; // the decoder would accept it, but keep the scan strictly canonical
    }
    return j;
  }

  private static boolean unusedBitsZero(char last, int pad) {
    int v = value(last);
    return pad == 2 ? (v & 0x0f) == 0 : (v & 0x03) == 0;
  }

  private static int value(char c) {
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

  private static boolean isB64(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '+' || c == '/';
  }

  private static int decodedLength(String s, int from, int to) {
    int len = to - from;
    if (len == 0) {
      return 0;
    }
    int pad = s.charAt(to - 1) == '=' ? (s.charAt(to - 2) == '=' ? 2 : 1) : 0;
    return len / 4 * 3 - pad;
  }
}
