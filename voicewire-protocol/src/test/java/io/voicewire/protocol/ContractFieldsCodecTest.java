package io.voicewire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.protocol.internal.Json;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.VoiceSettings;
import io.voicewire.speech.Word;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The codec of the official fields a relay must carry exactly: partial {@code voice_settings},
 * later settings on {@code SendText}, word {@code speaker_id}/{@code characters}/
 * {@code channel_index}, {@code transcript_edit}, and the Scribe messages passed on as received.
 */
class ContractFieldsCodecTest {

  private static JsonNode json(String s) throws Exception {
    return Json.mapper().readTree(s);
  }

  @Test
  void partialVoiceSettingsAreReencodedWithOnlyTheFieldsSent() throws Exception {
    TtsClientMessage m = TtsClientMessage.decode("{\"text\":\" \",\"voice_settings\":"
        + "{\"speed\":1.1,\"use_speaker_boost\":false}}");
    VoiceSettings vs = m.voiceSettings();
    assertEquals(1.1, vs.speed());
    assertEquals(VoiceSettings.DEFAULT.stability(), vs.stability(), "engines get the default");
    assertFalse(vs.chose("stability"));
    assertEquals(json("{\"speed\":1.1,\"use_speaker_boost\":false}"),
        json(m.encode()).get("voice_settings"));
    // built in code: every field
    assertEquals(5, json(new TtsClientMessage(" ", false, false, VoiceSettings.DEFAULT, null,
        List.of(), null, null, null, false, false).encode()).get("voice_settings").size());
    assertTrue(vs.withSpeed(0.9).chose("speed"));
    assertFalse(vs.withSpeed(0.9).chose("style"));
  }

  @Test
  void httpBodySettingsToo() throws Exception {
    HttpTtsBody b = HttpTtsBody.decode("{\"text\":\"x\",\"voice_settings\":{\"style\":0.2}}");
    assertEquals(json("{\"style\":0.2}"), json(b.encode()).get("voice_settings"));
  }

  @Test
  void aLaterSendTextNamesItsScheduleGeneratorConfig() throws Exception {
    TtsClientMessage m = new TtsClientMessage("Hi ", false, false, null, List.of(120), List.of(),
        null, null, null, false, false);
    assertTrue(json(m.encodeAsSendText()).has("generator_config"));
    assertTrue(json(m.encode()).has("generation_config"));
  }

  @Test
  void wordsCarrySpeakerCharactersAndChannelBothWays() throws Exception {
    String in = "{\"message_type\":\"committed_transcript_with_timestamps\",\"text\":\"hi yo\","
        + "\"language_code\":\"en\",\"words\":[{\"text\":\"hi\",\"start\":0.1,\"end\":0.3,"
        + "\"type\":\"word\",\"speaker_id\":\"speaker_1\",\"logprob\":-0.1,\"characters\":["
        + "{\"text\":\"h\",\"start\":0.1,\"end\":0.2},{\"text\":\"i\",\"start\":0.2,\"end\":0.3}],"
        + "\"channel_index\":1},{\"text\":\"yo\",\"start\":0.4,\"end\":0.5,\"type\":\"word\","
        + "\"logprob\":0,\"characters\":[\"y\",\"o\"]}]}";
    var m = (SttServerMessage.CommittedWithTimestamps) SttServerMessage.decode(in);
    Word hi = m.words().get(0);
    assertEquals("speaker_1", hi.speakerId());
    assertEquals(List.of(new Word.Char("h", 0.1, 0.2), new Word.Char("i", 0.2, 0.3)),
        hi.characters());
    assertEquals(1, hi.channelIndex());
    Word yo = m.words().get(1);
    assertEquals(List.of(new Word.Char("y", null, null), new Word.Char("o", null, null)),
        yo.characters(), "the JS SDK's plain-string form");
    assertNull(yo.speakerId());
    JsonNode out = json(m.encode());
    assertEquals(json(in).get("words").get(0), out.get("words").get(0));
    assertFalse(out.get("words").get(1).has("speaker_id"));
    Word moved = hi.shifted(2.0);
    assertEquals(2.1, moved.start(), 1e-9);
    assertEquals(2.2, moved.characters().get(0).end(), 1e-9);
    assertEquals("speaker_1", moved.speakerId());
  }

  @Test
  void finalTranscriptsArePassedOnAsTheClientAskedForThem() throws Exception {
    String fin = "{\"message_type\":\"final_transcript_with_timestamps\",\"text\":\"hi\","
        + "\"language_code\":\"en\",\"words\":[{\"text\":\"hi\",\"start\":0.1,\"end\":0.3,"
        + "\"type\":\"word\",\"logprob\":0,\"characters\":[{\"text\":\"h\",\"start\":0.1}]}]}";
    String t = "final_transcript_with_timestamps";
    assertNull(SttWords.asRequested(t, fin, false, false, 0));
    assertFalse(json(SttWords.asRequested(t, fin, false, true, 0)).has("words"));
    JsonNode moved = json(SttWords.asRequested(t, fin, true, false, 1.5));
    assertEquals(1.6, moved.at("/words/0/start").asDouble(), 1e-9);
    assertEquals(1.6, moved.at("/words/0/characters/0/start").asDouble(), 1e-9);
    assertEquals("en", moved.get("language_code").asText());
    String ent = "{\"message_type\":\"committed_transcript_entities\",\"text\":\"x\","
        + "\"entities\":[]}";
    assertEquals(ent, SttWords.asRequested("committed_transcript_entities", ent, false, false,
        3));
  }

  @Test
  void transcriptEditIsReadAndForwarded() throws Exception {
    SttParams p = SttParams.parse(Query.parse("model_id=scribe_v2_realtime"
        + "&transcript_edit=Fix%20the%20names."));
    assertEquals("Fix the names.", p.request().transcriptEdit());
    assertTrue(SttParams.toQuery(p.request()).contains("transcript_edit=Fix"));
    assertFalse(SttParams.toQuery(SttRequest.builder().build()).contains("transcript_edit"));
  }
}
