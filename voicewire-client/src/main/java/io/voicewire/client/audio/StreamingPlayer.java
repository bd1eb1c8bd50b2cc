package io.voicewire.client.audio;

import io.voicewire.audio.AudioDecoder;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.buffer.JitterBuffer;
import io.voicewire.audio.buffer.JitterBufferConfig;
import io.voicewire.audio.buffer.JitterStats;
import io.voicewire.audio.buffer.OverflowPolicy;
import io.voicewire.audio.buffer.SpscJitterBuffer;
import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.TtsStream;
import io.voicewire.client.internal.Logs;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Plays a {@link TtsStream} as it arrives: a {@link TtsStream.Listener} that feeds core's
 * {@link SpscJitterBuffer} (pre-roll to a target delay that adapts to the measured jitter,
 * underruns counted), drained by one player thread into a {@link PcmSink}.
 *
 * <p>It plays every output format a stream can carry: PCM and G.711 as they are, and MP3, Ogg
 * Opus and WAV through core's {@link AudioDecoder}, chunk by chunk as they arrive (the decoder
 * keeps its state across chunks, so playback has no gap at chunk boundaries). The sink then
 * receives PCM at the codec's rate ({@link #outputFormat()}: 44.1, 24 or 22.05 kHz for MP3,
 * 48 kHz for Opus). MP3 and Opus need {@code de.sciss:jump3r} and
 * {@code io.github.jaredmdobson:concentus}, which the SDK brings.
 *
 * <pre>{@code
 * try (StreamingPlayer player = StreamingPlayer.start(AudioFormat.PCM_24000, PcmSink.line())) {
 *   TtsStream tts = client.newTtsStream(request, player);
 *   tts.send("Hello there. ");
 *   tts.end();
 *   player.awaitFinished(60, TimeUnit.SECONDS);
 * }
 * }</pre>
 *
 * <p>Threads: the stream's callback thread offers chunks (the only producer); the player thread
 * {@code "VoiceClient player"} reads {@link #FRAME_MILLIS} at a time (the only consumer), so the
 * single-producer single-consumer buffer needs no lock. Overflow policy: back-pressure. Every
 * sample is played, so when the buffer is full {@code onAudio} waits for room; it runs on the
 * stream's callback thread, never the socket's reader, so the wait slows the socket down instead
 * of dropping audio. Thread safe.
 */
public final class StreamingPlayer implements TtsStream.Listener, AutoCloseable {
  private static final Logger log = Logs.get(StreamingPlayer.class);

  /** Audio read from the buffer and written to the sink per step, ms. */
  public static final int FRAME_MILLIS = 20;
  /** How often a producer retries a chunk the full buffer refused, ms. */
  static final long RETRY_MILLIS = 5;

  private final AudioFormat format;
  /** Null for PCM and G.711 (the buffer takes them as they are). */
  private final AudioDecoder decoder;
  private final PcmSink sink;
  private final JitterBuffer buffer;
  private final LongSupplier nanoClock;
  private final Thread thread;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopped;
  private volatile SpeechError failure;
  private volatile IOException sinkError;
  private volatile ConnectionStatus lastStatus;

  private StreamingPlayer(AudioFormat format, AudioDecoder decoder, PcmSink sink,
      JitterBufferConfig config, LongSupplier nanoClock) {
    this.format = format;
    this.decoder = decoder;
    this.sink = sink;
    this.nanoClock = nanoClock;
    this.buffer = new SpscJitterBuffer(config, () -> nanoClock.getAsLong() / 1_000_000L);
    this.thread = Thread.ofPlatform().name("VoiceClient player " + format.wireName())
        .daemon(true).unstarted(this::run);
  }

  /**
   * A player with the default jitter settings for a stream in {@code format} (any format of the
   * protocol: {@code pcm_*}, {@code ulaw_8000}, {@code alaw_8000}, {@code mp3_*},
   * {@code opus_48000_*}, {@code wav_*}), started. The sink is opened with {@link
   * #outputFormat()}.
   *
   * @throws IllegalArgumentException when the format cannot be decoded
   */
  public static StreamingPlayer start(AudioFormat format, PcmSink sink) throws IOException {
    Objects.requireNonNull(format, "format == null");
    if (!AudioDecoder.canDecode(format)) {
      throw new IllegalArgumentException("StreamingPlayer cannot decode " + format.wireName());
    }
    AudioDecoder decoder = format.isDecodable() ? null : AudioDecoder.create(format);
    AudioFormat pcm = decoder == null ? format : decoder.output();
    return start(JitterBufferConfig.of(pcm, OverflowPolicy.BACKPRESSURE), decoder, sink,
        System::nanoTime);
  }

  /**
   * A player for a stream in {@code format} (any format of the protocol) with explicit jitter
   * settings for the PCM it plays: {@code config.format()} must be {@link
   * AudioDecoder#outputOf}{@code (format)}, and the overflow policy back-pressure. Started.
   */
  public static StreamingPlayer start(AudioFormat format, JitterBufferConfig config,
      PcmSink sink) throws IOException {
    Objects.requireNonNull(format, "format == null");
    Objects.requireNonNull(config, "config == null");
    if (!AudioDecoder.outputOf(format).equals(config.format())) {
      throw new IllegalArgumentException("a " + format.wireName() + " stream plays as "
          + AudioDecoder.outputOf(format).wireName() + ", not " + config.format().wireName());
    }
    return start(config, format.isDecodable() ? null : AudioDecoder.create(format), sink,
        System::nanoTime);
  }

  /**
   * A player with explicit jitter settings (the overflow policy must be back-pressure: TTS audio
   * is never dropped) and clock, started.
   */
  public static StreamingPlayer start(JitterBufferConfig config, PcmSink sink,
      LongSupplier nanoClock) throws IOException {
    return start(config, null, sink, nanoClock);
  }

  private static StreamingPlayer start(JitterBufferConfig config, AudioDecoder decoder,
      PcmSink sink, LongSupplier nanoClock) throws IOException {
    Objects.requireNonNull(config, "config == null");
    Objects.requireNonNull(sink, "sink == null");
    if (config.overflowPolicy() != OverflowPolicy.BACKPRESSURE) {
      throw new IllegalArgumentException("a TTS player needs BACKPRESSURE: "
          + config.overflowPolicy());
    }
    sink.open(config.format());
    StreamingPlayer p = new StreamingPlayer(config.format(), decoder, sink, config, nanoClock);
    p.thread.start();
    return p;
  }

  // ------------------------------------------------------------------ listener (producer)

  @Override
  public void onStatus(ConnectionStatus status) {
    lastStatus = status;
  }

  @Override
  public void onAudio(TtsAudio audio) {
    if (decoder == null) {
      offer(audio.audio());
      return;
    }
    byte[] pcm;
    try {
      pcm = decoder.decode(audio.audio());
    } catch (IllegalArgumentException | IllegalStateException e) {
      decodeFailed(e);
      return;
    }
    offer(pcm);
  }

  private void decodeFailed(RuntimeException e) {
    log.warn("player: cannot decode the stream's {}: {}", decoder.source(), e.toString());
    onFailure(new SpeechError(ErrorCode.ERROR, "the player cannot decode the "
        + decoder.source().wireName() + " stream: " + e.getMessage()));
  }

  /** Puts PCM into the buffer, waiting for room (back-pressure). */
  private void offer(byte[] a) {
    if (a.length == 0) {
      return;
    }
    long arrival = nanoClock.getAsLong() / 1_000_000L;
    while (!stopped && !buffer.offer(a, 0, a.length, arrival)) {
      try {
        Thread.sleep(RETRY_MILLIS); // full: wait for the player (back-pressure)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void onClosed(boolean complete) {
    if (decoder != null) {
      offer(decoder.finish());
    }
    buffer.end();
  }

  @Override
  public void onFailure(SpeechError error) {
    failure = error;
    buffer.end();
  }

  // ------------------------------------------------------------------ player (consumer)

  private void run() {
    byte[] frame = new byte[Math.max(format.frameSize(), format.bytesForMillis(FRAME_MILLIS))];
    long frameNanos = (long) (format.millisForBytes(frame.length) * 1_000_000L);
    long next = nanoClock.getAsLong();
    try {
      while (!stopped && buffer.state() != JitterBuffer.State.ENDED) {
        buffer.read(frame, 0, frame.length);
        sink.write(frame, 0, frame.length);
        if (!sink.pacesItself()) {
          next += frameNanos;
          long wait = next - nanoClock.getAsLong();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
          }
        }
      }
    } catch (IOException e) {
      sinkError = e;
      log.warn("player: the sink failed: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        sink.close();
      } catch (IOException e) {
        sinkError = e;
      } catch (Exception e) {
        log.warn("player: closing the sink failed", e);
      }
      finished.countDown();
    }
  }

  /** Waits until the stream ended and all its audio was played. False on timeout. */
  public boolean awaitFinished(long timeout, TimeUnit unit) throws InterruptedException {
    return finished.await(timeout, unit);
  }

  /** The PCM format the sink plays: the stream's, or its codec's PCM for MP3, Opus and WAV. */
  public AudioFormat outputFormat() {
    return format;
  }

  /** The jitter buffer's counters: underruns, target delay, buffered audio... */
  public JitterStats stats() {
    return buffer.stats();
  }

  /** The stream's failure, or null. */
  public SpeechError failure() {
    return failure;
  }

  /** The sink's failure, or null. */
  public IOException sinkError() {
    return sinkError;
  }

  /** The last connection status seen, or null. */
  public ConnectionStatus lastStatus() {
    return lastStatus;
  }

  /** Stops playing at once and releases the sink. Idempotent. */
  @Override
  public void close() {
    stopped = true; // the player thread stops at its next frame (end() is the producer's)
    try {
      finished.await(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
