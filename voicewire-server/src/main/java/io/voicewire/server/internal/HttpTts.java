package io.voicewire.server.internal;

import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.Wav;
import io.voicewire.protocol.HttpQuery;
import io.voicewire.protocol.HttpTtsBody;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.TimestampLine;
import io.voicewire.protocol.TtsParams;
import io.voicewire.speech.Alignment;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.TtsAudio;
import io.voicewire.speech.TtsRequest;
import io.voicewire.speech.TtsSession;
import io.voicewire.speech.VoiceSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP text-to-speech endpoints (PROTOCOL.md §4): {@code /stream} (raw audio, chunked),
 * {@code /stream/with-timestamps} (one JSON object per line, times cumulative over the request),
 * and the whole-file {@code /} and {@code /with-timestamps}.
 *
 * <p>Each request runs on its own virtual thread: it opens a provider session in
 * {@code auto_mode} (whole text known, released sentence by sentence for the earliest first
 * audio), sends the text, ends it, and writes the events the listener hands over through a
 * bounded queue. A streaming endpoint sends the text as the client takes the audio ({@link
 * HttpTextFeed}), so the engine runs only as far ahead of the client as the queue allows. The
 * response status is decided by the first event, so a provider that cannot
 * make the requested format (mp3, opus on the local engine) gets a 400 with the §8.4 body.
 *
 * <p>Overflow policy: if the client of a streaming endpoint reads so slowly that more than
 * {@code maxQueuedAudioMillis} of audio waits and none was taken for {@link #WRITE_STALL_MILLIS},
 * or more than {@code maxQueuedBytes} (or {@link #MAX_QUEUED_CHUNKS} chunks) wait, the request
 * fails ({@code queue_overflow}) and its session is closed. (Audio above the mark alone is not
 * a slow client: the offline engine makes 20 s of audio in tens of milliseconds.) The whole-file
 * endpoints have no slow client to wait for (the request's own thread collects the audio), so
 * they are bounded by {@link #MAX_CONVERT_AUDIO_BYTES} instead. A client that disconnects cancels
 * its provider session within {@link HttpTtsPipe#CLIENT_POLL_MILLIS} ({@link ClientWatch}),
 * whether the answer has started or not. The concurrency slot is released when the provider
 * session has ended (or after {@code workStopDeadline}). Stateless; thread safe.
 */
final class HttpTts {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server.http");

  /** The output format when the query names none: the official default, MP3. */
  static final AudioFormat DEFAULT_OUTPUT_FORMAT = TtsParams.DEFAULT_OUTPUT_FORMAT;
  /** Most chunks waiting for a slow client. */
  static final int MAX_QUEUED_CHUNKS = 1024;
  /**
   * How long a streaming request may take no audio from its queue, while more than
   * {@code maxQueuedAudioMillis} waits, before its client counts as reading too slowly.
   */
  static final long WRITE_STALL_MILLIS = 5_000;
  /** Most audio the whole-file endpoints collect: 128 MiB. */
  static final long MAX_CONVERT_AUDIO_BYTES = 128L * 1024 * 1024;
  /** Longest wait for the provider's next event. */
  static final long EVENT_TIMEOUT_MILLIS = 60_000;

  private final Services s;
  private final ConvertBudget convertBudget = new ConvertBudget();

  HttpTts(Services s) {
    this.s = s;
  }

  void stream(Exchange ex) throws Exception {
    handle(ex, true, false);
  }

  void streamWithTimestamps(Exchange ex) throws Exception {
    handle(ex, true, true);
  }

  void convert(Exchange ex) throws Exception {
    handle(ex, false, false);
  }

  void convertWithTimestamps(Exchange ex) throws Exception {
    handle(ex, false, true);
  }

  private void handle(Exchange ex, boolean streaming, boolean timestamps) throws Exception {
    String keyId = ex.requireAuth(null, null);
    String voiceId = ex.pathParam("voice_id");
    AudioFormat format = DEFAULT_OUTPUT_FORMAT;
    String of = ex.query().get(HttpQuery.OUTPUT_FORMAT);
    if (of != null && !of.isEmpty()) {
      try {
        format = AudioFormat.parse(of);
      } catch (IllegalArgumentException e) {
        throw HttpProblem.validation("invalid_output_format", e.getMessage(),
            HttpQuery.OUTPUT_FORMAT);
      }
    }
    HttpTtsBody body;
    try {
      body = HttpTtsBody.decode(ex.bodyText(s.limits.maxRequestBodyBytes()));
    } catch (ProtocolException e) {
      throw HttpProblem.validation("invalid_request_body", e.getMessage(), null);
    }
    TtsRequest request;
    try {
      request = TtsRequest.builder(voiceId)
          .modelId(body.modelId() == null ? TtsRequest.DEFAULT_HTTP_MODEL : body.modelId())
          .outputFormat(format)
          .voiceSettings(body.voiceSettings() == null ? VoiceSettings.DEFAULT
              : body.voiceSettings())
          .autoMode(true)
          .syncAlignment(timestamps)
          .languageCode(body.languageCode())
          .seed(body.seed())
          .applyTextNormalization(body.applyTextNormalization())
          .build();
    } catch (IllegalArgumentException e) {
      throw HttpProblem.validation("invalid_parameters", e.getMessage(), null);
    }
    SessionLimiter.Refusal[] why = new SessionLimiter.Refusal[1];
    SessionLimiter.Permit permit = s.limiter.acquire(keyId, why);
    if (permit == null) {
      throw why[0].httpProblem();
    }
    s.metrics.sessionOpened(SessionKind.TTS_HTTP);
    WorkSlot slot = new WorkSlot(permit, s.timer, s.limits.workStopDeadline().toMillis(),
        "tts_http " + s.newId());
    OutputCodec codec = new OutputCodec(s.provider, format);
    HttpTtsPipe pipe = new HttpTtsPipe(s, codec.produced(), streaming, slot);
    TtsSession session = null;
    ClientWatch client = null;
    try {
      slot.workStarted();
      try {
        session = s.provider.openTts(codec.providerRequest(request, keyId), pipe);
      } catch (RuntimeException e) {
        pipe.onFailure(new SpeechError(ErrorCode.ERROR, "The speech provider failed to open a "
            + "session"));
        throw e;
      }
      pipe.session = session;
      client = ClientWatch.start(ex.request, pipe::clientGone);
      pipe.client = client;
      if (streaming) {
        // the text goes as the client takes the audio (HttpTextFeed): the engine's backpressure
        pipe.feed = new HttpTextFeed(body.text(), s.limits.maxQueuedAudioMillis() / 2);
        pipe.feed.topUp(session, 0);
      } else {
        if (!body.text().isEmpty()) {
          session.send(body.text());
        }
        session.end();
      }
      String requestId = s.newId();
      ex.response.getHeaders().put("request-id", requestId);
      ex.response.getHeaders().put("character-cost", body.text().length());
      if (streaming) {
        streamOut(ex, pipe, codec, timestamps);
      } else {
        convertOut(ex, pipe, codec, timestamps, keyId);
      }
    } finally {
      if (client != null) {
        client.close();
      }
      if (session != null) {
        session.close();
      }
      slot.abandon();
      s.metrics.sessionClosed(SessionKind.TTS_HTTP);
    }
  }

  private void streamOut(Exchange ex, HttpTtsPipe pipe, OutputCodec codec, boolean timestamps)
      throws Exception {
    AudioFormat format = codec.wanted();
    long offsetMs = 0;
    boolean started = false;
    while (true) {
      Object ev = pipe.next();
      OutputCodec.Chunk c = ev instanceof TtsAudio a ? codec.encode(a)
          : ev == HttpTtsPipe.END ? codec.finish() : null;
      if (c != null) {
        TtsAudio a = c.audio();
        if (!started) {
          ex.startStream(200, timestamps ? "application/json" : contentType(format));
          started = true;
          pipe.streamStarted(ex::abortConnection);
        }
        byte[] out;
        if (timestamps) {
          out = (new TimestampLine(a.audio(), shift(a.alignment(), offsetMs),
              shift(a.normalizedAlignment(), offsetMs)).encode() + "\n")
              .getBytes(StandardCharsets.UTF_8);
        } else {
          out = a.audio();
        }
        offsetMs += c.millis();
        s.metrics.audioOut(SessionKind.TTS_HTTP, a.audio().length);
        ex.write(false, ByteBuffer.wrap(out));
      }
      if (ev instanceof SpeechError e) {
        if (!started) {
          throw problem(e, pipe.counted(e));
        }
        if (!pipe.counted(e)) {
          s.metrics.error(e.code().wireName());
        }
        throw new IOException("synthesis failed mid-stream: " + e);
      } else if (ev == HttpTtsPipe.END) {
        if (!started) {
          ex.startStream(200, timestamps ? "application/json" : contentType(format));
        }
        ex.write(true, ByteBuffer.allocate(0));
        return;
      }
    }
  }

  private void convertOut(Exchange ex, HttpTtsPipe pipe, OutputCodec codec, boolean timestamps,
      String keyId) throws Exception {
    ByteArrayOutputStream audio = new ByteArrayOutputStream();
    try {
      collect(ex, pipe, codec, timestamps, keyId, audio);
    } finally {
      convertBudget.releaseRequest(keyId, audio.size());
    }
  }

  /** Collects the whole answer in {@code audio}, each chunk reserved in the budget first. */
  private void collect(Exchange ex, HttpTtsPipe pipe, OutputCodec codec, boolean timestamps,
      String keyId, ByteArrayOutputStream audio) throws Exception {
    AudioFormat format = codec.wanted();
    List<Alignment> al = new ArrayList<>();
    List<Alignment> nal = new ArrayList<>();
    long offsetMs = 0;
    while (true) {
      Object ev = pipe.next();
      OutputCodec.Chunk c = ev instanceof TtsAudio t ? codec.encode(t)
          : ev == HttpTtsPipe.END ? codec.finish() : null;
      if (c != null) {
        TtsAudio a = c.audio();
        if (audio.size() + (long) a.audio().length > MAX_CONVERT_AUDIO_BYTES) {
          throw HttpProblem.badRequest("max_audio_exceeded", "The audio would exceed "
              + MAX_CONVERT_AUDIO_BYTES + " bytes: use the /stream endpoint", null);
        }
        HttpProblem over = convertBudget.reserve(keyId, a.audio().length);
        if (over != null) {
          s.metrics.error("concurrent_limit_exceeded");
          throw over;
        }
        audio.writeBytes(a.audio());
        if (a.alignment() != null) {
          al.add(shift(a.alignment(), offsetMs));
        }
        if (a.normalizedAlignment() != null) {
          nal.add(shift(a.normalizedAlignment(), offsetMs));
        }
        offsetMs += c.millis();
      }
      if (ev instanceof SpeechError e) {
        throw problem(e, pipe.counted(e));
      } else if (ev == HttpTtsPipe.END) {
        break;
      }
    }
    s.metrics.audioOut(SessionKind.TTS_HTTP, audio.size());
    // a whole WAVE file states its sizes (the streamed header says "to the end")
    byte[] bytes = format.encoding() == AudioFormat.Encoding.WAV
        ? Wav.withSizes(audio.toByteArray()) : audio.toByteArray();
    if (timestamps) {
      Alignment merged = merge(al);
      Alignment nmerged = nal.isEmpty() ? merged : merge(nal);
      ex.json(200, new TimestampLine(bytes, merged, nmerged).encode());
    } else {
      ex.send(200, contentType(format), bytes);
    }
  }

  /** @param counted whether the error is already in the metrics */
  private HttpProblem problem(SpeechError e, boolean counted) {
    if (!counted) {
      s.metrics.error(e.code().wireName());
    }
    LOG.info("tts_http error type={} message={}", e.code().wireName(),
        Redact.forLog(e.message()));
    return switch (e.code()) {
      case UNSUPPORTED -> HttpProblem.badRequest("unsupported", e.message(), null);
      // the engine refused a well-formed request (an unknown voice, say): 400, as upstream
      case INVALID_REQUEST, INPUT_ERROR -> HttpProblem.badRequest(e.code().wireName(),
          e.message(), null);
      case AUTH_ERROR -> HttpProblem.unauthorized(e.message());
      case QUOTA_EXCEEDED -> new HttpProblem(401, "authentication_error", "quota_exceeded",
          e.message(), null);
      case RESOURCE_EXHAUSTED, RATE_LIMITED, QUEUE_OVERFLOW -> new HttpProblem(429,
          "rate_limit_error", e.code().wireName(), e.message(), null);
      default -> new HttpProblem(500, "server_error", e.code().wireName(), e.message(), null);
    };
  }

  /** The Content-Type of raw audio in {@code f}. */
  static String contentType(AudioFormat f) {
    return switch (f.encoding()) {
      case PCM_S16LE -> "audio/pcm;rate=" + f.sampleRate();
      case ULAW -> "audio/basic";
      case ALAW -> "audio/x-alaw-basic";
      case MP3 -> "audio/mpeg";
      case OPUS -> "audio/ogg";
      case WAV -> "audio/wav";
    };
  }

  static long audioMillis(AudioFormat f, long bytes) {
    return TtsContext.audioMillis(f, bytes);
  }

  /** The alignment with {@code offsetMs} added to every start, or null. */
  static Alignment shift(Alignment a, long offsetMs) {
    if (a == null) {
      return null;
    }
    int[] st = a.charStartTimesMs();
    for (int i = 0; i < st.length; i++) {
      st[i] += (int) offsetMs;
    }
    return new Alignment(a.chars(), st, a.charDurationsMs());
  }

  static Alignment merge(List<Alignment> parts) {
    List<String> chars = new ArrayList<>();
    int n = 0;
    for (Alignment a : parts) {
      n += a.size();
    }
    int[] st = new int[n];
    int[] du = new int[n];
    int i = 0;
    for (Alignment a : parts) {
      chars.addAll(a.chars());
      for (int j = 0; j < a.size(); j++, i++) {
        st[i] = a.startMs(j);
        du[i] = a.durationMs(j);
      }
    }
    return new Alignment(chars, st, du);
  }
}
