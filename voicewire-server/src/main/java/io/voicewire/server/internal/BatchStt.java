package io.voicewire.server.internal;

import io.voicewire.audio.AudioConverter;
import io.voicewire.audio.AudioFormat;
import io.voicewire.audio.Flac;
import io.voicewire.audio.Wav;
import io.voicewire.protocol.SttWords;
import io.voicewire.protocol.TokenType;
import io.voicewire.protocol.internal.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import io.voicewire.speech.CommitStrategy;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttListener;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.SttSession;
import io.voicewire.speech.Transcript;
import io.voicewire.speech.Word;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/speech-to-text} (PROTOCOL.md §8.3): a multipart upload of a WAV file (any
 * encoding core's {@link Wav} reads, any rate and channel count), an MP3 or Ogg Opus file
 * ({@link UploadedAudio}) or raw {@code pcm_s16le_16} audio, transcribed by a realtime
 * session of the provider with manual commits, answered with {@code text}, {@code words} (words
 * and the spacing between them), {@code language_code} and {@code audio_duration_secs}.
 *
 * <p>Runs on the request's virtual thread, feeding the session in {@link #FEED_CHUNK_MILLIS}
 * pieces and waiting (bounded) when its input queue is full. Stateless; thread safe.
 */
final class BatchStt {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server.http");

  /** Audio handed to the session per call. */
  static final int FEED_CHUNK_MILLIS = 200;
  /** Least time the whole transcription may take; longer audio gets twice its duration. */
  static final long MIN_TIMEOUT_MILLIS = 60_000;
  /**
   * Uploads decoded and transcribed at once (each may take up to about three times
   * {@code maxUploadBytes} of heap while it is decoded); more are answered 429. Taken only once
   * the whole body has arrived, so a slow upload holds none.
   */
  static final int MAX_CONCURRENT_UPLOADS = 2;
  /** Upload bodies being received at once, in the whole server; more are answered 429. */
  static final int MAX_CONCURRENT_UPLOAD_READS = 8;
  /** Upload bodies being received at once for one API key; more are answered 429. */
  static final int MAX_CONCURRENT_UPLOAD_READS_PER_KEY = 2;
  /** Lowest WAV sample rate accepted, in Hz. */
  static final int MIN_SAMPLE_RATE_HZ = 8_000;
  /** Highest WAV sample rate accepted, in Hz. */
  static final int MAX_SAMPLE_RATE_HZ = 48_000;

  private final Services s;
  private final Semaphore uploads = new Semaphore(MAX_CONCURRENT_UPLOADS);
  private final SessionLimiter reads = new SessionLimiter(MAX_CONCURRENT_UPLOAD_READS,
      MAX_CONCURRENT_UPLOAD_READS_PER_KEY);

  BatchStt(Services s) {
    this.s = s;
  }

  void handle(Exchange ex) throws Exception {
    String keyId = ex.requireAuth(TokenType.BATCH_SCRIBE.queryParam(), TokenType.BATCH_SCRIBE);
    String boundary = Multipart.boundary(ex.header("Content-Type"));
    if (boundary == null) {
      throw HttpProblem.validation("invalid_content_type",
          "The body must be multipart/form-data with a boundary", null);
    }
    byte[] body = readBody(ex, keyId);
    if (!uploads.tryAcquire()) {
      throw new HttpProblem(429, "rate_limit_error", "concurrent_limit_exceeded",
          "Too many speech-to-text uploads being transcribed (limit " + MAX_CONCURRENT_UPLOADS
              + " MAX_CONCURRENT_UPLOADS); retry shortly", null);
    }
    try {
      handleUpload(ex, keyId, body, boundary);
    } finally {
      uploads.release();
    }
  }

  /** The body, received under a read slot and {@code uploadReadDeadline}. */
  private byte[] readBody(Exchange ex, String keyId) throws Exception {
    String[] why = new String[1];
    SessionLimiter.Permit read = reads.tryAcquire(keyId, why);
    if (read == null) {
      throw new HttpProblem(429, "rate_limit_error", "concurrent_limit_exceeded",
          "Too many speech-to-text uploads arriving at once (limit "
              + MAX_CONCURRENT_UPLOAD_READS + " MAX_CONCURRENT_UPLOAD_READS, "
              + MAX_CONCURRENT_UPLOAD_READS_PER_KEY + " per key); retry shortly", null);
    }
    try {
      return ex.body(s.limits.maxUploadBytes());
    } finally {
      read.release();
    }
  }

  private void handleUpload(Exchange ex, String keyId, byte[] body, String boundary)
      throws Exception {
    List<Multipart.Part> parts;
    try {
      parts = Multipart.parse(body, boundary);
    } catch (IllegalArgumentException e) {
      throw HttpProblem.validation("invalid_multipart", e.getMessage(), null);
    }
    String modelId = field(parts, "model_id");
    if (modelId == null || modelId.isBlank()) {
      throw HttpProblem.validation("missing_field", "Field 'model_id' is required", "model_id");
    }
    Multipart.Part file = null;
    for (Multipart.Part p : parts) {
      if (p.name().equals("file")) {
        file = p;
      }
    }
    if (file == null) {
      String why = field(parts, "source_url") != null || field(parts, "cloud_storage_url") != null
          ? "source_url and cloud_storage_url are not supported by this server: upload a 'file'"
          : "Field 'file' is required";
      throw HttpProblem.validation("missing_field", why, "file");
    }
    String granularity = field(parts, "timestamps_granularity");
    if (granularity == null) {
      granularity = "word";
    }
    if (!List.of("none", "word", "character").contains(granularity)) {
      throw HttpProblem.validation("invalid_parameters",
          "timestamps_granularity must be none, word or character: " + granularity,
          "timestamps_granularity");
    }
    String fileFormat = field(parts, "file_format");
    String language = field(parts, "language_code");
    if (language != null && language.isBlank()) {
      language = null;
    }

    byte[] pcm;
    int rate;
    if ("pcm_s16le_16".equals(fileFormat)) {
      if (file.data().length % 2 != 0) {
        throw HttpProblem.validation("invalid_audio",
            "pcm_s16le_16 audio must be whole 16-bit samples: odd number of bytes", "file");
      }
      pcm = file.data();
      rate = 16_000;
    } else if (fileFormat == null || fileFormat.equals("other")) {
      Wav.WavAudio w = readFile(file.data());
      pcm = w.pcm16le();
      rate = w.sampleRate();
    } else {
      throw HttpProblem.validation("invalid_parameters",
          "file_format must be pcm_s16le_16 or other: " + fileFormat, "file_format");
    }
    AudioFormat format = AudioFormat.PCM_FORMATS.stream().filter(f -> f.sampleRate() == rate)
        .findFirst().orElse(null);
    if (format == null) {
      // a rate the protocol does not name: resample to 16 kHz
      AudioConverter c = AudioConverter.create(
          new AudioFormat(AudioFormat.Encoding.PCM_S16LE, rate, 0), AudioFormat.PCM_16000);
      byte[] head = c.convert(pcm);
      byte[] tail = c.flush();
      pcm = java.util.Arrays.copyOf(head, head.length + tail.length);
      System.arraycopy(tail, 0, pcm, head.length, tail.length);
      format = AudioFormat.PCM_16000;
    }

    SessionLimiter.Refusal[] why = new SessionLimiter.Refusal[1];
    SessionLimiter.Permit permit = s.limiter.acquire(keyId, why);
    if (permit == null) {
      throw why[0].httpProblem();
    }
    s.metrics.sessionOpened(SessionKind.STT_BATCH);
    WorkSlot slot = new WorkSlot(permit, s.timer, s.limits.workStopDeadline().toMillis(),
        "stt_batch " + s.newId());
    try {
      transcribe(ex, keyId, slot, modelId, format, pcm, language, new Detail(granularity,
          "true".equalsIgnoreCase(field(parts, "diarize"))));
    } finally {
      slot.abandon(); // released once the provider session has ended
      s.metrics.sessionClosed(SessionKind.STT_BATCH);
    }
  }

  /**
   * What the words of the answer carry: {@code timestamps_granularity} ({@code none},
   * {@code word}, {@code character}) and {@code diarize}.
   */
  record Detail(String granularity, boolean diarize) {
    boolean timestamps() {
      return !granularity.equals("none");
    }

    /**
     * {@code w} as the answer has it: with {@code character} granularity its characters, each
     * an equal share of the word's time (the offline recogniser times words, not characters);
     * with {@code diarize} the one speaker the offline recogniser knows, {@code speaker_0}.
     */
    Word apply(Word w) {
      List<Word.Char> chars = new ArrayList<>();
      if (granularity.equals("character")) {
        int n = w.text().codePointCount(0, w.text().length());
        double step = n == 0 ? 0 : (w.end() - w.start()) / n;
        int[] cps = w.text().codePoints().toArray();
        for (int i = 0; i < cps.length; i++) {
          chars.add(new Word.Char(new String(cps, i, 1), w.start() + i * step,
              w.start() + (i + 1) * step));
        }
      }
      return new Word(w.text(), w.start(), w.end(), w.type(), w.logprob(),
          diarize ? "speaker_0" : null, chars, null);
    }
  }

  private void transcribe(Exchange ex, String keyId, WorkSlot slot, String modelId,
      AudioFormat format, byte[] pcm, String language, Detail detail) throws Exception {
    boolean timestamps = detail.timestamps();
    SttRequest req;
    try {
      req = SttRequest.builder().modelId(modelId).audioFormat(format)
          .commitStrategy(CommitStrategy.MANUAL).languageCode(language)
          .includeTimestamps(timestamps).tenant(Auth.tenant(keyId)).build();
    } catch (IllegalArgumentException e) {
      throw HttpProblem.validation("invalid_parameters", e.getMessage(), null);
    }
    double durationSecs = format.millisForBytes(pcm.length) / 1000.0;
    long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(
        Math.max(MIN_TIMEOUT_MILLIS, (long) (durationSecs * 2000)));
    long deadline = System.nanoTime() + timeoutNanos;
    Collector c = new Collector(slot);
    slot.workStarted();
    SttSession session;
    try {
      session = s.provider.openStt(req, c);
    } catch (RuntimeException e) {
      slot.workStopped();
      throw e;
    }
    try {
      s.metrics.audioIn(SessionKind.STT_BATCH, pcm.length);
      int step = Math.max(2, format.bytesForMillis(FEED_CHUNK_MILLIS));
      for (int off = 0; off < pcm.length && c.failure == null; ) {
        int n = Math.min(step, pcm.length - off);
        byte[] chunk = java.util.Arrays.copyOfRange(pcm, off, off + n);
        while (!session.sendAudio(chunk)) {
          if (c.failure != null || c.done.getCount() == 0) {
            break;
          }
          if (System.nanoTime() > deadline) {
            throw new HttpProblem(504, "server_error", "transcription_timeout",
                "The transcriber did not keep up within the time limit", null);
          }
          Thread.sleep(5);
        }
        off += n;
      }
      session.close(); // commits the rest, then onClosed
      long left = deadline - System.nanoTime();
      if (!c.done.await(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        throw new HttpProblem(504, "server_error", "transcription_timeout",
            "The transcription did not finish in time", null);
      }
    } finally {
      if (c.done.getCount() > 0) {
        session.cancel(); // timed out or failed: the work stops with the request
      }
    }
    SpeechError f = c.failure;
    if (f != null) {
      s.metrics.error(f.code().wireName());
      LOG.info("stt_batch error type={} message={}", f.code().wireName(), Redact.forLog(f.message()));
      int status = switch (f.code()) {
        case INVALID_REQUEST, INPUT_ERROR, UNSUPPORTED -> 400;
        case RESOURCE_EXHAUSTED, RATE_LIMITED, QUEUE_OVERFLOW -> 429;
        default -> 500;
      };
      throw new HttpProblem(status, status == 500 ? "server_error" : "validation_error",
          f.code().wireName(), f.message(), null);
    }
    List<Transcript> segments;
    synchronized (c) {
      segments = new ArrayList<>(c.committed);
    }
    respond(ex, segments, language, durationSecs, detail);
  }

  private void respond(Exchange ex, List<Transcript> segments, String requestedLanguage,
      double durationSecs, Detail detail) throws Exception {
    StringBuilder text = new StringBuilder();
    List<Word> words = new ArrayList<>();
    String detected = null;
    for (Transcript t : segments) {
      String tt = t.text().strip();
      if (!tt.isEmpty()) {
        if (!text.isEmpty()) {
          text.append(' ');
        }
        text.append(tt);
      }
      words.addAll(t.words());
      if (detected == null) {
        detected = t.languageCode();
      }
    }
    String language = detected != null ? detected : requestedLanguage;
    String id = s.newId();
    ex.response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    ex.json(200, Json.write(g -> {
      g.writeStartObject();
      g.writeStringField("language_code", language == null ? "und" : language);
      g.writeNumberField("language_probability", language == null ? 0.0 : 1.0);
      g.writeStringField("text", text.toString());
      g.writeArrayFieldStart("words");
      if (detail.timestamps()) {
        Word prev = null;
        for (Word w : words) {
          if (prev != null && "word".equals(prev.type()) && "word".equals(w.type())) {
            g.writeRawValue(SttWords.toJson(detail.apply(new Word(" ", prev.end(),
                Math.max(prev.end(), w.start()), "spacing", 0.0))));
          }
          g.writeRawValue(SttWords.toJson(detail.apply(w)));
          prev = w;
        }
      }
      g.writeEndArray();
      g.writeNumberField("audio_duration_secs", round3(durationSecs));
      g.writeStringField("transcription_id", id);
      g.writeEndObject();
    }));
  }

  /** An upload without {@code file_format}: WAV, FLAC, MP3 or Ogg Opus, as mono PCM. */
  private static Wav.WavAudio readFile(byte[] data) throws HttpProblem {
    byte[] decoded = UploadedAudio.decode(data); // MP3, Ogg Opus: mono 16 kHz
    if (decoded != null) {
      return new Wav.WavAudio(16_000, 1, decoded);
    }
    boolean flac = Flac.isFlac(data);
    if (!flac && !looksLikeWav(data)) {
      throw HttpProblem.validation("unsupported_file", "Unsupported file: "
          + UploadedAudio.SUPPORTED, "file");
    }
    String kind = flac ? "FLAC" : "WAV";
    try {
      Wav.WavAudio w = flac ? Flac.read(data) : Wav.read(new ByteArrayInputStream(data));
      if (w.sampleRate() < MIN_SAMPLE_RATE_HZ || w.sampleRate() > MAX_SAMPLE_RATE_HZ) {
        // checked before resampling: a 1 Hz file would ask for 16,000 times its size
        throw HttpProblem.badRequest("invalid_sample_rate", kind + " sample rate "
            + w.sampleRate() + " Hz is outside " + MIN_SAMPLE_RATE_HZ + "–" + MAX_SAMPLE_RATE_HZ
            + " Hz", "file");
      }
      return w.toMono();
    } catch (IOException | IllegalArgumentException e) {
      throw HttpProblem.validation("unsupported_file", "Unsupported " + kind + " file: "
          + e.getMessage(), "file");
    }
  }

  /** True when the bytes start like a RIFF/WAVE file. */
  static boolean looksLikeWav(byte[] b) {
    return b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
        && b[8] == 'W' && b[9] == 'A' && b[10] == 'V' && b[11] == 'E';
  }

  private static double round3(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  private static String field(List<Multipart.Part> parts, String name) {
    for (Multipart.Part p : parts) {
      if (p.name().equals(name) && p.filename() == null) {
        return p.text().trim();
      }
    }
    return null;
  }

  /** Collects committed segments; listener calls never block. */
  private static final class Collector implements SttListener {
    final List<Transcript> committed = new ArrayList<>();
    final CountDownLatch done = new CountDownLatch(1);
    final WorkSlot slot;
    volatile SpeechError failure;

    Collector(WorkSlot slot) {
      this.slot = slot;
    }

    @Override
    public void onCommitted(Transcript t) {
      synchronized (this) {
        committed.add(t);
      }
    }

    @Override
    public void onClosed() {
      end();
    }

    @Override
    public void onFailure(SpeechError error) {
      failure = error;
      end();
    }

    private void end() {
      if (done.getCount() > 0) {
        done.countDown();
        slot.workStopped();
      }
    }
  }
}
