package io.voicewire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.voicewire.speech.Alignment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Text-to-Dialogue messages: official wire names both ways, bad input refused. */
class DialogueMessagesTest {
  @Test
  void clientMessagesRoundTripWithTheOfficialNames() throws Exception {
    String json = "{\"context_id\":\"c\",\"voices\":[\"a\",\"b\"],\"voice_settings\":"
        + "{\"stability\":0.5},\"inputs\":[{\"text\":\"Hi. \",\"voice_id\":\"a\"},"
        + "{\"text\":\"Yo. \",\"voice_id\":\"b\",\"new_turn\":true}],\"flush\":true,"
        + "\"close_context\":true,\"keep_alive\":true,\"single_use_token\":\"t\"}";
    DialogueClientMessage m = DialogueClientMessage.decode(json);
    assertEquals(List.of("a", "b"), m.voices());
    assertEquals(new DialogueClientMessage.Input("Yo. ", "b", true), m.inputs().get(1));
    assertEquals(0.5, m.stability());
    assertEquals(json, m.encode());
  }

  @Test
  void badClientMessagesAreInputErrors() {
    for (String bad : List.of("{\"inputs\":[{\"text\":\"x\"}]}", "{\"inputs\":{}}",
        "{\"voices\":[1]}", "{\"voice_settings\":{\"stability\":2}}", "[1]")) {
      assertThrows(ProtocolException.class, () -> DialogueClientMessage.decode(bad), bad);
    }
  }

  @Test
  void serverMessagesAreSnakeCase() throws Exception {
    Alignment a = new Alignment(List.of("H", "i"), new int[] {0, 10}, new int[] {10, 10});
    String audio = new DialogueServerMessage.Audio(new byte[] {1, 2}, a, "c").encode();
    assertEquals("{\"audio\":\"AQI=\",\"alignment\":{\"chars\":[\"H\",\"i\"],"
        + "\"char_start_times_ms\":[0,10],\"char_durations_ms\":[10,10]},\"context_id\":\"c\"}",
        audio);
    DialogueServerMessage.Audio back = assertInstanceOf(DialogueServerMessage.Audio.class,
        DialogueServerMessage.decode(audio));
    assertEquals(a.chars(), back.alignment().chars());
    assertEquals(10, back.alignment().startMs(1));
    assertEquals("{\"is_final_audio_for_turn\":true}",
        new DialogueServerMessage.TurnFinal(null).encode());
    assertEquals(new DialogueServerMessage.Final("c"),
        DialogueServerMessage.decode("{\"is_final\":true,\"context_id\":\"c\"}"));
    assertEquals(new DialogueServerMessage.Error("m", "e", 1008, "voices"),
        DialogueServerMessage.decode(new DialogueServerMessage.Error("m", "e", 1008, "voices")
            .encode()));
    assertThrows(ProtocolException.class, () -> DialogueServerMessage.decode("{\"x\":1}"));
  }
}
