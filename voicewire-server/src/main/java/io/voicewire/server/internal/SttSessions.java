package io.voicewire.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resumable realtime STT sessions of this server by id (attached or parked), so that a
 * reconnect can find the one it names (docs/stt-resume.md). A session is added when it starts and
 * removed when it ends; each holds a session permit, so the map is bounded by {@code maxSessions}.
 *
 * <p>Recently ended sessions leave a short note (why they ended) for
 * {@code STT_RESUME_ENDED_NOTE_MILLIS}, at most {@link #MAX_ENDED_NOTES}, so that a client whose
 * resume comes too late is told why in {@code voicewire_resume.reason}.
 *
 * <p>Metrics: {@code voicewire_stt_resume_sessions_total{event=parked|resumed|expired|
 * log_overflow|refused}} and the gauge {@code voicewire_stt_sessions_parked}.
 *
 * <p>Thread safe (concurrent maps and Micrometer's lock-free meters); never calls a session while
 * holding anything.
 */
final class SttSessions {
  /** Ended sessions whose reason is remembered for a late resume. */
  static final int MAX_ENDED_NOTES = 4096;
  /** How long an ended session's reason is remembered, in milliseconds. */
  static final long ENDED_NOTE_MILLIS = 60_000;

  private record Note(String reason, long untilNanos) {}

  private final Map<String, SttServerSession> live = new ConcurrentHashMap<>();
  private final Map<String, Note> ended = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger parked =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Counter parkedTotal;
  private final Counter resumed;
  private final Counter expired;
  private final Counter overflowed;
  private final Counter refused;
  private volatile boolean stopping;

  SttSessions(MeterRegistry registry) {
    parkedTotal = event(registry, "parked");
    resumed = event(registry, "resumed");
    expired = event(registry, "expired");
    overflowed = event(registry, "log_overflow");
    refused = event(registry, "refused");
    Gauge.builder("voicewire.stt.sessions.parked", parked, java.util.concurrent.atomic
        .AtomicInteger::get).description("Realtime STT sessions parked now, waiting for a resume")
        .register(registry);
  }

  private static Counter event(MeterRegistry r, String event) {
    return Counter.builder("voicewire.stt.resume.sessions").description("Resumable realtime STT "
        + "sessions by event: parked (connection lost), resumed, expired (grace passed), "
        + "log_overflow (ended while parked), refused (a resume that could not be honoured)")
        .tag("event", event).register(r);
  }

  void add(SttServerSession s) {
    live.put(s.id(), s);
  }

  /** The session ended: forgotten, with a note of why for a late resume. */
  void remove(SttSessionCore s, String reason, long now) {
    live.remove(s.id(), s);
    if (ended.size() >= MAX_ENDED_NOTES) {
      ended.entrySet().removeIf(e -> e.getValue().untilNanos() - now < 0);
    }
    if (ended.size() < MAX_ENDED_NOTES) {
      ended.put(s.id(), new Note(reason, now + ENDED_NOTE_MILLIS * 1_000_000));
    }
  }

  /** The live session {@code id} of {@code keyId}, or null (unknown, ended, another key's). */
  SttServerSession find(String id, String keyId) {
    SttServerSession s = live.get(id);
    return s != null && s.keyId().equals(keyId) ? s : null;
  }

  /** Why a resume of {@code id} finds no session (for {@code voicewire_resume.reason}). */
  String whyNot(String id, long now) {
    Note n = ended.get(id);
    return n != null && n.untilNanos() - now > 0 ? n.reason()
        : "no session with this id on this server (unknown, ended, or another key's)";
  }

  /** Whether sessions may be parked: false once the server stops. */
  boolean parkingAllowed() {
    return !stopping;
  }

  /** The server stops: nothing is parked any more, and what is parked ends now. */
  void stop() {
    stopping = true;
    for (SttServerSession s : List.copyOf(live.values())) {
      s.endIfParked("the server stopped");
    }
  }

  void parked() {
    parked.incrementAndGet();
    parkedTotal.increment();
  }

  /** A session was resumed: it was parked ({@code wasParked}) or taken over from a connection. */
  void resumed(boolean wasParked) {
    if (wasParked) {
      parked.decrementAndGet();
    }
    resumed.increment();
  }

  /** A parked session ended (expired, overflowed, drained, stopped, failed). */
  void endedParked() {
    parked.decrementAndGet();
  }

  void expired() {
    expired.increment();
  }

  void overflowed() {
    overflowed.increment();
  }

  void refused() {
    refused.increment();
  }

  /** Sessions parked now. */
  int parkedNow() {
    return parked.get();
  }
}
