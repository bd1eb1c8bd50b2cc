package io.voicewire.client.internal;

import io.voicewire.client.internal.transport.InMemoryConnector;
import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.SttClientMessage;
import io.voicewire.protocol.SttServerMessage;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SttRequest;
import io.voicewire.speech.Word;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A scripted realtime STT server for tier-(b) tests: {@code session_started}, a partial after
 * every chunk that changed the segment, committed transcripts (with word timings in seconds from
 * the session's start when asked) on a commit or, with VAD, after 10 silent frames; the
 * {@code previous_text} rule; scripted drops after a number of received messages; and, when the
 * world is {@link World#resumable}, the voicewire resume extension (a dropped session is kept and
 * re-attached by id: {@code audio_bytes_received}, the commits after the client's count again).
 */
public class FakeSttPeer implements InMemoryConnector.Peer {
  /** Silent frames that end a segment in VAD mode. */
  public static final int VAD_SILENT_FRAMES = 10;

  /** Shared across the connections of one test. */
  public static final class World {
    public final AtomicInteger keepAlives = new AtomicInteger();
    public final AtomicInteger sessions = new AtomicInteger();
    public final List<String> previousTexts = new CopyOnWriteArrayList<>();
    public final List<String> violations = new CopyOnWriteArrayList<>();
    /** Messages a connection receives before it is dropped; -1 = never. */
    public volatile IntSupplier dropAfterMessages = () -> -1;
    /** Ignore include_timestamps (an older server). */
    public volatile boolean noTimestamps;
    /** Send each committed transcript twice (the duplicate-final bug seen in the wild). */
    public volatile boolean duplicateCommits;
    /** Answer the first message with this error type, then close. */
    public volatile String errorType;
    /** Refuse a handshake with any query parameter of the extension (HTTP 400), strictly. */
    public volatile boolean refuseExtension;
    /** The server knows the resume extension. */
    public volatile boolean resumable;
    /** The server forgets dropped sessions at once (a resume finds nothing). */
    public volatile boolean forgetSessions;
    /** Sessions re-attached by id. */
    public final AtomicInteger resumed = new AtomicInteger();
    /** The query strings of every connection, in order. */
    public final List<String> queries = new CopyOnWriteArrayList<>();
    final Map<String, Session> byId = new ConcurrentHashMap<>();
  }

  /** One server session: what it decoded, and the commit messages it sent (for a resume). */
  static final class Session {
    final String id;
    final boolean vad;
    final boolean timestamps;
    boolean firstChunk = true;
    final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    int frame;
    final StringBuilder segment = new StringBuilder();
    final List<Integer> segmentFrames = new ArrayList<>();
    int silent;
    long audioBytes;
    /** Every commit message sent, in order (both types count, as on a voicewire server). */
    final List<String> commits = new ArrayList<>();

    Session(String id, boolean vad, boolean timestamps) {
      this.id = id;
      this.vad = vad;
      this.timestamps = timestamps;
    }
  }

  private final World world;
  private int left;
  private Session ss;

  public FakeSttPeer(World world) {
    this.world = world;
    this.left = world.dropAfterMessages.getAsInt();
  }

  @Override
  public int onHandshake(java.net.URI uri, Map<String, String> headers) {
    return world.refuseExtension && uri.getRawQuery().contains("voicewire_") ? 400 : 101;
  }

  @Override
  public void onOpen(InMemoryConnector.ServerEnd end) {
    world.queries.add(end.uri.getRawQuery());
    Query q = Query.parse(end.uri.getRawQuery());
    String askedId = q.get("voicewire_resume_session"); // implies voicewire_resumable
    boolean opted = world.resumable
        && ("true".equals(q.get("voicewire_resumable")) || askedId != null);
    Session old = opted && askedId != null ? world.byId.get(askedId) : null;
    if (old != null) {
      int n = Integer.parseInt(q.get("voicewire_commits_received"));
      if (n > old.commits.size()) {
        world.violations.add("commits_received " + n + " > " + old.commits.size());
        end.close(CloseCodes.POLICY_VIOLATION, "commits_received");
        return;
      }
      ss = old;
      world.resumed.incrementAndGet();
      end.send(started(ss.id, true));
      ss.commits.subList(n, ss.commits.size()).forEach(end::send);
      return;
    }
    ss = new Session("s" + world.sessions.incrementAndGet(),
        "vad".equals(q.get("commit_strategy")),
        "true".equals(q.get("include_timestamps")) && !world.noTimestamps);
    if (opted) {
      world.byId.put(ss.id, ss);
    }
    end.send(opted ? started(ss.id, false)
        : "{\"message_type\":\"session_started\",\"session_id\":\"" + ss.id
            + "\",\"config\":{\"sample_rate\":16000}}");
  }

  private String started(String id, boolean resumed) {
    return "{\"message_type\":\"session_started\",\"session_id\":\"" + id
        + "\",\"config\":{\"sample_rate\":16000},\"voicewire_resume\":{\"resumed\":" + resumed
        + ",\"grace_ms\":10000,\"audio_bytes_received\":" + ss.audioBytes
        + ",\"commits_sent\":" + ss.commits.size() + "}}";
  }


  @Override
  public void onMessage(InMemoryConnector.ServerEnd end, String text) {
    if (world.errorType != null) {
      end.send(new SttServerMessage.Error(ErrorCode.fromWire(world.errorType), world.errorType,
          "scripted").encode());
      end.close(CloseCodes.POLICY_VIOLATION, world.errorType);
      return;
    }
    if (left == 0) {
      end.drop();
      if (ss != null && world.forgetSessions) {
        world.byId.remove(ss.id);
      }
      return;
    }
    if (left > 0) {
      left--;
    }
    SttClientMessage m;
    try {
      m = SttClientMessage.decode(text);
    } catch (ProtocolException e) {
      world.violations.add(e.getMessage());
      end.close(CloseCodes.INVALID_PAYLOAD, e.getMessage());
      return;
    }
    if (m.previousText() != null) {
      if (!ss.firstChunk) {
        world.violations.add("previous_text after the first chunk");
        end.send(SttServerMessage.Error.of(ErrorCode.INPUT_ERROR,
            "previous_text is only allowed on the first chunk").encode());
        end.close(CloseCodes.POLICY_VIOLATION, "input_error");
        return;
      }
      world.previousTexts.add(m.previousText());
    }
    ss.firstChunk = false;
    ss.audioBytes += m.audio().length;
    if (m.audio().length == 0 && !m.commit()) {
      world.keepAlives.incrementAndGet();
    }
    ss.pending.writeBytes(m.audio());
    byte[] b = ss.pending.toByteArray();
    int used = 0;
    boolean changed = false;
    while (b.length - used >= FakeSpeech.FRAME_BYTES) {
      int v = FakeSpeech.frameValue(b, used);
      used += FakeSpeech.FRAME_BYTES;
      if (v != 0) {
        ss.segment.append((char) v);
        ss.segmentFrames.add(ss.frame);
        ss.silent = 0;
        changed = true;
      } else {
        ss.silent++;
        if (ss.vad && ss.silent == VAD_SILENT_FRAMES && ss.segment.length() > 0) {
          commit(end);
        }
      }
      ss.frame++;
    }
    ss.pending.reset();
    ss.pending.write(b, used, b.length - used);
    if (changed && ss.segment.length() > 0) {
      end.send(new SttServerMessage.Partial(ss.segment.toString()).encode());
    }
    if (m.commit()) {
      commit(end);
    }
  }

  private void commit(InMemoryConnector.ServerEnd end) {
    String t = ss.segment.toString().isBlank() ? "" : ss.segment.toString();
    List<Word> words = new ArrayList<>();
    int i = 0;
    while (i < t.length()) {
      if (t.charAt(i) == ' ') {
        i++;
        continue;
      }
      int j = i;
      while (j < t.length() && t.charAt(j) != ' ') {
        j++;
      }
      double s = ss.segmentFrames.get(i) * FakeSpeech.FRAME_MS / 1000.0;
      double e = (ss.segmentFrames.get(j - 1) + 1) * FakeSpeech.FRAME_MS / 1000.0;
      words.add(new Word(t.substring(i, j), s, e, "word", -0.1));
      i = j;
    }
    int times = world.duplicateCommits ? 2 : 1;
    List<String> out = new ArrayList<>();
    for (int k = 0; k < times; k++) {
      out.add(new SttServerMessage.Committed(t).encode());
      if (ss.timestamps) {
        out.add(new SttServerMessage.CommittedWithTimestamps(t, "en", words).encode());
      }
    }
    ss.commits.addAll(out);
    out.forEach(end::send);
    ss.segment.setLength(0);
    ss.segmentFrames.clear();
  }

  /** The request a test uses. */
  public static SttRequest request(boolean vad) {
    return SttRequest.builder().audioFormat(FakeSpeech.FORMAT)
        .commitStrategy(vad ? io.voicewire.speech.CommitStrategy.VAD
            : io.voicewire.speech.CommitStrategy.MANUAL).build();
  }
}
