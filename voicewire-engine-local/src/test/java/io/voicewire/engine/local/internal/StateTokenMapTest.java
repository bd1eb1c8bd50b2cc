package io.voicewire.engine.local.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import edu.cmu.sphinx.decoder.search.Token;
import edu.cmu.sphinx.linguist.SearchState;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link StateTokenMap} answers as the {@link HashMap} it replaces in the search: the same
 * token for every state, across frames (clears), growth, a shrink, and keys that are equal but
 * not the same object, or that share a hash code without being equal.
 */
class StateTokenMapTest {
  @Test
  void answersAsAHashMapOverManyFrames() {
    Random rnd = new Random(42);
    StateTokenMap map = new StateTokenMap();
    for (int frame = 0; frame < 60; frame++) {
      Map<SearchState, Token> expected = new HashMap<>();
      map.clear();
      // one frame in 20 is huge, so the table grows past the shrink bound and is given back
      int puts = frame % 20 == 7 ? 400_000 : rnd.nextInt(6_000);
      int keyRange = Math.max(1, puts);
      for (int i = 0; i < puts; i++) {
        SearchState k = state(rnd.nextInt(keyRange));
        Token t = new Token(null, i);
        assertSame(expected.get(k), map.get(k), "before put, frame " + frame);
        assertSame(expected.put(k, t), map.put(k, t));
      }
      assertEquals(expected.size(), map.size());
      for (Map.Entry<SearchState, Token> e : expected.entrySet()) {
        assertSame(e.getValue(), map.get(state(((Key) handler(e.getKey())).id)));
      }
      assertNull(map.get(state(-1)));
      assertEquals(expected, new HashMap<>(map));
    }
  }

  /** A new state, equal to every other of the same id; two ids share each hash code. */
  private static SearchState state(int id) {
    return (SearchState) Proxy.newProxyInstance(SearchState.class.getClassLoader(),
        new Class<?>[] {SearchState.class}, new Key(id));
  }

  private static Object handler(SearchState s) {
    return Proxy.getInvocationHandler(s);
  }

  private record Key(int id) implements java.lang.reflect.InvocationHandler {
    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method m, Object[] args) {
      return switch (m.getName()) {
        case "hashCode" -> Math.floorDiv(id, 2); // equal hashes of unequal keys
        case "equals" -> args[0] instanceof SearchState s && Proxy.isProxyClass(s.getClass())
            && handler(s) instanceof Key k && k.id == id;
        case "toString" -> "state " + id;
        default -> throw new UnsupportedOperationException(m.getName());
      };
    }
  }
}
