package io.voicewire.server.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small {@code multipart/form-data} parser (RFC 7578) over a body already in memory. Stateless;
 * thread safe.
 */
final class Multipart {
  /** Most parts accepted in one body. */
  static final int MAX_PARTS = 128;
  /** Longest header block of one part. */
  static final int MAX_PART_HEADER_BYTES = 8192;

  private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

  private Multipart() {}

  /** One part. */
  record Part(String name, String filename, String contentType, byte[] data) {
    String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  /** The boundary of a {@code multipart/form-data} Content-Type, or null. */
  static String boundary(String contentType) {
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return null;
    }
    for (String p : contentType.split(";")) {
      String t = p.trim();
      if (t.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String b = t.substring(9).trim();
        if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
          b = b.substring(1, b.length() - 1);
        }
        return b.isEmpty() || b.length() > 200 ? null : b;
      }
    }
    return null;
  }

  /**
   * Parses the parts.
   *
   * @throws IllegalArgumentException with a message for a malformed body
   */
  static List<Part> parse(byte[] body, String boundary) {
    byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    byte[] sep = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int pos = indexOf(body, delim, 0);
    if (pos < 0) {
      throw new IllegalArgumentException("multipart body has no boundary line");
    }
    pos += delim.length;
    List<Part> parts = new ArrayList<>();
    while (true) {
      if (pos + 2 <= body.length && body[pos] == '-' && body[pos + 1] == '-') {
        return parts; // closing delimiter
      }
      // skip transport padding, then CRLF
      while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
        pos++;
      }
      if (pos + 2 > body.length || body[pos] != '\r' || body[pos + 1] != '\n') {
        throw new IllegalArgumentException("malformed multipart delimiter line");
      }
      pos += 2;
      String headers;
      int dataStart;
      if (pos + 2 <= body.length && body[pos] == '\r' && body[pos + 1] == '\n') {
        headers = "";
        dataStart = pos + 2;
      } else {
        int headerEnd = indexOf(body, CRLFCRLF, pos);
        if (headerEnd < 0 || headerEnd - pos > MAX_PART_HEADER_BYTES) {
          throw new IllegalArgumentException("malformed multipart part headers");
        }
        headers = new String(body, pos, headerEnd - pos, StandardCharsets.UTF_8);
        dataStart = headerEnd + 4;
      }
      int dataEnd = indexOf(body, sep, dataStart);
      if (dataEnd < 0) {
        throw new IllegalArgumentException("multipart body is not terminated");
      }
      byte[] data = java.util.Arrays.copyOfRange(body, dataStart, dataEnd);
      parts.add(part(headers, data));
      if (parts.size() > MAX_PARTS) {
        throw new IllegalArgumentException("more than " + MAX_PARTS + " multipart parts");
      }
      pos = dataEnd + sep.length;
    }
  }

  private static Part part(String headers, byte[] data) {
    String name = null;
    String filename = null;
    String type = null;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String h = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String v = line.substring(colon + 1).trim();
      if (h.equals("content-disposition")) {
        name = param(v, "name");
        filename = param(v, "filename");
      } else if (h.equals("content-type")) {
        type = v;
      }
    }
    if (name == null) {
      throw new IllegalArgumentException("multipart part without a name");
    }
    return new Part(name, filename, type, data);
  }

  private static String param(String header, String key) {
    for (String p : header.split(";")) {
      String t = p.trim();
      int eq = t.indexOf('=');
      if (eq > 0 && t.substring(0, eq).trim().equalsIgnoreCase(key)) {
        String v = t.substring(eq + 1).trim();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1);
        }
        return v;
      }
    }
    return null;
  }

  static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
