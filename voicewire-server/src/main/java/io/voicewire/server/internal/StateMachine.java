package io.voicewire.server.internal;

import java.util.Set;

/**
 * The current state of one socket (or one TTS context) and the only way to change it: a move
 * along a transition its state enum declares. An illegal move is a bug in the caller, and fails
 * loudly with {@link IllegalStateException} instead of leaving the socket in a state no diagram
 * shows.
 *
 * <p>Moves are made under the owner's lock (the socket's or the session's monitor), which makes
 * each check-then-move atomic. The state itself is volatile: a thread that only needs to know the
 * current state ({@link #get}, {@link #is}, {@link #isAny}) reads it without the lock, and sees
 * the latest move.
 *
 * @param <S> the state enum
 */
final class StateMachine<S extends Enum<S> & StateMachine.State<S>> {

  /** A state enum: each constant names the states it may move to. */
  interface State<S> {
    /** The states this one may move to (a state never moves to itself). */
    Set<S> next();
  }

  private volatile S state;

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
    S now = state;
    for (S x : s) {
      if (now == x) {
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
    S now = state;
    if (!now.next().contains(next)) {
      throw new IllegalStateException("illegal transition " + now + " -> " + next);
    }
    state = next;
  }
}
