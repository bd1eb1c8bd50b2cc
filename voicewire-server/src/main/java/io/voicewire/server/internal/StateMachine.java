package io.voicewire.server.internal;

import java.util.Set;

/**
 * The current state of one socket (or one TTS context) and the only way to change it: a move
 * along a transition its state enum declares. An illegal move is a bug in the caller, and fails
 * loudly with {@link IllegalStateException} instead of leaving the socket in a state no diagram
 * shows.
 *
 * <p>Not thread safe: the owner guards it with its own lock (the socket's monitor).
 *
 * @param <S> the state enum
 */
final class StateMachine<S extends Enum<S> & StateMachine.State<S>> {

  /** A state enum: each constant names the states it may move to. */
  interface State<S> {
    /** The states this one may move to (a state never moves to itself). */
    Set<S> next();
  }

  private S state;

  StateMachine(S initial) {
    this.state = initial;
  }

  /** The current state. */
  S get() {
    return state;
  }

  /** Whether the current state is {@code s}. */
  boolean is(S s) {
    return state == s;
  }

  /** Whether the current state is one of {@code s}. */
  @SafeVarargs
  final boolean isAny(S... s) {
    for (S x : s) {
      if (state == x) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code next} is a legal move from the current state. */
  boolean canMoveTo(S next) {
    return state.next().contains(next);
  }

  /**
   * Moves to {@code next}.
   *
   * @throws IllegalStateException when the current state does not lead to {@code next}
   */
  void moveTo(S next) {
    if (!canMoveTo(next)) {
      throw new IllegalStateException("illegal transition " + state + " -> " + next);
    }
    state = next;
  }
}
