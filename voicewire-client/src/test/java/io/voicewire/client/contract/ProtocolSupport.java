package io.voicewire.client.contract;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What voicewire supports of each official row ({@link ProtocolTableTest#rows()}): the server
 * with the offline engine, the relay ({@code --backend elevenlabs}), the Java SDK and the browser
 * client. Used to write {@code docs/protocol-table.md}; the test then keeps every official row in
 * it. Stateless.
 */
final class ProtocolSupport {
  /** The HTTP operations voicewire serves. */
  static final Set<String> SERVED = Set.of(
      "POST /v1/text-to-speech/{voice_id}", "POST /v1/text-to-speech/{voice_id}/with-timestamps",
      "POST /v1/text-to-speech/{voice_id}/stream",
      "POST /v1/text-to-speech/{voice_id}/stream/with-timestamps", "POST /v1/speech-to-text",
      "GET /v1/voices", "GET /v1/voices/{voice_id}", "GET /v1/models");

  /** Realtime query parameters the relay does not forward (none). */
  static final Set<String> STT_QUERY_NOT_FORWARDED = Set.of();

  private static final String Y = "yes";
  private static final String N = "no";
  private static final String F = "forwarded";
  private static final String NA = "—";
  private static final String EVERY_FORMAT = "every official format (MP3 and Ogg Opus encoded "
      + "by the server); default mp3_44100_128";
  private static final String ENGLISH_ONLY = "the offline engine's voices are English; another "
      + "language is refused with unsupported, not voiced by them";

  /** The close_context row: its semantics are the AsyncAPI CloseContext's (checked by tests). */
  static final String CLOSE_CONTEXT_ROW = "send CloseContextClient close_context";
  static final String CLOSE_CONTEXT_SERVER = "yes: only flushed text is voiced, then isFinal";
  static final String CLOSE_CONTEXT_RELAY = "yes: upstream stops once the flushed text is voiced";
  static final String CLOSE_CONTEXT_NOTE = "CloseContext: \"If it has already been set to flush "
      + "it will continue flushing\"; unflushed text is dropped unvoiced. TtsMultiStreamInputTest."
      + "closeContextVoicesOnlyFlushedTextAndStillSendsIsFinal, RelayContractTest."
      + "closeContextThroughTheRelayVoicesOnlyFlushedText";

  private ProtocolSupport() {}

  /** Server, relay, SDK, browser, note. */
  static String[] support(String section, String key) {
    String k = key.replace("`", "");
    if (section.equals("HTTP (not served)")) {
      return new String[] {N, N, N, N, "outside voicewire's scope (real-time speech); 404"};
    }
    if (section.startsWith("HTTP POST /v1/single-use-token")) {
      return new String[] {Y, Y, Y, "uses tokens", "the relay mints its own tokens for its "
          + "clients; the browser gets them from the app's backend"};
    }
    if (section.startsWith("HTTP ")) {
      return http(section.substring(5), k);
    }
    if (section.endsWith("/realtime")) {
      return scribe(k);
    }
    if (section.contains("/text-to-dialogue/")) {
      return dialogue(k);
    }
    return tts(k);
  }

  private static String[] http(String ep, String k) {
    boolean tts = ep.contains("text-to-speech");
    boolean sdkEp = ep.endsWith("/stream") || ep.endsWith("/stream/with-timestamps")
        || ep.equals("GET /v1/voices") || ep.equals("GET /v1/models");
    String sdk = sdkEp ? Y : N;
    if (k.equals(ep)) {
      boolean speech = ep.startsWith("POST ");
      return new String[] {Y, F, sdk, N, (sdkEp ? "" : "SDK: not wrapped, use plain HTTP; ")
          + "browser: uses the WebSockets; relay: same endpoint upstream, body and query "
          + "unchanged" + (speech ? "; a relayed request holds a session permit like a socket "
              + "(429 concurrent_limit_exceeded beyond the limits: RelayContractTest."
              + "relayedHttpTakesSessionPermitsLikeSockets)" : "")};
    }
    if (k.equals("header xi-api-key")) {
      return new String[] {Y, "authenticates at the relay", sdk, N, "the relay calls upstream "
          + "with its own key"};
    }
    Map<String, String[]> known = Map.ofEntries(
        Map.entry("query output_format", new String[] {EVERY_FORMAT, F, Y, NA,
            "the SDK sends its format (PCM by default) explicitly"}),
        Map.entry("query enable_logging", new String[] {"accepted", F, tts ? Y : N, NA,
            "the offline server keeps nothing; SDK: TtsRequest.enableLogging"}),
        Map.entry("query optimize_streaming_latency", new String[] {"accepted", F, Y, NA,
            "deprecated upstream; the offline engine has no such trade-off"}),
        Map.entry("body text", new String[] {Y, F, Y, NA, ""}),
        Map.entry("body model_id", new String[] {tts ? "accepted, default eleven_multilingual_v2"
            : "accepted", F, tts ? Y : NA, NA, "the offline engine has one model per kind"}),
        Map.entry("body language_code", new String[] {tts ? "English only" : Y, F,
            tts ? Y : NA, NA, tts ? ENGLISH_ONLY : ""}),
        Map.entry("body voice_settings", new String[] {"accepted (speed honoured)", F, Y, NA,
            ""}),
        Map.entry("body seed", new String[] {"accepted", F, tts ? Y : NA, NA,
            "the offline engine is deterministic anyway"}),
        Map.entry("body previous_text", new String[] {"accepted", F, Y, NA,
            "no context model in the offline engine"}),
        Map.entry("body next_text", new String[] {"accepted", F, Y, NA,
            "no context model in the offline engine"}),
        Map.entry("body pronunciation_dictionary_locators", new String[] {"accepted", F, Y, NA,
            "versions kept; the offline engine has no dictionaries"}),
        Map.entry("body apply_text_normalization", new String[] {Y, F, Y, NA, ""}),
        Map.entry("body file", new String[] {"WAV, raw PCM", F, NA, NA,
            "other containers need a decoder the offline server does not ship"}),
        Map.entry("body file_format", new String[] {Y, F, NA, NA, ""}),
        Map.entry("body timestamps_granularity", new String[] {"none, word, character", F, NA, NA,
            "character: each word's time split evenly across its characters (the offline "
                + "recogniser times words only; BatchSttTest)"}),
        Map.entry("body diarize", new String[] {"one speaker", F, NA, NA,
            "every word is speaker_0: the offline recogniser does not tell speakers apart "
                + "(BatchSttTest)"}),
        Map.entry("body cloud_storage_url", new String[] {N, F, NA, NA,
            "the offline server fetches nothing from the network"}));
    String[] s = known.get(k);
    if (s != null) {
      return s;
    }
    return new String[] {"ignored", F, N, NA, "no offline equivalent; the relay passes it "
        + "through unchanged"};
  }

  /** The TTS sockets' rows (the multi-context rows note the relay's context mapping). */
  private static String[] tts(String k) {
    String[] s = ttsRow(k);
    if (k.equals("send InitialiseContext voice_settings")
        || k.equals("send InitialiseContext generation_config")) {
      s = s.clone();
      s[4] += "; relay: a context is one upstream stream-input socket, which allows later "
          + "settings only unchanged: changed ones on a re-initialisation stay at the relay and "
          + "the context keeps its settings, as on the offline server";
    }
    // the browser speaks both: TtsSocket (stream-input) and MultiTtsSocket (multi-stream-input)
    return s;
  }

  /** Text-to-Dialogue rows: the server and the Java SDK; the relay and the browser not yet. */
  static String[] dialogue(String k) {
    if (k.startsWith("WS ")) {
      return new String[] {Y, N, "yes (DialogueStream)", N, "relay: each turn goes to an "
          + "upstream TTS stream-input, not the upstream dialogue socket; browser: no client yet"};
    }
    if (k.endsWith(" xi_api_key") || k.endsWith(" authorization")
        || k.endsWith(" single_use_token")) {
      return new String[] {Y, N, "handshake credentials", N, "the SDK authenticates in the "
          + "handshake (xi-api-key header or single-use token)"};
    }
    if (k.endsWith(" normalized_alignment")) {
      return new String[] {N, N, N, N, "\"Reserved for future use; currently unused by the "
          + "server\""};
    }
    if (k.endsWith(" voice_settings") || k.endsWith(" pronunciation_dictionary_locators")) {
      return new String[] {"accepted", N, N, N, "the offline engine keeps its voices' settings "
          + "and has no dictionaries"};
    }
    return new String[] {Y, N, Y, N, ""};
  }

  private static String[] ttsRow(String k) {
    if (k.startsWith("WS ")) {
      return new String[] {Y, Y, Y, Y, "relay: one upstream socket per stream, resumed on drops"};
    }
    Map<String, String[]> q = Map.ofEntries(
        Map.entry("query authorization", new String[] {Y, "authenticates at the relay", N, N,
            "SDK: xi-api-key header or single-use token; browser: single-use token"}),
        Map.entry("query model_id", new String[] {"accepted", "forwarded when chosen", Y,
            Y, "the offline engine has one TTS model"}),
        Map.entry("query language_code", new String[] {"English only", "forwarded when chosen",
            Y, "via query option", ENGLISH_ONLY}),
        Map.entry("query enable_logging", new String[] {"accepted", "forwarded when chosen", Y,
            "via query option", "the offline server keeps nothing"}),
        Map.entry("query enable_ssml_parsing", new String[] {"accepted, not parsed",
            "forwarded when chosen", Y, "via query option", "the offline engine reads plain "
                + "text; SSML tags are not interpreted"}),
        Map.entry("query output_format", new String[] {EVERY_FORMAT,
            "forwarded when chosen (none: upstream MP3)", Y, "yes (sends pcm_16000 unless told)",
            "the SDK's player and the browser player play PCM/G.711 only"}),
        Map.entry("query inactivity_timeout", new String[] {Y,
            "enforced at the relay; upstream gets the relay's keep-alive setting", Y, Y, ""}),
        Map.entry("query sync_alignment", new String[] {Y, "forwarded; true upstream (resume)",
            Y, Y, "resume counts voiced characters from the alignment"}),
        Map.entry("query auto_mode", new String[] {Y, "forwarded when chosen", Y,
            "via query option", ""}),
        Map.entry("query apply_text_normalization", new String[] {"accepted",
            "forwarded when chosen", Y, "via query option", ""}),
        Map.entry("query seed", new String[] {"accepted", "forwarded when chosen", Y,
            "via query option", "the offline engine is deterministic anyway"}));
    if (q.containsKey(k)) {
      return q.get(k);
    }
    if (k.startsWith("receive ")) {
      if (k.endsWith(" is_final")) {
        return new String[] {N, N, "read", "read", "the documents name both; servers send "
            + "isFinal, clients read either"};
      }
      return new String[] {Y, Y, Y, Y, ""};
    }
    if (k.equals(CLOSE_CONTEXT_ROW)) {
      return new String[] {CLOSE_CONTEXT_SERVER, CLOSE_CONTEXT_RELAY,
          "yes: close() flushes first, cancel() does not", "yes: endContext() flushes first, "
              + "closeContext() does not", CLOSE_CONTEXT_NOTE};
    }
    if (k.endsWith(" pronunciation_dictionary_locators")) {
      return new String[] {"accepted", "forwarded with version_id", Y, N,
          "the offline engine has no dictionaries"};
    }
    if (k.endsWith(" xi-api-key") || k.endsWith(" xi_api_key") || k.endsWith(" authorization")) {
      return new String[] {Y, "authenticates at the relay", N, N,
          "the SDK authenticates in the handshake; never forwarded upstream"};
    }
    if (k.endsWith(" voice_settings") || k.endsWith(" generation_config")
        || k.endsWith(" generator_config")) {
      return new String[] {"first message of a stream/context; later ones accepted",
          "forwarded as sent (only the fields set); later unchanged ones with their text", Y, Y,
          "the offline session keeps the settings it was opened with; RelayContractTest."
              + "partialAndLaterVoiceSettingsGoUpstreamExactlyAsSent, "
              + "aReinitialisedContextsUnchangedSettingsGoUpstreamAndChangedOnesStay"};
    }
    return new String[] {Y, Y, Y, Y, ""};
  }

  private static String[] scribe(String k) {
    if (k.startsWith("WS ")) {
      return new String[] {Y, Y, Y, Y, "relay: one upstream session per client session, "
          + "audio replayed on drops"};
    }
    Map<String, String[]> q = Map.ofEntries(
        Map.entry("query token", new String[] {Y, "authenticates at the relay", Y, Y, ""}),
        Map.entry("query model_id", new String[] {"accepted", F, Y, Y, ""}),
        Map.entry("query secondary_languages", new String[] {"accepted, echoed", F, Y, Y,
            "the offline recogniser is English only"}),
        Map.entry("query include_language_detection", new String[] {Y, F, Y, Y,
            "works on its own: the timestamped twin carries the language, no words"}),
        Map.entry("query no_verbatim", new String[] {Y, F, Y, Y,
            "the server removes filler words (um, uh, er, …) from text and words"}),
        Map.entry("query entity_detection", new String[] {"accepted, echoed", F, Y, Y,
            "the offline recogniser detects no entities (no entities message)"}),
        Map.entry("query filter_background_audio", new String[] {"accepted, echoed", F, Y, Y,
            "no background filter in the offline engine"}),
        Map.entry("query enable_logging", new String[] {"accepted, echoed", F, Y, Y,
            "the offline server keeps nothing"}),
        Map.entry("query transcript_edit", new String[] {"accepted, not applied", F, Y, Y,
            "the offline engine has no editing model (no edited_transcript); SDK: "
                + "SttRequest.transcriptEdit; browser: transcriptEdit (RelayContractTest, "
                + "SdkContractTest)"}));
    if (q.containsKey(k)) {
      return q.get(k);
    }
    if (k.startsWith("query ")) {
      return new String[] {Y, F, Y, Y, ""};
    }
    if (k.equals("send input_audio_chunk previous_text")) {
      return new String[] {"accepted (first chunk)", "forwarded with the first chunk", Y, Y,
          "the offline recogniser has no context model"};
    }
    if (k.startsWith("send ")) {
      return new String[] {Y, Y, Y, Y, ""};
    }
    if (k.equals("word speaker_id") || k.equals("word characters")) {
      return new String[] {k.endsWith("speaker_id") ? "batch with diarize (speaker_0)"
          : "batch with timestamps_granularity=character", Y, Y,
          "passed through", "realtime: no option asks for them and the offline recogniser "
              + "has neither; SDK: Word.speakerId/characters (SdkContractTest, "
              + "RelayContractTest.scribeMessagesVoicewireDoesNotModelReachTheClientAsSent)"};
    }
    if (k.equals("word channel_index")) {
      return new String[] {N, Y, Y, "passed through", "the offline server takes mono audio; "
          + "SDK: Word.channelIndex"};
    }
    if (k.startsWith("word ")) {
      return new String[] {Y, Y, Y, Y, ""};
    }
    if (k.startsWith("receive final_transcript") || k.startsWith("receive committed_transcript_"
        + "entities") || k.startsWith("receive edited_transcript")) {
      boolean edited = k.startsWith("receive edited_transcript");
      return new String[] {N, "as received", "onServerMessage", edited ? "edited event" : Y,
          (k.startsWith("receive final") ? "the offline engine has no settled-but-uncommitted "
              + "stage; relay: words only when the client asked for them"
              : edited ? "defined by the JS SDK's types only; the offline engine has no editing "
                  + "model" : "the offline recogniser detects no entities")
              + " (RelayContractTest.scribeMessagesVoicewireDoesNotModelReachTheClientAsSent)"};
    }
    if (k.contains("config.")) {
      return new String[] {"echoed", "relay's own session_started", "read", "read", ""};
    }
    return new String[] {Y, Y, Y, Y, ""};
  }

  static String render(List<ProtocolTableTest.Row> rows) {
    StringBuilder b = new StringBuilder();
    b.append("# Protocol table: the official ElevenLabs API and voicewire\n\n")
        .append("Every endpoint, parameter and message of the official documents vendored in\n")
        .append("`voicewire-client/src/test/resources/elevenlabs-spec/` (see its README for ")
        .append("sources and dates),\n")
        .append("with what each part of voicewire supports. **server**: `voicewire serve` with ")
        .append("the offline engine;\n")
        .append("**relay**: `voicewire serve --backend elevenlabs`; **SDK**: the Java client; ")
        .append("**browser**: `voicewire-web`.\n")
        .append("\"forwarded\" means the relay sends the client's value upstream unchanged and ")
        .append("nothing when the\n")
        .append("client chose nothing. The rows are generated from the documents by ")
        .append("`ProtocolTableTest`, which\n")
        .append("fails when an official row is missing; regenerate with\n")
        .append("`mvn -pl voicewire-client -am test -Dtest=ProtocolTableTest ")
        .append("-Dvoicewire.writeProtocolTable=true`.\n");
    String section = null;
    for (ProtocolTableTest.Row r : rows) {
      if (!r.section().equals(section)) {
        section = r.section();
        b.append("\n### ").append(section).append("\n\n")
            .append("| row | server | relay | SDK | browser | note |\n")
            .append("|---|---|---|---|---|---|\n");
      }
      String[] s = support(section, r.key());
      b.append("| ").append(r.key()).append(" | ").append(String.join(" | ", s))
          .append(" |\n");
    }
    return b.toString();
  }
}
