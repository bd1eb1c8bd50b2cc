package io.voicewire.engine.local.internal;

import edu.cmu.sphinx.linguist.lextree.LexTreeLinguist;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the successors of every node of a Sphinx lexical tree in one canonical order, so that
 * every load of the models searches alike and the same audio gives the same words.
 *
 * <p>Sphinx builds a node's successors in a {@code HashMap} keyed by objects that keep
 * {@link Object#hashCode()} (pronunciations, word, end and unit nodes), then freezes it into an
 * array in the map's order: an order of identity hash codes, different at every load. The search
 * visits successors in that order, and where two tokens tie (the word beam keeps the best 50,
 * the absolute beam the best 3000) the order decides which one stays. So two model sets of one
 * server, or two replicas, or one server before and after a restart, gave different words for
 * the same audio now and then (two of eleven held-out clips changed between loads in one JVM).
 *
 * <p>The canonical order sorts each node's successors by their kind and description ({@code
 * HMMNode} with its unit, context and position, {@code WordNode} with its pronunciation, ...),
 * which no two siblings share in the shipped models ({@link Result#ties()}). The frozen array is
 * the one the search reads ({@code Node.getSuccessors()} returns it), so it is sorted in place,
 * once, before the first search. Sphinx's tree is package-private, hence the reflection; the
 * Sphinx version is pinned, and a change that breaks this fails the engine's start.
 */
final class LexTreeOrder {
  private static final String LEXTREE = "edu.cmu.sphinx.linguist.lextree.";

  /**
   * What {@link #canonicalize} did.
   *
   * @param nodes the tree's nodes (reachable from its initial node and its entry points)
   * @param reordered the nodes whose successors were not in the canonical order already
   * @param ties sibling pairs with the same description, whose order stays the load's
   * @param fingerprint a hash of the descriptions of the successors of every node that has more
   *     than one, in order, in a walk of the ordered tree: equal for two loads that search alike
   */
  record Result(int nodes, int reordered, int ties, long fingerprint) {}

  private LexTreeOrder() {}

  /** Sorts the successors of every node of {@code linguist}'s tree (allocated) in place. */
  static Result canonicalize(LexTreeLinguist linguist) {
    try {
      return walk(linguist);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("cannot put Sphinx's lexical tree in a canonical order "
          + "(has the Sphinx4 version changed?)", e);
    }
  }

  private static Result walk(LexTreeLinguist linguist) throws ReflectiveOperationException {
    Object tree = field(LexTreeLinguist.class, "hmmTree").get(linguist);
    Class<?> treeClass = Class.forName(LEXTREE + "HMMTree");
    Method initial = treeClass.getDeclaredMethod("getInitialNode");
    initial.setAccessible(true);
    Method successors = Class.forName(LEXTREE + "Node").getDeclaredMethod("getSuccessors");
    successors.setAccessible(true);
    Class<?> wordNode = Class.forName(LEXTREE + "WordNode"); // a word ends a branch

    List<Object> roots = new ArrayList<>(entryPointNodes(tree, treeClass));
    roots.sort(Comparator.comparing(LexTreeOrder::describe));
    roots.addFirst(initial.invoke(tree));
    ArrayDeque<Object> todo = new ArrayDeque<>(roots);
    IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
    int nodes = 0;
    int reordered = 0;
    int ties = 0;
    long fingerprint = 1;
    while (!todo.isEmpty()) {
      Object node = todo.poll();
      if (seen.put(node, Boolean.TRUE) != null) {
        continue;
      }
      nodes++;
      if (wordNode.isInstance(node)) {
        continue;
      }
      Object[] next = (Object[]) successors.invoke(node);
      if (next.length < 2) {
        todo.addAll(Arrays.asList(next)); // most nodes: nothing to order
        continue;
      }
      String[] keys = new String[next.length];
      Integer[] order = new Integer[next.length];
      for (int i = 0; i < next.length; i++) {
        keys[i] = describe(next[i]);
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparing(i -> keys[i]));
      Object[] sorted = new Object[next.length];
      boolean moved = false;
      for (int i = 0; i < next.length; i++) {
        sorted[i] = next[order[i]];
        moved |= order[i] != i;
        fingerprint = fingerprint * 31 + keys[order[i]].hashCode();
        if (i > 0 && keys[order[i]].equals(keys[order[i - 1]])) {
          ties++;
        }
      }
      if (moved) {
        reordered++;
        System.arraycopy(sorted, 0, next, 0, next.length);
      }
      todo.addAll(Arrays.asList(next)); // in the canonical order: the walk is the same each load
    }
    return new Result(nodes, reordered, ties, fingerprint);
  }

  /** The nodes the search enters the tree at after a word: every entry point's. */
  private static List<Object> entryPointNodes(Object tree, Class<?> treeClass)
      throws ReflectiveOperationException {
    Object table = field(treeClass, "entryPointTable").get(tree);
    Map<?, ?> entryPoints = (Map<?, ?>) field(table.getClass(), "entryPoints").get(table);
    List<Object> out = new ArrayList<>();
    for (Object entryPoint : entryPoints.values()) {
      Class<?> c = entryPoint.getClass();
      out.add(field(c, "baseNode").get(entryPoint));
      out.addAll(((Map<?, ?>) field(c, "unitToEntryPointMap").get(entryPoint)).values());
    }
    return out;
  }

  /** A node's kind and Sphinx's description of it (unit, context, position; pronunciation). */
  private static String describe(Object node) {
    return node.getClass().getSimpleName() + ' ' + node;
  }

  private static Field field(Class<?> c, String name) throws NoSuchFieldException {
    Field f = c.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
