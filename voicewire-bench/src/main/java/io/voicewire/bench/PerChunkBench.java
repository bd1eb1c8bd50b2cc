package io.voicewire.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings of every per-chunk benchmark (average nanoseconds per 20 ms chunk, 3 warm-up
 * and 5 measured one-second iterations, one fork, state per thread), inherited by
 * {@link CodecBench}, {@link ResamplerBench} and {@link StreamBench} as in JMH's own sample of
 * benchmark inheritance. Not thread safe, as JMH's per-thread state.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public abstract class PerChunkBench {
}
