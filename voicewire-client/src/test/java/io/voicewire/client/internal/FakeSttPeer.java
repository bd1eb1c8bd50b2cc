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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A scripted realtime STT server for tier-(b) tests: {@code session_started}, a partial after
 * every chunk that changed the segment, committed transcripts (with word timings in seconds from
 * the session's start when asked) on a commit or, with VAD, after 10 silent frames; the
 * {@code previous_text} rule; scripted drops after a number of received messages.
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
  }

  private final World world;
  private int left;
  private boolean vad;
  private boolean timestamps;
  private boolean firstChunk = true;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private int frame;
  private final StringBuilder segment = new StringBuilder();
  private final List<Integer> segmentFrames = new ArrayList<>();
  private int silent;

  public FakeSttPeer(World world) {
    this.world = world;
    this.left = world.dropAfterMessages.getAsInt();
  }

  @Override
  public void onOpen(InMemoryConnector.ServerEnd end) {
    Query q = Query.parse(end.uri.getRawQuery());
    vad = "vad".equals(q.get("commit_strategy"));
    timestamps = "true".equals(q.get("include_timestamps")) && !world.noTimestamps;
    int n = world.sessions.incrementAndGet();
    end.send("{\"message_type\":\"session_started\",\"session_id\":\"s" + n
        + "\",\"config\":{\"sample_rate\":16000}}");
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
      if (!firstChunk) {
        world.violations.add("previous_text after the first chunk");
        end.send(SttServerMessage.Error.of(ErrorCode.INPUT_ERROR,
            "previous_text is only allowed on the first chunk").encode());
        end.close(CloseCodes.POLICY_VIOLATION, "input_error");
        return;
      }
      world.previousTexts.add(m.previousText());
    }
    firstChunk = false;
    if (m.audio().length == 0 && !m.commit()) {
      world.keepAlives.incrementAndGet();
    }
    pending.writeBytes(m.audio());
    byte[] b = pending.toByteArray();
    int used = 0;
    boolean changed = false;
    while (b.length - used >= FakeSpeech.FRAME_BYTES) {
      int v = FakeSpeech.frameValue(b, used);
      used += FakeSpeech.FRAME_BYTES;
      if (v != 0) {
        segment.append((char) v);
        segmentFrames.add(frame);
        silent = 0;
        changed = true;
      } else {
        silent++;
        if (vad && silent == VAD_SILENT_FRAMES && segment.length() > 0) {
          commit(end);
        }
      }
      frame++;
    }
    pending.reset();
    pending.write(b, used, b.length - used);
    if (changed && segment.length() > 0) {
      end.send(new SttServerMessage.Partial(segment.toString()).encode());
    }
    if (m.commit()) {
      commit(end);
    }
  }

  private void commit(InMemoryConnector.ServerEnd end) {
    String t = segment.toString().isBlank() ? "" : segment.toString();
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
      double s = segmentFrames.get(i) * FakeSpeech.FRAME_MS / 1000.0;
      double e = (segmentFrames.get(j - 1) + 1) * FakeSpeech.FRAME_MS / 1000.0;
      words.add(new Word(t.substring(i, j), s, e, "word", -0.1));
      i = j;
    }
    int times = world.duplicateCommits ? 2 : 1;
    for (int k = 0; k < times; k++) {
      end.send(new SttServerMessage.Committed(t).encode());
      if (timestamps) {
        end.send(new SttServerMessage.CommittedWithTimestamps(t, "en", words).encode());
      }
    }
    segment.setLength(0);
    segmentFrames.clear();
  }

  /** The request a test uses. */
  public static SttRequest request(boolean vad) {
    return SttRequest.builder().audioFormat(FakeSpeech.FORMAT)
        .commitStrategy(vad ? io.voicewire.speech.CommitStrategy.VAD
            : io.voicewire.speech.CommitStrategy.MANUAL).build();
  }
}
