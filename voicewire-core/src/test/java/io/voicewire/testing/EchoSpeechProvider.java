package io.voicewire.testing;

import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.ModelInfo;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SpeechProvider;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceInfo;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upstream of the relay benchmark: a provider whose STT sessions answer every audio chunk at
 * once with a partial transcript {@code "seq N"}, N read from the chunk's first 8 bytes. It costs
 * next to nothing, so a round trip through it measures the transport and the relay, not a
 * recognizer. Not a speech engine; benchmark use only.
 */
public final class EchoSpeechProvider implements SpeechProvider {
  @Override
  public String name() {
    return "echo";
  }

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public List<VoiceInfo> voices() {
    return List.of();
  }

  @Override
  public List<ModelInfo> models() {
    return List.of(new ModelInfo("scribe_v2_realtime", "echo", "answers each chunk", false, true,
        List.of("en")));
  }

  @Override
  public TtsSession openTts(TtsRequest request, TtsListener listener) {
    listener.onFailure(new SpeechError(ErrorCode.UNSUPPORTED, "the echo provider has no TTS"));
    return new TtsSession() {
      @Override
      public TtsRequest request() {
        return request;
      }

      @Override
      public boolean send(String text) {
        return false;
      }

      @Override
      public boolean flush() {
        return false;
      }

      @Override
      public boolean tryTrigger() {
        return false;
      }

      @Override
      public boolean end() {
        return false;
      }

      @Override
      public boolean closeContext() {
        return false;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public SttSession openStt(SttRequest request, SttListener listener) {
    listener.onStarted(UUID.randomUUID().toString());
    AtomicBoolean closed = new AtomicBoolean();
    AtomicLong bytes = new AtomicLong();
    int bytesPerMs = request.audioFormat().bytesPerSecond() / 1000;
    return new SttSession() {
      @Override
      public SttRequest request() {
        return request;
      }

      @Override
      public synchronized boolean sendAudio(byte[] audio) {
        if (closed.get()) {
          return false;
        }
        long start = bytes.get() / bytesPerMs;
        long end = bytes.addAndGet(audio.length) / bytesPerMs;
        if (audio.length >= 8) {
          long seq = 0;
          for (int b = 0; b < 8; b++) {
            seq = (seq << 8) | (audio[b] & 0xff);
          }
          listener.onPartial(Transcript.partial("seq " + seq, start, end));
        }
        return true;
      }

      @Override
      public synchronized boolean commit() {
        if (closed.get()) {
          return false;
        }
        long end = bytes.get() / bytesPerMs;
        listener.onCommitted(new Transcript("", true, end, end, List.of(), null));
        return true;
      }

      @Override
      public long audioReceivedMs() {
        return bytes.get() / bytesPerMs;
      }

      @Override
      public void close() {
        if (closed.compareAndSet(false, true)) {
          listener.onClosed();
        }
      }
    };
  }

  @Override
  public void close() {}
}
