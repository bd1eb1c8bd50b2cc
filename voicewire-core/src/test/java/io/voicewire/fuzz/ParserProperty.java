package io.voicewire.fuzz;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * The property every fuzz target checks for a parser of outside bytes: for any input it returns a
 * value or throws one of the errors it documents, and it allocates at most
 * {@link #BASE_ALLOCATION_BYTES} plus {@link #ALLOCATION_PER_INPUT_BYTE} per input byte. Anything
 * else thrown (a {@code NullPointerException}, a {@code NumberFormatException}, a
 * {@code StackOverflowError}, an {@code OutOfMemoryError}) fails the target, and Jazzer keeps the
 * input as a finding. Time is bounded by Jazzer's per-input timeout in fuzzing mode, not here:
 * timed assertions do not belong in the regression suite.
 *
 * <p>Stateless; thread safe.
 */
public final class ParserProperty {
  /** Allocation allowed for any input, bytes (parser buffers, exception stack traces). */
  public static final long BASE_ALLOCATION_BYTES = 8L * 1024 * 1024;
  /** Allocation allowed per input byte (a few copies: string, tree, decoded result). */
  public static final long ALLOCATION_PER_INPUT_BYTE = 64;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private ParserProperty() {}

  /**
   * Runs {@code parse} on an input of {@code inputBytes} bytes and checks the property.
   *
   * @return the parsed value, or null when the parser refused the input with an allowed error
   * @throws AssertionError when the parser threw anything else or allocated too much
   */
  @SafeVarargs
  public static <T> T check(long inputBytes, Callable<T> parse,
      Class<? extends Throwable>... allowed) {
    long limit = BASE_ALLOCATION_BYTES + ALLOCATION_PER_INPUT_BYTE * inputBytes;
    Run<T> r = run(parse, allowed);
    if (r.allocated > limit) {
      // the first call of a parser also loads and initializes classes: measure a second call
      r = run(parse, allowed);
    }
    if (r.allocated > limit) {
      throw new AssertionError("parser allocated " + r.allocated + " bytes for a " + inputBytes
          + "-byte input (limit " + limit + ")");
    }
    return r.value;
  }

  private record Run<T>(T value, long allocated) {}

  /** Runs {@code parse} once, measuring what this thread allocated meanwhile. */
  @SafeVarargs
  private static <T> Run<T> run(Callable<T> parse, Class<? extends Throwable>... allowed) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    T value = null;
    try {
      value = parse.call();
    } catch (Throwable t) {
      if (Arrays.stream(allowed).noneMatch(c -> c.isInstance(t))) {
        throw new AssertionError("parser threw " + t + " (allowed: "
            + Arrays.toString(allowed) + ")", t);
      }
    }
    return new Run<>(value, THREADS.getCurrentThreadAllocatedBytes() - before);
  }
}
