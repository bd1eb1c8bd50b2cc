package io.voicewire.engine.local.internal;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.TtsAudio;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The audio side of a local TTS session: converts each sentence's synthesized audio to the
 * requested format and cuts it into chunks of growing size ({@link #CHUNK_MILLIS}: the first is
 * small so that playback can start early), each with the alignment of the characters that start
 * in it ({@link ChunkAlignment}). Text with nothing to say waits for the next chunk, or goes out on
 * a carrier at a flush or the end ({@link #emitSilent}). It also keeps how far the audio produced
 * is ahead of real time ({@link #leadMillis}), which the session's scheduling reads.
 *
 * <p>A sentence is {@link #begin begun}, then {@link #pump pumped} until its audio ends; between
 * pumps it stays here (the scheduler may serve other sessions meanwhile).
 *
 * <p>Thread safety: driven by the one worker that runs its session at a time (the scheduler hands
 * the session over between workers, which orders these writes); {@link #leadMillis} and {@link
 * #playoutEndNanos} may be called from any thread (their inputs are volatile).
 */
final class TtsOutput {
  /** Sizes of successive audio chunks; the last repeats. */
  static final int[] CHUNK_MILLIS = {20, 40, 80, 160};
  /** Silence that carries the alignment of trailing text with nothing to say. */
  static final int SILENT_CARRIER_MILLIS = 10;
  /**
   * Characters of text with nothing to say that one chunk's alignment carries at most. Past it,
   * such text goes out at once, on carriers of its own, so that no message grows with it (issue
   * #10: 512 KiB of {@code ". "} built one alignment of half a million characters, several MB of
   * arrays the garbage collector handles region by region).
   */
  static final int MAX_SILENT_CHARS_PER_CHUNK = 16_384;
  /** Bytes read from the engine at a time (about 43 ms at 48 kHz): the grain of preemption. */
  static final int READ_BYTES = 4096;

  private final VoiceEngine voice;
  private final AudioFormat out;
  private final LongSupplier nanoClock;
  private final BooleanSupplier cancelled;
  private final Consumer<TtsAudio> emit;
  // written by the one worker running the session at a time; handed over through the scheduler
  private AudioConverter converter;
  private long outputSamples;
  private int chunkIndex;
  private Current current;
  private final StringBuilder silentChars = new StringBuilder();
  private volatile long firstAudioNanos = -1;
  private volatile long producedMillis;

  /**
   * @param cancelled whether the session was cancelled: synthesis then stops
   * @param emit takes each chunk, in order
   */
  TtsOutput(VoiceEngine voice, AudioFormat out, LongSupplier nanoClock,
      BooleanSupplier cancelled, Consumer<TtsAudio> emit) {
    this.voice = voice;
    this.out = out;
    this.nanoClock = nanoClock;
    this.cancelled = cancelled;
    this.emit = emit;
  }

  /** Audio produced minus real time elapsed since the first chunk: how far ahead we are. */
  long leadMillis() {
    long first = firstAudioNanos;
    if (first < 0) {
      return 0;
    }
    long elapsed = (nanoClock.getAsLong() - first) / 1_000_000;
    return producedMillis - elapsed;
  }

  /**
   * Keeps text with nothing to say for the next chunk (or {@link #emitSilent}). Once there is
   * {@link #MAX_SILENT_CHARS_PER_CHUNK} of it and the session has made audio, it goes out at once
   * on silent carriers. Before the first audio it waits for the first chunk whatever its length:
   * a chunk without audio would lose it (servers drop such a chunk with its alignment), and a
   * carrier of silence would be the session's first audio.
   */
  void silent(String text) {
    silentChars.append(text);
    if (silentChars.length() >= MAX_SILENT_CHARS_PER_CHUNK && madeAudio()) {
      emitSilent();
    }
  }

  private boolean madeAudio() {
    return converter != null && outputSamples > 0;
  }

  /**
   * Starts {@code sentence} with {@code synth}: normalizes it and runs the work before its first
   * audio; {@link #pump} then emits its chunks. Text with nothing to say waits for the next chunk.
   */
  void begin(String sentence, Synthesizer synth, double speed) throws Exception {
    ensureConverter();
    if (leadMillis() < TtsScheduler.URGENT_LEAD_MILLIS) {
      chunkIndex = 0; // the listener is (nearly) waiting: start small again
    }
    NormalizedText text = TextNormalizer.normalize(sentence);
    if (!text.speakable()) {
      silent(sentence);
      return;
    }
    SentenceEmitter em = new SentenceEmitter(text);
    Synthesizer.SentenceAudio u = synth.start(text.spoken(), speed);
    em.timing(u.timing());
    current = new Current(u, em);
  }

  /** True while a sentence has been begun and not all of its audio emitted. */
  boolean inProgress() {
    return current != null;
  }

  /**
   * Reads and emits the current sentence's audio, at least one read, until it ends (true) or
   * {@code yield} says to hand the worker over (false; call again later, from any worker).
   */
  boolean pump(BooleanSupplier yield) throws IOException {
    Current c = current;
    if (c == null) {
      return true;
    }
    while (true) {
      if (cancelled.getAsBoolean()) {
        abandon();
        return true;
      }
      int n = c.utterance.read(c.buf, 0, c.buf.length);
      if (n < 0) {
        current = null;
        c.emitter.finish();
        return true;
      }
      if (n > 0 && !c.emitter.audio(c.buf, 0, n)) {
        abandon();
        return true;
      }
      if (yield.getAsBoolean()) {
        return false;
      }
    }
  }

  /** Drops the current sentence, if any, and lets its engine threads go (cancel, close). */
  void abandon() {
    Current c = current;
    current = null;
    if (c != null) {
      c.utterance.abandon();
    }
  }

  /**
   * When this session's listener runs out of audio, on the {@code nanoClock}: the first audio's
   * time plus the audio produced since; {@code Long.MIN_VALUE} before the first audio.
   */
  long playoutEndNanos() {
    long first = firstAudioNanos;
    return first < 0 ? Long.MIN_VALUE : first + producedMillis * 1_000_000;
  }

  /**
   * Its place in the scheduler's queue: when its listener runs out of audio; when it has nothing
   * left to play (before its first audio, after a pause), {@link
   * TtsScheduler#FIRST_AUDIO_TARGET_MILLIS} after {@code nowNanos}, the moment it became ready.
   * So a new session goes ahead of sessions with more than that in hand, and behind those about
   * to fall silent.
   */
  long deadlineNanos(long nowNanos) {
    long end = playoutEndNanos();
    return end == Long.MIN_VALUE || end - nowNanos < 0
        ? nowNanos + TimeUnit.MILLISECONDS.toNanos(TtsScheduler.FIRST_AUDIO_TARGET_MILLIS) : end;
  }

  /** The sentence being emitted: its utterance, its chunker and the read buffer. */
  private record Current(Synthesizer.SentenceAudio utterance, SentenceEmitter emitter, byte[] buf) {
    Current(Synthesizer.SentenceAudio utterance, SentenceEmitter emitter) {
      this(utterance, emitter, new byte[READ_BYTES]);
    }
  }

  /**
   * Emits text that had nothing to say, unless a chunk will carry it: on {@link
   * #SILENT_CARRIER_MILLIS} of silence once the session has made audio (servers drop a chunk
   * without audio, and its alignment with it), else on an empty chunk; one chunk per {@link
   * #MAX_SILENT_CHARS_PER_CHUNK} characters.
   */
  void emitSilent() {
    int from = 0;
    int n = silentChars.length();
    while (from < n) {
      int to = Math.min(n, from + MAX_SILENT_CHARS_PER_CHUNK);
      if (to < n && Character.isHighSurrogate(silentChars.charAt(to - 1))) {
        to--; // a code point stays in one chunk
      }
      emit.accept(new TtsAudio(carrier(), ChunkAlignment.silent(silentChars.substring(from, to)),
          new Alignment(List.of(), new int[0], new int[0])));
      from = to;
    }
    silentChars.setLength(0);
  }

  /**
   * A pause of {@code millis} ({@link BreakTags}): silence, in chunks of at most the largest
   * {@link #CHUNK_MILLIS}, the first carrying {@code text} (the tag) and any text with nothing to
   * say that waits, at the pause's start. Before the session's first audio the silence is its
   * first audio, as the tag asks.
   */
  void pause(String text, int millis) {
    ensureConverter();
    if (silentChars.length() + text.length() > MAX_SILENT_CHARS_PER_CHUNK) {
      emitSilent();
    }
    silentChars.append(text);
    byte[] pcm = silence(millis);
    int step = CHUNK_MILLIS[CHUNK_MILLIS.length - 1] * out.sampleRate() / 1000 * out.frameSize();
    Alignment none = new Alignment(List.of(), new int[0], new int[0]);
    for (int from = 0; from < pcm.length || from == 0; from += step) {
      byte[] chunk = Arrays.copyOfRange(pcm, from, Math.min(pcm.length, from + step));
      outputSamples += chunk.length / out.frameSize();
      producedMillis = outputSamples * 1000 / out.sampleRate();
      if (firstAudioNanos < 0 && chunk.length > 0) {
        firstAudioNanos = nanoClock.getAsLong();
      }
      emit.accept(new TtsAudio(chunk, from == 0 ? ChunkAlignment.silent(silentChars.toString())
          : none, none));
      if (from == 0) {
        silentChars.setLength(0);
      }
    }
  }

  private void ensureConverter() {
    if (converter == null) {
      converter = AudioConverter.create(
          new AudioFormat(AudioFormat.Encoding.PCM_S16LE, voice.sampleRate(), 0), out);
    }
  }

  /** {@code millis} of silence in the output format, the converter flushed after it. */
  private byte[] silence(int millis) {
    byte[] a = converter.convert(new byte[(int) ((long) millis * voice.sampleRate() / 1000) * 2]);
    byte[] b = converter.flush();
    byte[] pcm = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, pcm, a.length, b.length);
    return pcm;
  }

  private byte[] carrier() {
    if (!madeAudio()) {
      return new byte[0];
    }
    byte[] carrier = silence(SILENT_CARRIER_MILLIS);
    outputSamples += carrier.length / out.frameSize();
    producedMillis = outputSamples * 1000 / out.sampleRate();
    return carrier;
  }

  /** Receives one sentence's timing and audio on the worker; cuts it into chunks. */
  private final class SentenceEmitter implements Synthesizer.Sink {
    private final ChunkAlignment alignment;
    private final int rate = out.sampleRate();
    private final int frame = out.frameSize();
    private final long startSample = outputSamples;
    private byte[] pending = new byte[8192];
    private int pendingLen;
    private long emittedSamples;

    SentenceEmitter(NormalizedText text) {
      this.alignment = new ChunkAlignment(text, silentChars);
    }

    @Override
    public void timing(SentenceTiming timing) {
      alignment.timing(timing);
    }

    @Override
    public boolean audio(byte[] pcm, int off, int len) {
      if (cancelled.getAsBoolean()) {
        return false;
      }
      append(converter.convert(Arrays.copyOfRange(pcm, off, off + len)));
      int target;
      while (pendingLen > (target = targetBytes())) {
        chunk(target, false);
      }
      return !cancelled.getAsBoolean();
    }

    void finish() {
      append(converter.flush());
      chunk(pendingLen, true);
    }

    private int targetBytes() {
      int ms = CHUNK_MILLIS[Math.min(chunkIndex, CHUNK_MILLIS.length - 1)];
      return (int) ((long) ms * rate / 1000) * frame;
    }

    private void append(byte[] b) {
      if (pendingLen + b.length > pending.length) {
        pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLen + b.length));
      }
      System.arraycopy(b, 0, pending, pendingLen, b.length);
      pendingLen += b.length;
    }

    private void chunk(int bytes, boolean last) {
      byte[] audio = Arrays.copyOf(pending, bytes);
      System.arraycopy(pending, bytes, pending, 0, pendingLen - bytes);
      pendingLen -= bytes;
      long samples = bytes / frame;
      double chunkStartMs = (startSample + emittedSamples) * 1000.0 / rate;
      double chunkEndMs = (startSample + emittedSamples + samples) * 1000.0 / rate;
      double sentenceStartMs = startSample * 1000.0 / rate;
      Alignment a = alignment.original(sentenceStartMs, chunkStartMs, chunkEndMs, last);
      Alignment n = alignment.normalized(sentenceStartMs, chunkStartMs, chunkEndMs, last);
      emittedSamples += samples;
      outputSamples = startSample + emittedSamples;
      chunkIndex++;
      if (firstAudioNanos < 0) {
        firstAudioNanos = nanoClock.getAsLong();
      }
      producedMillis = outputSamples * 1000 / rate;
      emit.accept(new TtsAudio(audio, a, n));
    }
  }
}
