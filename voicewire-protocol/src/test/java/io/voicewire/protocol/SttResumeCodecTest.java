package io.voicewire.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voicewire.speech.SttRequest;
import org.junit.jupiter.api.Test;

/** voicewire's STT resume vocabulary ({@link SttResume}): the query and the session_started field. */
class SttResumeCodecTest {

  @Test
  void theFieldIsWrittenOnlyWhenGivenAndReadBack() throws Exception {
    SttRequest r = SttRequest.builder().build();
    String official = new SttServerMessage.SessionStarted("s1", r, true).encode();
    assertFalse(official.contains("voicewire"), official);
    assertNull(((SttServerMessage.Started) SttServerMessage.decode(official)).voicewireResume());

    SttResume.Info info = new SttResume.Info(true, 10_000, 64_000, 3, null);
    String json = new SttServerMessage.SessionStarted("s1", r, true, info).encode();
    assertTrue(json.contains("\"voicewire_resume\":{\"resumed\":true,\"grace_ms\":10000,"
        + "\"audio_bytes_received\":64000,\"commits_sent\":3}"), json);
    assertEquals(info, ((SttServerMessage.Started) SttServerMessage.decode(json))
        .voicewireResume());

    SttResume.Info withRequests = new SttResume.Info(true, 10_000, 64_000, 3, null, 2);
    String counted = new SttServerMessage.SessionStarted("s1", r, true, withRequests).encode();
    assertTrue(counted.contains("\"commits_sent\":3,\"commit_requests_received\":2}"), counted);
    assertEquals(withRequests, ((SttServerMessage.Started) SttServerMessage.decode(counted))
        .voicewireResume());
    assertEquals(-1, info.commitRequestsReceived(), "an older server's field: not said");

    SttResume.Info fresh = new SttResume.Info(false, 10_000, 0, 0, "expired");
    String again = new SttServerMessage.SessionStarted("s2", r, true, fresh).encode();
    assertEquals(fresh, ((SttServerMessage.Started) SttServerMessage.decode(again))
        .voicewireResume());
  }

  @Test
  void aMalformedFieldReadsAsAbsent() throws Exception {
    for (String field : new String[] {"1", "{}", "{\"resumed\":\"yes\",\"grace_ms\":1,"
        + "\"audio_bytes_received\":0,\"commits_sent\":0}", "{\"resumed\":true,\"grace_ms\":1,"
        + "\"audio_bytes_received\":\"0\",\"commits_sent\":0}"}) {
      String json = "{\"message_type\":\"session_started\",\"session_id\":\"x\",\"config\":{},"
          + "\"voicewire_resume\":" + field + "}";
      assertNull(((SttServerMessage.Started) SttServerMessage.decode(json)).voicewireResume(),
          field);
    }
  }

  @Test
  void queryParametersRoundTrip() throws Exception {
    assertEquals(SttResume.Params.NONE, SttResume.Params.parse(Query.parse("model_id=m")));
    SttResume.Params first = SttResume.Params.parse(Query.parse("voicewire_resumable=true"));
    assertEquals(new SttResume.Params(true, null, 0), first);
    assertEquals("voicewire_resumable=true", first.addTo(Query.builder()).build());
    SttResume.Params again = new SttResume.Params(true, "4f0c_a-9", 7);
    String q = again.addTo(Query.builder()).build();
    assertEquals("voicewire_resume_session=4f0c_a-9&voicewire_commits_received=7", q);
    assertEquals(again, SttResume.Params.parse(Query.parse(q)));
    assertTrue(again.resuming());
    assertEquals("", SttResume.Params.NONE.addTo(Query.builder()).build());
  }

  @Test
  void badParametersAreInvalidRequestsNamingThem() {
    for (String[] c : new String[][] {
        {"voicewire_resume_session=abc", "voicewire_commits_received"},
        {"voicewire_resume_session=abc&voicewire_commits_received=-1",
            "voicewire_commits_received"},
        {"voicewire_resume_session=abc&voicewire_commits_received=x",
            "voicewire_commits_received"},
        {"voicewire_commits_received=1", "allowed only with"},
        {"voicewire_resume_session=" + "a".repeat(65) + "&voicewire_commits_received=0",
            "voicewire_resume_session"},
        {"voicewire_resume_session=%C3%A9&voicewire_commits_received=0",
            "voicewire_resume_session"},
        {"voicewire_resumable=maybe", "voicewire_resumable"}}) {
      ProtocolException e = assertThrows(ProtocolException.class,
          () -> SttResume.Params.parse(Query.parse(c[0])), c[0]);
      assertEquals("invalid_request", e.code().wireName(), c[0]);
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
    }
  }
}
