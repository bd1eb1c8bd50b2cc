package io.voicewire.bench.soak;

import io.voicewire.testing.RawWs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The abuse mix that runs alongside the normal sessions with {@code bench soak --abuse}: clients
 * with a valid key (or none) that try to hold what belongs to everyone else. Each kind runs
 * {@code clients} connections at a time, over and over until {@link #close()}:
 * <ul>
 *   <li><b>never-read</b>: a TTS {@code stream-input} socket that sends text and flushes and never
 *       reads the audio;
 *   <li><b>huge-context-id</b>: a multi-context socket whose {@code context_id} is
 *       {@value #HUGE_ID_CHARS} characters, repeated in several messages, not reading for a while;
 *   <li><b>stt-burst-flood</b>: a realtime STT socket fed short bursts of speech and silence as
 *       fast as it takes them, then dropped with a TCP reset;
 *   <li><b>slow-upload</b>: a batch STT upload that sends {@value #SLOW_UPLOAD_BYTES_PER_SECOND}
 *       bytes a second of a body announced far larger;
 *   <li><b>unauthenticated</b>: a TTS socket opened without credentials that sends nothing;
 *   <li><b>nothing-to-say</b>: a TTS socket fed text without a word ({@code ". "} over and over),
 *       which an engine holds until it has audio to attach it to;
 *   <li><b>context-reuse</b>: a multi-context socket that opens and closes one context id over
 *       and over (each close queues an urgent {@code isFinal}) and never reads;
 *   <li><b>low-rate-wav</b>: a batch STT upload of a WAV whose header says 1 Hz.
 * </ul>
 * What each got (refused, closed with which code, held until it gave up) is counted per kind.
 *
 * <p>Thread safe; one virtual thread per abusive client.
 */
final class Abuse implements AutoCloseable {
  /** Length of the huge context id, characters (under the 1 MiB message limit). */
  static final int HUGE_ID_CHARS = 512 * 1024;
  /** How long an abusive client holds its connection before it starts over, ms. */
  static final long HOLD_MILLIS = 30_000;
  /** Speech bursts per flood connection (each {@value #BURST_MILLIS} ms speech + silence). */
  static final int BURSTS = 200;
  static final int BURST_MILLIS = 300;
  /** Pace of the slow upload. */
  static final int SLOW_UPLOAD_BYTES_PER_SECOND = 100;
  /** Text without a word per nothing-to-say message, characters, and messages per socket. */
  static final int NOTHING_CHARS_PER_MESSAGE = 48 * 1024;
  static final int NOTHING_MESSAGES = 16;
  /** Opens and closes of one context id per context-reuse socket. */
  static final int CONTEXT_REUSES = 5_000;
  /** Pause before an abusive client starts over, ms. */
  static final long RESTART_MILLIS = 1_000;

  /** The abusive clients, by the names the report and {@code --abuse-kinds} use. */
  static final List<String> KINDS = List.of("never-read", "huge-context-id", "stt-burst-flood",
      "slow-upload", "unauthenticated", "nothing-to-say", "context-reuse", "low-rate-wav");

  /**
   * The well-behaved mirror of an abusive kind, for the A/B comparison's quiet phases
   * ({@code --ab-mirror}): the same client doing the same thing at a normal pace.
   * {@code stt-burst-paced}: stt-burst-flood's socket and bursts, one burst per its own length
   * (real time).
   */
  static final Map<String, String> MIRRORS = Map.of("stt-burst-flood", "stt-burst-paced");

  private static final java.util.regex.Pattern ERROR_TYPE =
      java.util.regex.Pattern.compile("\"(?:error|message_type)\"\\s*:\\s*\"([^\"]{0,40})\"");

  private final String host;
  private final int port;
  private final String key;
  private final int clients;
  private final java.util.Set<String> kinds;
  private final long seed;
  private final byte[] speech;
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final List<RawWs> open = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /**
   * @param kinds the kinds of {@link #KINDS} to run
   * @param speech 16 kHz PCM with speech, the source of the STT bursts
   */
  Abuse(URI base, String key, int clients, List<String> kinds, long seed, byte[] speech) {
    this.kinds = java.util.Set.copyOf(kinds);
    this.host = base.getHost();
    this.port = base.getPort() > 0 ? base.getPort() : 80;
    this.key = key;
    this.clients = clients;
    this.seed = seed;
    this.speech = speech.clone();
  }

  void start() {
    for (int i = 0; i < clients; i++) {
      Random r = new Random(seed + i);
      loop("never-read", () -> neverRead(r));
      loop("huge-context-id", () -> hugeContextId(r));
      loop("stt-burst-flood", () -> sttBursts(r, "stt-burst-flood", false));
      loop("stt-burst-paced", () -> sttBursts(r, "stt-burst-paced", true));
      loop("slow-upload", this::slowUpload);
      loop("unauthenticated", () -> unauthenticated(r));
      loop("nothing-to-say", () -> nothingToSay(r));
      loop("context-reuse", () -> contextReuse(r));
      loop("low-rate-wav", this::lowRateWav);
    }
  }

  /** Outcomes per kind, e.g. {@code unauthenticated: closed 1008 in <10 s}. */
  Map<String, Long> summary() {
    Map<String, Long> m = new TreeMap<>();
    outcomes.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    open.forEach(RawWs::reset);
    for (Thread t : threads) {
      t.interrupt();
      t.join(5_000);
    }
  }

  private interface Attempt {
    void run() throws Exception;
  }

  private void loop(String kind, Attempt a) {
    if (!kinds.contains(kind)) {
      return;
    }
    threads.add(Thread.ofVirtual().name("soak abuse " + kind).start(() -> {
      while (!closed) {
        try {
          a.run();
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          if (!closed) {
            count(kind, "failed: " + e.getClass().getSimpleName());
          }
        }
        try {
          Thread.sleep(RESTART_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }));
  }

  private void count(String kind, String outcome) {
    outcomes.computeIfAbsent(kind + ": " + outcome, k -> new LongAdder()).increment();
  }

  private Map<String, String> auth() {
    return key == null ? Map.of() : Map.of("xi-api-key", key);
  }

  private RawWs connect(String kind, String path, Map<String, String> headers, Random r)
      throws IOException {
    RawWs ws = RawWs.connect(host, port, path, headers, r);
    open.add(ws);
    if (ws.status != 101) {
      count(kind, "refused with HTTP " + ws.status);
    }
    return ws;
  }

  private void neverRead(Random r) throws Exception {
    try (RawWs ws = connect("never-read",
        "/v1/text-to-speech/kevin16/stream-input?output_format=pcm_16000", auth(), r)) {
      if (ws.status != 101) {
        return;
      }
      Thread watchdog = resetAfter(ws, HOLD_MILLIS);
      long t0 = System.nanoTime();
      try {
        ws.sendText("{\"text\":\" \"}");
        String text = String.join(" ", Soak.TEXTS);
        while (!closed && System.nanoTime() - t0 < HOLD_MILLIS * 1_000_000) {
          ws.sendText("{\"text\":\"" + text + " \",\"flush\":true}");
          Thread.sleep(200);
        }
        count("never-read", "held until the client gave up");
      } catch (IOException e) {
        count("never-read", "connection ended by the server " + bucket(t0));
      } finally {
        watchdog.interrupt();
        open.remove(ws);
      }
    }
  }

  private void hugeContextId(Random r) throws Exception {
    try (RawWs ws = connect("huge-context-id",
        "/v1/text-to-speech/kevin16/multi-stream-input?output_format=pcm_16000", auth(), r)) {
      if (ws.status != 101) {
        return;
      }
      long t0 = System.nanoTime();
      try {
        String id = "x".repeat(HUGE_ID_CHARS);
        ws.sendText("{\"text\":\" \",\"context_id\":\"" + id + "\"}");
        for (int i = 0; i < 4; i++) {
          ws.sendText("{\"text\":\"Hello there. \",\"context_id\":\"" + id + "\",\"flush\":true}");
        }
        Thread.sleep(HOLD_MILLIS / 2); // not reading meanwhile
        outcome("huge-context-id", ws, t0, 5_000);
      } catch (IOException e) {
        count("huge-context-id", "connection ended by the server " + bucket(t0));
      } finally {
        open.remove(ws);
      }
    }
  }

  /** Bursts of speech on a realtime STT socket: as fast as read, or at real time. */
  private void sttBursts(Random r, String kind, boolean paced) throws Exception {
    try (RawWs ws = connect(kind, "/v1/speech-to-text/realtime?model_id="
        + "scribe_v2_realtime&audio_format=pcm_16000&commit_strategy=vad", auth(), r)) {
      if (ws.status != 101) {
        return;
      }
      int burst = BURST_MILLIS * SoakSessions.PCM16K_BYTES_PER_MS;
      byte[] chunk = new byte[2 * burst]; // speech, then as much silence
      System.arraycopy(speech, Math.min(speech.length - burst, burst), chunk, 0, burst);
      String msg = "{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\""
          + Base64.getEncoder().encodeToString(chunk) + "\",\"commit\":false,"
          + "\"sample_rate\":16000}";
      long t0 = System.nanoTime();
      Thread reader = paced ? Thread.ofVirtual().name("soak " + kind + " reader").start(() -> {
        try { // a well-behaved client reads its transcripts
          while (!closed && ws.readFrame(RawWs.READ_TIMEOUT_MILLIS) != null) {
            // read and dropped
          }
        } catch (IOException e) {
          // the connection ended: the sending side counts it
        }
      }) : null;
      try {
        for (int i = 0; i < BURSTS && !closed; i++) {
          ws.sendText(msg);
          if (paced) {
            Thread.sleep(2L * BURST_MILLIS); // the burst's speech and silence: real time
          }
        }
        count(kind, "sent " + BURSTS + " bursts, then reset the connection");
      } catch (InterruptedException e) {
        count(kind, "still sending when its phase ended");
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        count(kind, "connection ended by the server " + bucket(t0));
      } finally {
        ws.reset();
        open.remove(ws);
        if (reader != null) {
          reader.join(5_000);
        }
      }
    }
  }

  private void slowUpload() throws Exception {
    try (Socket s = RawWs.socket(host, port)) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      String head = "POST /v1/speech-to-text HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
          + (key == null ? "" : "xi-api-key: " + key + "\r\n")
          + "Content-Type: multipart/form-data; boundary=soakboundary\r\n"
          + "Content-Length: 10000000\r\n\r\n--soakboundary\r\nContent-Disposition: form-data;"
          + " name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      long t0 = System.nanoTime();
      byte[] trickle = new byte[SLOW_UPLOAD_BYTES_PER_SECOND];
      try {
        while (!closed && System.nanoTime() - t0 < HOLD_MILLIS * 2_000_000) {
          if (in.available() > 0) {
            count("slow-upload", "answered HTTP " + RawWs.readStatus(in) + " " + bucket(t0));
            return;
          }
          out.write(trickle);
          out.flush();
          Thread.sleep(1_000);
        }
        count("slow-upload", "held until the client gave up");
      } catch (IOException e) {
        count("slow-upload", "connection ended by the server " + bucket(t0));
      }
    }
  }

  private void unauthenticated(Random r) throws Exception {
    try (RawWs ws = connect("unauthenticated",
        "/v1/text-to-speech/kevin16/stream-input?output_format=pcm_16000", Map.of(), r)) {
      if (ws.status != 101) {
        return;
      }
      try {
        outcome("unauthenticated", ws, System.nanoTime(), (int) (HOLD_MILLIS * 2));
      } finally {
        open.remove(ws);
      }
    }
  }

  private void nothingToSay(Random r) throws Exception {
    try (RawWs ws = connect("nothing-to-say",
        "/v1/text-to-speech/kevin16/stream-input?output_format=pcm_16000", auth(), r)) {
      if (ws.status != 101) {
        return;
      }
      long t0 = System.nanoTime();
      try {
        ws.sendText("{\"text\":\" \"}");
        String dots = "{\"text\":\"" + ". ".repeat(NOTHING_CHARS_PER_MESSAGE / 2) + "\"}";
        for (int i = 0; i < NOTHING_MESSAGES && !closed; i++) {
          ws.sendText(dots);
        }
        outcome("nothing-to-say", ws, t0, 10_000);
      } catch (IOException e) {
        count("nothing-to-say", "connection ended by the server " + bucket(t0));
      } finally {
        open.remove(ws);
      }
    }
  }

  private void contextReuse(Random r) throws Exception {
    try (RawWs ws = connect("context-reuse",
        "/v1/text-to-speech/kevin16/multi-stream-input?output_format=pcm_16000", auth(), r)) {
      if (ws.status != 101) {
        return;
      }
      long t0 = System.nanoTime();
      try {
        for (int i = 0; i < CONTEXT_REUSES && !closed; i++) {
          ws.sendText("{\"text\":\" \",\"context_id\":\"c\"}");
          ws.sendText("{\"context_id\":\"c\",\"close_context\":true}");
        }
        Thread.sleep(HOLD_MILLIS / 3); // not reading meanwhile
        outcome("context-reuse", ws, t0, 25_000);
      } catch (IOException e) {
        count("context-reuse", "connection ended by the server " + bucket(t0));
      } finally {
        open.remove(ws);
      }
    }
  }

  private void lowRateWav() throws Exception {
    java.io.ByteArrayOutputStream wav = new java.io.ByteArrayOutputStream();
    java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int data = 40_000;
    h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data)
        .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
        .putShort((short) 1).putInt(1).putInt(2).putShort((short) 2).putShort((short) 16)
        .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
    wav.write(h.array());
    wav.write(new byte[data]);
    byte[] body = multipart(wav.toByteArray());
    long t0 = System.nanoTime();
    try (Socket s = RawWs.socket(host, port)) {
      String head = "POST /v1/speech-to-text HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
          + (key == null ? "" : "xi-api-key: " + key + "\r\n")
          + "Content-Type: multipart/form-data; boundary=soakboundary\r\n"
          + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      s.setSoTimeout((int) HOLD_MILLIS);
      count("low-rate-wav", "answered HTTP " + RawWs.readStatus(s.getInputStream()) + " "
          + bucket(t0));
    } catch (IOException e) {
      count("low-rate-wav", "connection ended by the server " + bucket(t0));
    }
  }

  private static byte[] multipart(byte[] file) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.write(("--soakboundary\r\nContent-Disposition: form-data; name=\"model_id\"\r\n\r\n"
        + "scribe_v1\r\n--soakboundary\r\nContent-Disposition: form-data; name=\"file\"; "
        + "filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    b.write(file);
    b.write("\r\n--soakboundary--\r\n".getBytes(StandardCharsets.ISO_8859_1));
    return b.toByteArray();
  }

  /** Reads until a close frame, the end of the connection or {@code waitMillis}; counts it. */
  private void outcome(String kind, RawWs ws, long t0, int waitMillis) throws IOException {
    long until = System.nanoTime() + waitMillis * 1_000_000L;
    try {
      while (System.nanoTime() < until) {
        RawWs.Frame f = ws.readFrame((int) Math.max(1, (until - System.nanoTime()) / 1_000_000));
        if (f == null) {
          break;
        }
        if (f.opcode() == 8) {
          count(kind, "closed " + f.closeCode() + " " + bucket(t0));
          return;
        }
        if (f.opcode() == 1 && f.text().contains("\"error\"")) {
          java.util.regex.Matcher m = ERROR_TYPE.matcher(f.text());
          count(kind, "error message " + (m.find() ? m.group(1) : "(no type)"));
        }
      }
      count(kind, "held until the client gave up");
    } catch (IOException e) {
      count(kind, "connection ended by the server " + bucket(t0));
    }
  }

  private static String bucket(long t0) {
    long s = (System.nanoTime() - t0) / 1_000_000_000L;
    return s < 1 ? "in <1 s" : s < 10 ? "in 1-10 s" : s < 60 ? "in 10-60 s" : "after >=60 s";
  }

  private Thread resetAfter(RawWs ws, long millis) {
    return Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(millis + 1_000);
        ws.reset();
      } catch (InterruptedException e) {
        // the client ended first
      }
    });
  }
}
