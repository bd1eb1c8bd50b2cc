package io.voicewire.server.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which remote addresses may read an endpoint: exact addresses ({@code 10.0.0.5}, {@code ::1})
 * and CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}). Null means anyone. Immutable; thread
 * safe.
 */
final class AddressFilter {
  private record Block(byte[] prefix, int bits) {}

  private final List<Block> blocks;

  private AddressFilter(List<Block> blocks) {
    this.blocks = blocks;
  }

  /**
   * Parses {@code entries}; null is "anyone" (returns null).
   *
   * @throws IllegalArgumentException naming an entry that is neither an address nor a block
   */
  static AddressFilter parse(List<String> entries) {
    if (entries == null) {
      return null;
    }
    List<Block> out = new ArrayList<>();
    for (String e : entries) {
      String[] p = e.trim().split("/", 2);
      try {
        if (!p[0].matches("[0-9a-fA-F:.]+")) {
          throw new UnknownHostException(p[0]); // literal addresses only, never a DNS lookup
        }
        byte[] a = InetAddress.getByName(p[0]).getAddress();
        int bits = p.length == 2 ? Integer.parseInt(p[1]) : a.length * 8;
        if (bits < 0 || bits > a.length * 8) {
          throw new NumberFormatException();
        }
        out.add(new Block(a, bits));
      } catch (UnknownHostException | NumberFormatException x) {
        throw new IllegalArgumentException("not an IP address or CIDR block: " + e);
      }
    }
    return new AddressFilter(List.copyOf(out));
  }

  /** Whether {@code remote} (a literal address) is allowed. */
  boolean allows(String remote) {
    byte[] a;
    try {
      if (remote == null || !remote.matches("\\[?[0-9a-fA-F:.]+]?")) {
        return false;
      }
      a = InetAddress.getByName(remote.replace("[", "").replace("]", "")).getAddress();
    } catch (UnknownHostException e) {
      return false;
    }
    for (Block b : blocks) {
      if (b.prefix.length == a.length && matches(b, a)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(Block b, byte[] a) {
    int full = b.bits / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != b.prefix[i]) {
        return false;
      }
    }
    int rest = b.bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (a[full] & mask) == (b.prefix[full] & mask);
  }
}
