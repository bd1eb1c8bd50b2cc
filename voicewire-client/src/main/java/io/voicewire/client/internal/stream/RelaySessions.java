package io.voicewire.client.internal.stream;

import io.voicewire.client.ConnectionStatus;
import io.voicewire.client.internal.ClientContext;
import io.voicewire.protocol.SttAudioFrame;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.TtsListener;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceSettings;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The relay's seam into the SDK's streams: an upstream TTS or STT stream seen as an engine
 * session of the server's SPI. Text goes upstream as the relay's client sent it (no chunking:
 * that client already follows the protocol), and a relayed {@code previous_text} reaches the
 * STT stream's resume. STT is relayed at wire speed: a plain client audio frame goes upstream as
 * the same text and stays undecoded in the replay ring, and each upstream
 * {@code partial_transcript} comes back to the listener's {@code onServerMessage} as received
 * ({@link RealSttStream#openPassThrough}). The streams' events go to the SPI's listeners as
 * they come, their connection status to the caller's {@code status} (the SPI has no such event).
 * The streams keep their own thread safety; these adapters add no state.
 */
public final class RelaySessions {
  private RelaySessions() {}

  /** A TTS session that sends {@code upstream} to the SDK's stream; {@code request} is shown. */
  public static TtsSession tts(ClientContext ctx, TtsRequest request, TtsRequest upstream,
      TtsListener listener, Consumer<ConnectionStatus> status) {
    FlushedCloseGate gate = new FlushedCloseGate(listener, status);
    RealTtsStream stream = RealTtsStream.open(ctx, upstream, gate);
    gate.attach(stream);
    return new Tts(request, stream, gate);
  }

  /** An STT session that sends {@code upstream} to the SDK's stream; {@code request} is shown. */
  public static SttSession stt(ClientContext ctx, SttRequest request, SttRequest upstream,
      SttListener listener, Consumer<ConnectionStatus> status) {
    return new Stt(request, RealSttStream.openPassThrough(ctx, upstream, listener, status));
  }

  private record Tts(TtsRequest request, RealTtsStream stream, FlushedCloseGate gate)
      implements TtsSession {
    @Override
    public boolean send(String text) {
      gate.sent(text);
      return stream.sendRaw(text, false, false);
    }

    /**
     * Settings sent again go upstream with the text when they are the stream's own (all the
     * upstream {@code stream-input} allows after the first message); changed ones (a
     * re-initialised context) stay here, and the stream keeps its settings, as the offline server
     * does.
     */
    @Override
    public boolean sendWithSettings(String text, VoiceSettings voiceSettings,
        List<Integer> chunkLengthSchedule) {
      boolean same = Objects.equals(voiceSettings, request.chose("voice_settings")
          ? request.voiceSettings() : null)
          && Objects.equals(chunkLengthSchedule, request.chose("generation_config")
              ? request.chunkLengthSchedule() : null);
      if (!same) {
        return " ".equals(text) || send(text);
      }
      gate.sent(text);
      return stream.sendRaw(text, false, false, voiceSettings, chunkLengthSchedule);
    }

    @Override
    public boolean flush() {
      gate.flushed();
      return stream.sendRaw("", true, false);
    }

    @Override
    public boolean tryTrigger() {
      return stream.sendRaw("", false, true);
    }

    @Override
    public boolean end() {
      return stream.end();
    }

    /** close_context: see {@link FlushedCloseGate}. */
    @Override
    public boolean closeContext() {
      return gate.closeContext();
    }

    @Override
    public void close() {
      stream.cancel();
    }
  }

  private record Stt(SttRequest request, RealSttStream stream) implements SttSession {
    @Override
    public boolean sendAudio(byte[] audio) {
      try {
        return stream.sendAudio(audio);
      } catch (IllegalArgumentException e) {
        return false; // not a whole number of frames: not taken
      }
    }

    /**
     * The client's frame goes upstream as received; the ring keeps it undecoded (a copy in its
     * segments: the bytes are lent for this call only).
     */
    @Override
    public boolean sendAudioFrame(byte[] buf, int offset, int length, int b64From, int b64To,
        int audioBytes) {
      try {
        return stream.sendFrame(
            new SttAudioFrame(buf, offset, length, b64From, b64To, audioBytes, null));
      } catch (IllegalArgumentException e) {
        return false; // not a whole number of frames: not taken
      }
    }

    @Override
    public boolean commit() {
      return stream.commit();
    }

    @Override
    public void previousText(String text) {
      stream.previousText(text);
    }

    @Override
    public long audioReceivedMs() {
      return stream.audioSentMs();
    }

    @Override
    public void close() {
      stream.end();
    }
  }
}
