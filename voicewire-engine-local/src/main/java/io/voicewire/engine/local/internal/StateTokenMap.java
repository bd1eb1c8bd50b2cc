package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.decoder.search.Token;
import edu.cmu.sphinx.linguist.SearchState;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The search's best token per search state in one frame, kept for the next frame instead of
 * dropped: an open-addressing table (linear probing; a key matches as in a {@link
 * java.util.HashMap}: the same hash code, then the same object or the given key's {@code equals})
 * that {@link #clear} empties in place. Sphinx makes a new
 * {@code HashMap} every frame, sized ten times the active list at a load factor of 0.3: a table of
 * up to a million entries allocated 100 times a second per decoding stream, and one node per
 * state, which was a quarter of the allocation of a loaded server (issue #10's soak). Here the
 * table grows to the largest frame once and is reused; nothing is allocated per entry.
 *
 * <p>Only {@link #get} and {@link #put} are on the search's path; the other {@link Map} methods
 * work but copy. Not thread safe: one search manager, one lane thread.
 */
final class StateTokenMap extends AbstractMap<SearchState, Token> {
  /** Entries the table starts with room for. */
  static final int INITIAL_CAPACITY = 1 << 12;
  /** A table larger than this, found nearly empty at a clear, is given back. */
  static final int SHRINK_ABOVE = 1 << 18;

  private Object[] keys = new Object[INITIAL_CAPACITY];
  private int[] hashes = new int[INITIAL_CAPACITY];
  private Token[] values = new Token[INITIAL_CAPACITY];
  private int size;

  @Override
  public Token get(Object key) {
    int i = indexOf(key, key.hashCode());
    return keys[i] == null ? null : values[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Token put(SearchState key, Token value) {
    if (key == null || value == null) {
      throw new NullPointerException(key == null ? "key" : "value");
    }
    if ((size + 1) * 2 > keys.length) {
      rehash(keys.length * 2);
    }
    int h = key.hashCode();
    int i = indexOf(key, h);
    if (keys[i] == null) {
      keys[i] = key;
      hashes[i] = h;
      values[i] = value;
      size++;
      return null;
    }
    Token old = values[i];
    values[i] = value;
    return old;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void clear() {
    if (size == 0) {
      return;
    }
    if (keys.length > SHRINK_ABOVE && size * 16 < keys.length) {
      keys = new Object[INITIAL_CAPACITY]; // one unusual frame does not keep its table forever
      hashes = new int[INITIAL_CAPACITY];
      values = new Token[INITIAL_CAPACITY];
    } else {
      Arrays.fill(keys, null);
      Arrays.fill(values, null);
    }
    size = 0;
  }

  /** A copy of the entries (not on the search's path). */
  @Override
  public Set<Map.Entry<SearchState, Token>> entrySet() {
    Set<Map.Entry<SearchState, Token>> out = new LinkedHashSet<>();
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != null) {
        out.add(new SimpleImmutableEntry<>((SearchState) keys[i], values[i]));
      }
    }
    return out;
  }

  /**
   * Where {@code key} (of hash code {@code h}) is, or the empty slot where it would go: the
   * table always has one, being at most half full.
   */
  private int indexOf(Object key, int h) {
    Object[] ks = keys;
    int mask = ks.length - 1;
    for (int i = slot(h, mask); ; i = (i + 1) & mask) {
      Object k = ks[i];
      if (k == null || hashes[i] == h && (k == key || key.equals(k))) {
        return i;
      }
    }
  }

  private void rehash(int capacity) {
    Object[] oldKeys = keys;
    int[] oldHashes = hashes;
    Token[] oldValues = values;
    keys = new Object[capacity];
    hashes = new int[capacity];
    values = new Token[capacity];
    int mask = capacity - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      Object k = oldKeys[j];
      if (k != null) {
        int i = slot(oldHashes[j], mask);
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = k;
        hashes[i] = oldHashes[j];
        values[i] = oldValues[j];
      }
    }
  }

  private static int slot(int hash, int mask) {
    int h = hash * 0x9E3779B9; // Fibonacci hashing: the high bits mixed in
    return (h ^ (h >>> 16)) & mask;
  }
}
