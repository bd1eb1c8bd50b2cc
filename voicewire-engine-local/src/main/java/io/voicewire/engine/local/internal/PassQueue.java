package io.voicewire.engine.local.internal;

import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import java.util.ArrayDeque;

/**
 * The decode schedule of one STT session: its steps (passes to decode, segment commits, the
 * close) in audio order, the pass that receives audio and the pass submitted to the decoder pool.
 * The session submits one pass at a time and runs a commit or the close once the passes before
 * it are decoded, so its transcripts come out in audio order.
 *
 * <p>Not thread safe: the owning session guards it, and its passes' fields, with its lock.
 */
final class PassQueue {
  sealed interface Step permits Pass, CommitStep, CloseStep {}

  /** A segment boundary; {@code always} false skips it when the segment has no words. */
  record CommitStep(long startMs, long endMs, boolean always, CommitTrace trace)
      implements Step {}

  /** The session's end, after all its passes and commits. */
  record CloseStep() implements Step {}

  /**
   * One stretch of speech and its decoding; the owning session implements the decoder's
   * callbacks, which come from a decoder thread.
   */
  abstract static non-sealed class Pass implements Step, DecoderPool.Job {
    final int number;
    final long zeroMs; // session time of the first byte of the pipe
    final AudioPipe pipe;
    private final String tenant;
    boolean submitted; // guarded by the session lock
    private volatile long submittedNanos;

    Pass(int number, long zeroMs, int maxBytes, String tenant) {
      this.number = number;
      this.zeroMs = zeroMs;
      this.pipe = new AudioPipe(maxBytes);
      this.tenant = tenant;
    }

    @Override
    public String tenant() {
      return tenant;
    }

    @Override
    public void started() {
      pace().waitedForLane(System.nanoTime() - submittedNanos);
    }

    boolean write(byte[] pcm) {
      return pipe.write(pcm);
    }

    @Override
    public AudioPipe audio() {
      return pipe;
    }
  }

  private final long maxQueuedBytes;
  private final ArrayDeque<Step> steps = new ArrayDeque<>();
  private long segmentStartMs; // start of the segment being requested
  /** The pass receiving audio, if any (the last queued pass, or the active one). */
  Pass open;
  /** The pass submitted to the pool, if any. */
  Pass active;

  /** @param maxQueuedBytes most 16 kHz audio bytes waiting for the decoder, over all passes */
  PassQueue(long maxQueuedBytes) {
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /**
   * Whether a chunk of {@code inputBytes} in any input format, once converted to 16 kHz, fits
   * under the bound of audio waiting for the decoder.
   */
  boolean hasRoomFor(int inputBytes) {
    // 8-bit 8 kHz to 16-bit 16 kHz is the largest growth (x4)
    return queuedBytes() + inputBytes * 4L + 64 <= maxQueuedBytes;
  }

  void add(Step step) {
    steps.add(step);
  }

  /**
   * Queues the commit of the segment from the previous commit to {@code endMs}, traced on the
   * session's {@code pace}.
   */
  void commit(long endMs, boolean always, DecodePace pace) {
    steps.add(new CommitStep(segmentStartMs, endMs, always,
        CommitTrace.mark(pace, queuedBytes() / (DecoderPool.SAMPLE_RATE * 2 / 1000))));
    segmentStartMs = endMs;
  }

  /** Queues {@code pass} and makes it the one that receives audio. */
  void open(Pass pass) {
    open = pass;
    steps.add(pass);
  }

  /** Ends the open pass's audio, if there is one; its decoding goes on. */
  void finishOpen() {
    if (open != null) {
      open.pipe.finish();
      open = null;
    }
  }

  /** The next step to run, or null when none can run (one is decoding, or none is queued). */
  Step next() {
    return active == null ? steps.poll() : null;
  }

  /**
   * Submits {@code pass}, which {@link #next()} gave, to {@code pool} (none: the engine failed)
   * and makes it the active one; or puts it back and returns the error when the pool refuses it.
   */
  SpeechError submit(Pass pass, DecoderPool pool) {
    pass.submittedNanos = System.nanoTime();
    if (pool == null || !pool.submit(pass)) {
      steps.addFirst(pass);
      return new SpeechError(ErrorCode.RESOURCE_EXHAUSTED, "all "
          + (pool == null ? 0 : pool.size()) + " speech decoders are busy and "
          + (pool == null ? 0 : pool.waiting()) + " sessions are waiting for one");
    }
    pass.submitted = true;
    active = pass;
    return null;
  }

  /**
   * Takes the active pass back from {@code pool} if it has not started decoding; else ends its
   * audio, so that the decoder reads the end and calls {@code done()}.
   *
   * @return true when no pass is active any more
   */
  boolean cancelActive(DecoderPool pool) {
    if (active != null && pool.cancel(active)) {
      active.pipe.abort();
      active = null;
    }
    if (active != null) {
      active.pipe.abort(); // the decoder reads the end and calls done()
    }
    return active == null;
  }

  /** Abandons the active pass at once (the session failed); its decoder's callbacks are ignored. */
  void abandonActive(DecoderPool pool) {
    if (active != null) {
      if (pool != null) {
        pool.cancel(active);
      }
      active.pipe.abort();
      active = null;
    }
  }

  /** Bytes waiting for the decoder in the passes (the active one and the queued ones). */
  long queuedBytes() {
    long n = 0;
    if (active != null) {
      n += active.pipe.buffered();
    }
    for (Step s : steps) {
      if (s instanceof Pass p) {
        n += p.pipe.buffered();
      }
    }
    return n; // the open pass is the last queued step or the active one
  }

  /** Bytes of buffer the passes hold (queued, open and being decoded). */
  long allocatedBytes() {
    long n = 0;
    if (active != null) {
      n += active.pipe.allocated();
    }
    for (Step s : steps) {
      if (s instanceof Pass p && p != active) {
        n += p.pipe.allocated();
      }
    }
    if (open != null && open != active && !steps.contains(open)) {
      n += open.pipe.allocated();
    }
    return n;
  }

  /** Drops the open and the queued passes (not the active one) and the queued steps. */
  void dropQueued() {
    if (open != null) {
      open.pipe.abort();
      open = null;
    }
    for (Step s : steps) {
      if (s instanceof Pass p) {
        p.pipe.abort();
      }
    }
    steps.clear();
  }
}
