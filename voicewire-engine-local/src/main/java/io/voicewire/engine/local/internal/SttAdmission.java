package io.voicewire.engine.local.internal;

import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import io.voicewire.speech.SttRequest;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Which STT sessions the engine admits, and what each tenant's sessions leave behind: the
 * capacity ({@link DecodeCost}, or an explicit {@code sttStreams}), the measured real-time room
 * ({@link RealtimeRoom}), each tenant's share of the capacity ({@link TenantQuota}), and the
 * decoding credit a tenant's new session starts with ({@link PaceLedger}).
 *
 * <p>Thread safe; {@link #refusal} and {@link #admitted} are called under the engine's lock on
 * its open sessions, in that order.
 */
final class SttAdmission {
  private final EngineConfig config;
  private final DecoderPool decoders;
  private final TenantQuota quota =
      new TenantQuota(LocalEngine.STT_STREAMS_KEPT_FOR_OTHER_TENANTS);
  private final PaceLedger ledger;
  /** Per tenant with an open session (so at most the capacity's entries). */
  private final Map<String, HeldBackGrants> grants = new HashMap<>(); // guarded by itself

  /** @param decoders the engine's decoders, or null when recognition is disabled */
  SttAdmission(EngineConfig config, DecoderPool decoders) {
    this.config = config;
    this.decoders = decoders;
    this.ledger = new PaceLedger(config.nanoClock());
  }

  /** STT sessions admitted at once (see {@link LocalEngine#sttCapacity()}). */
  int capacity() {
    int lanes = Math.min(LocalEngine.MAX_OPEN_STT_SESSIONS, config.sttStreams());
    return config.sttStreamsByCost() && decoders != null ? decoders.cost().streams(lanes) : lanes;
  }

  /**
   * Why a new session is refused beside the {@code open} ones, or null when it is admitted: its
   * tenant's session is then counted, and {@link #admitted} must follow.
   */
  SpeechError refusal(SttRequest request, Collection<RealSttSession> open) {
    SpeechError language = Unsupported.language(request.languageCode(), "recognizes");
    if (language != null) {
      return language;
    }
    if (decoders == null) {
      return new SpeechError(ErrorCode.UNSUPPORTED,
          "speech recognition is disabled in this local engine (0 decoders)");
    }
    int capacity = capacity();
    if (open.size() >= capacity) {
      return new SpeechError(ErrorCode.RESOURCE_EXHAUSTED, "the local engine is transcribing "
          + open.size() + " streams, its real-time capacity (" + capacityReason(capacity) + ")");
    }
    String late = config.sttStreamsByCost() ? RealtimeRoom.refusal(decoders,
        (int) open.stream().filter(RealSttSession::accepting).count()) : null;
    if (late != null) {
      return new SpeechError(ErrorCode.RESOURCE_EXHAUSTED, "the local engine is transcribing "
          + open.size() + " streams and has no real-time capacity left for one more: " + late);
    }
    int held = quota.tryTake(request.tenant(), capacity);
    return held < 0 ? null : new SpeechError(ErrorCode.RESOURCE_EXHAUSTED, "this key is already"
        + " transcribing " + held + " streams in the local engine, its share of the real-time"
        + " capacity (" + capacityReason(capacity) + "; STT_STREAMS_KEPT_FOR_OTHER_TENANTS "
        + LocalEngine.STT_STREAMS_KEPT_FOR_OTHER_TENANTS + " kept for other keys)");
  }

  /**
   * The decoding pace of an admitted session of {@code tenant}: it starts without what the
   * tenant's ended sessions still owe, and is held back while {@code othersSpeaking}, sharing
   * the decoding ahead of real time with the tenant's other sessions ({@link HeldBackGrants}).
   */
  DecodePace admitted(String tenant, BooleanSupplier othersSpeaking) {
    HeldBackGrants shared;
    if (tenant == null) {
      shared = new HeldBackGrants(config.nanoClock()); // shares with nobody: not counted
    } else {
      synchronized (grants) {
        shared = grants.computeIfAbsent(tenant, t -> new HeldBackGrants(config.nanoClock()))
            .join();
      }
    }
    return new DecodePace(config.nanoClock(), ledger.owed(tenant), othersSpeaking, shared);
  }

  /** An admitted session's terminal event: its tenant's count, debt and shared grants. */
  void ended(String tenant, DecodePace pace) {
    quota.release(tenant);
    ledger.ended(tenant, pace.usedMillis());
    if (tenant != null) {
      synchronized (grants) {
        HeldBackGrants g = grants.get(tenant);
        if (g != null && g.leave()) {
          grants.remove(tenant);
        }
      }
    }
  }


  private String capacityReason(int capacity) {
    if (!config.sttStreamsByCost()) {
      return "sttStreams " + capacity;
    }
    DecodeCost c = decoders.cost();
    return String.format(Locale.ROOT, "%d streams of %.2f CPU-s per audio second on %d cores",
        capacity, c.cpuPerAudioSecond(), c.cores());
  }
}
