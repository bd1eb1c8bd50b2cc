package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsSession;
import java.util.function.Consumer;

/**
 * {@code close_context} for a relayed context whose upstream is a {@code stream-input} stream:
 * the relay has already sent the context's text upstream, where the end of input would voice all
 * of it. The AsyncAPI document's {@code CloseContext} voices only what was flushed, so the gate
 * counts the characters sent up to the last flush and the characters the upstream alignment has
 * voiced; once the flushed ones are voiced it cancels the upstream stream and reports the
 * context complete ({@code onClosed(true)}: the relay's client gets its {@code isFinal}). With
 * nothing unflushed upstream, the stream simply ends. Whitespace is not counted on either side
 * (alignment may trim it).
 *
 * <p>The gate is also the stream's listener: it passes the upstream stream's events on to the
 * engine-session listener of the SPI, and its connection status to {@code status}.
 *
 * <p>Thread safe: counters under the gate's monitor; listener and stream calls outside it.
 */
final class FlushedCloseGate implements RealTtsStream.RelayListener {
  private final TtsListener listener;
  private final Consumer<ConnectionStatus> status;
  private volatile RealTtsStream stream;
  // guarded by this
  private long sentChars;
  private long flushedChars;
  private long voicedChars;
  private boolean closing;
  private boolean finished;

  FlushedCloseGate(TtsListener listener, Consumer<ConnectionStatus> status) {
    this.listener = listener;
    this.status = status;
  }

  /** The relayed session's client: how much audio it has still to take (no lock). */
  @Override
  public long backlogMillis() {
    return listener.backlogMillis();
  }

  /** The upstream stream, set once right after it opens. */
  void attach(RealTtsStream s) {
    this.stream = s;
  }

  /** Text that went upstream. */
  synchronized void sent(String text) {
    sentChars += counted(text);
  }

  /** A flush went upstream: everything sent so far is flushed. */
  synchronized void flushed() {
    flushedChars = sentChars;
  }

  /** The {@link TtsSession#closeContext()} of the relayed session. */
  boolean closeContext() {
    boolean unflushed;
    synchronized (this) {
      if (closing || finished) {
        return false;
      }
      closing = true;
      unflushed = sentChars > flushedChars;
    }
    if (!unflushed) {
      return stream.end(); // nothing unflushed upstream: its end voices only flushed text
    }
    finishIfVoiced();
    return true;
  }

  /** Finishes (outside the monitor) when closing and every flushed character is voiced. */
  private void finishIfVoiced() {
    synchronized (this) {
      if (!closing || finished || sentChars <= flushedChars || voicedChars < flushedChars) {
        return;
      }
      finished = true;
    }
    stream.cancel(); // its own onClosed(false) comes to a finished gate: dropped
    listener.onClosed(true);
  }

  @Override
  public void onStatus(ConnectionStatus s) {
    status.accept(s);
  }

  @Override
  public void onAudio(TtsAudio audio) {
    if (voiced(audio)) {
      listener.onAudio(audio);
      finishIfVoiced();
    }
  }

  /** The upstream's audio message, whole and unchanged, passed on as received. */
  @Override
  public void onUpstreamAudio(TtsAudio audio, String message) {
    if (voiced(audio)) {
      listener.onUpstreamAudio(audio, message);
      finishIfVoiced();
    }
  }

  /** Counts the characters {@code audio} voices; false once finished (the audio is dropped). */
  private synchronized boolean voiced(TtsAudio audio) {
    if (finished) {
      return false;
    }
    Alignment a = audio.alignment();
    if (a != null) {
      for (String c : a.chars()) {
        voicedChars += counted(c);
      }
    }
    return true;
  }

  @Override
  public void onClosed(boolean complete) {
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
    }
    listener.onClosed(complete);
  }

  @Override
  public void onFailure(SpeechError error) {
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
    }
    listener.onFailure(error);
  }

  private static long counted(String text) {
    return text.codePoints().filter(c -> !Character.isWhitespace(c)).count();
  }
}
