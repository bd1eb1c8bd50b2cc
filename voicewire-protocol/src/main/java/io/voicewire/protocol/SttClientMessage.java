package io.voicewire.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voicewire.protocol.internal.Json;
import java.util.Base64;

/**
 * {@code input_audio_chunk}, the one message a client sends on the realtime STT socket
 * (PROTOCOL.md §5.2).
 *
 * @param audio the decoded audio bytes (empty for a commit or keep-alive)
 * @param commit finalise the current segment
 * @param sampleRate the rate the client says the audio has, or null when absent
 * @param previousText context text (first chunk only), or null
 */
public record SttClientMessage(byte[] audio, boolean commit, Integer sampleRate,
    String previousText) {

  /** The only message type a client may send. */
  public static final String TYPE = "input_audio_chunk";

  /** An audio chunk. */
  public static SttClientMessage audio(byte[] audio, int sampleRate) {
    return new SttClientMessage(audio, false, sampleRate, null);
  }

  /** A commit with no audio, as every SDK sends it. */
  public static SttClientMessage commit(int sampleRate) {
    return new SttClientMessage(new byte[0], true, sampleRate, null);
  }

  /**
   * Decodes one message.
   *
   * @throws ProtocolException input_error (1007) for malformed JSON, a missing or unknown
   *     {@code message_type}, wrong field types or invalid base64
   */
  public static SttClientMessage decode(String json) throws ProtocolException {
    ObjectNode o = Json.parseObject(json);
    String type = Json.string(o, "message_type");
    if (type == null) {
      throw ProtocolException.input("field 'message_type' is required (expected '" + TYPE + "')");
    }
    if (!TYPE.equals(type)) {
      throw ProtocolException.input("unknown message_type '" + type + "' (expected '" + TYPE
          + "')");
    }
    String b64 = Json.string(o, "audio_base_64");
    if (b64 == null && !o.has("audio_base_64")) {
      throw ProtocolException.input("field 'audio_base_64' is required");
    }
    return new SttClientMessage(Json.base64("audio_base_64", b64), Json.bool(o, "commit", false),
        Json.integer(o, "sample_rate"), Json.string(o, "previous_text"));
  }

  /** Encodes as a client sends it. */
  public String encode() {
    return Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("message_type", TYPE);
      g.writeStringField("audio_base_64", Base64.getEncoder().encodeToString(audio));
      g.writeBooleanField("commit", commit);
      if (sampleRate != null) {
        g.writeNumberField("sample_rate", sampleRate);
      }
      if (previousText != null) {
        g.writeStringField("previous_text", previousText);
      }
      g.writeEndObject();
    });
  }

  @Override
  public String toString() {
    return "SttClientMessage[" + audio.length + " bytes, commit=" + commit + ", sampleRate="
        + sampleRate + "]";
  }
}
