package io.voicewire.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The state enums of the sockets: every transition, the legal ones and the illegal ones, walked
 * on a {@link StateMachine}; and each enum's table equal to the ASCII diagram in its javadoc (so
 * the diagram a reader sees is the one the code enforces).
 */
class SocketStatesTest {
  private static final Path SRC = Path.of("src/main/java/io/voicewire/server/internal");
  private static final Pattern EDGE = Pattern.compile("──[^▶]*?──▶");

  @Test
  void ttsSocketStates() throws IOException {
    walk(TtsState.class);
    assertEquals(table(TtsState.class), diagram(TtsState.class, "TtsState.java"));
    assertTerminal(TtsState.class, TtsState.CLOSED);
  }

  @Test
  void ttsContextStates() throws IOException {
    walk(TtsContext.State.class);
    assertEquals(table(TtsContext.State.class),
        diagram(TtsContext.State.class, "TtsContext.java"));
    assertTerminal(TtsContext.State.class, TtsContext.State.DONE);
  }

  @Test
  void sttSocketStates() throws IOException {
    walk(SttState.class);
    assertEquals(table(SttState.class), diagram(SttState.class, "SttState.java"));
    assertTerminal(SttState.class, SttState.CLOSED);
  }

  /**
   * PARKED (docs/stt-resume.md): only an open session is parked; a parked one is resumed (OPEN)
   * or ends (CLOSED), never fails or closes on a connection it does not have.
   */
  @Test
  void sttParkedStateIsEnteredOnlyFromOpenAndLeftOnlyByResumeOrEnd() {
    for (SttState from : SttState.values()) {
      assertEquals(from == SttState.OPEN, from.next().contains(SttState.PARKED), from.name());
    }
    assertEquals(EnumSet.of(SttState.OPEN, SttState.CLOSED), SttState.PARKED.next());
    StateMachine<SttState> m = new StateMachine<>(SttState.OPEN);
    m.moveTo(SttState.PARKED);
    m.moveTo(SttState.OPEN); // resumed
    m.moveTo(SttState.PARKED);
    m.moveTo(SttState.CLOSED); // grace passed
    assertTrue(m.get().next().isEmpty());
  }

  @Test
  void theEndpointSummariesShowOnlyLegalTransitions() throws IOException {
    for (String f : List.of("StreamInputSocket.java", "MultiStreamInputSocket.java")) {
      Set<String> edges = diagram(TtsState.class, f);
      assertFalse(edges.isEmpty(), f);
      assertTrue(table(TtsState.class).containsAll(edges), f + ": " + edges);
    }
  }

  /** Every pair (from, to): a legal move succeeds, an illegal one throws and changes nothing. */
  private static <S extends Enum<S> & StateMachine.State<S>> void walk(Class<S> type) {
    int legal = 0;
    int illegal = 0;
    for (S from : type.getEnumConstants()) {
      for (S to : type.getEnumConstants()) {
        StateMachine<S> m = new StateMachine<>(from);
        if (from.next().contains(to)) {
          assertTrue(m.canMoveTo(to));
          m.moveTo(to);
          assertSame(to, m.get(), from + " -> " + to);
          legal++;
        } else {
          assertFalse(m.canMoveTo(to));
          IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.moveTo(to),
              from + " -> " + to + " must be refused");
          assertTrue(e.getMessage().contains(from + " -> " + to), e.getMessage());
          assertSame(from, m.get(), "a refused move leaves the state alone");
          illegal++;
        }
        assertFalse(from.next().contains(from), from + " never moves to itself");
      }
    }
    int n = type.getEnumConstants().length;
    assertEquals(n * n, legal + illegal);
    assertTrue(legal > 0 && illegal > 0);
  }

  /** The terminal state has no way out; every state reaches it (a peer can always leave). */
  private static <S extends Enum<S> & StateMachine.State<S>> void assertTerminal(Class<S> type,
      S terminal) {
    assertTrue(terminal.next().isEmpty());
    for (S from : type.getEnumConstants()) {
      Set<S> seen = EnumSet.of(from);
      ArrayDeque<S> todo = new ArrayDeque<>(List.of(from));
      while (!todo.isEmpty()) {
        for (S n : todo.poll().next()) {
          if (seen.add(n)) {
            todo.add(n);
          }
        }
      }
      assertTrue(seen.contains(terminal), from + " cannot reach " + terminal);
    }
  }

  private static <S extends Enum<S> & StateMachine.State<S>> Set<String> table(Class<S> type) {
    Set<String> edges = new LinkedHashSet<>();
    for (S from : type.getEnumConstants()) {
      for (S to : from.next()) {
        edges.add(from + " -> " + to);
      }
    }
    return edges;
  }

  /**
   * The edges of the first {@code <pre>} diagram in {@code file}: lines of
   * {@code A[, B…] ──label──▶ C [──label──▶ D…]}; a trailing "(…)" after a state is a note.
   */
  private static <S extends Enum<S>> Set<String> diagram(Class<S> type, String file)
      throws IOException {
    String src = Files.readString(SRC.resolve(file), StandardCharsets.UTF_8);
    String pre = src.substring(src.indexOf("<pre>") + 5, src.indexOf("</pre>"));
    Set<String> edges = new LinkedHashSet<>();
    for (String raw : pre.split("\n")) {
      String line = raw.replaceFirst("^\\s*\\*", "").trim();
      if (!line.contains("──▶")) {
        continue;
      }
      Matcher m = EDGE.matcher(line);
      List<String> parts = new java.util.ArrayList<>();
      int at = 0;
      while (m.find()) {
        parts.add(line.substring(at, m.start()).trim());
        at = m.end();
      }
      parts.add(line.substring(at).trim());
      for (int i = 0; i + 1 < parts.size(); i++) {
        for (String from : parts.get(i).split(",")) {
          String f = state(type, from);
          String t = state(type, parts.get(i + 1));
          edges.add(f + " -> " + t);
        }
      }
    }
    return edges;
  }

  private static <S extends Enum<S>> String state(Class<S> type, String text) {
    String name = text.trim().replaceFirst("\\s*\\(.*\\)$", "").trim();
    return Enum.valueOf(type, name).name();
  }
}
