package io.voicewire.client.internal;

import io.voicewire.client.internal.transport.InMemoryConnector;
import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.Query;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.TtsAudio;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A scripted TTS server for tier-(b) tests: {@code stream-input} and {@code multi-stream-input}
 * semantics (init first, text voiced as it arrives, EOS / close_context → isFinal, keep-alives,
 * at most 5 contexts else 1008), rendering text with {@link FakeVoice}, and dropping the
 * connection after a scripted number of audio messages.
 */
public class FakeTtsPeer implements InMemoryConnector.Peer {
  /** Shared across the connections of one test. */
  public static final class World {
    public final AtomicInteger keepAlives = new AtomicInteger();
    public final AtomicInteger maxLiveContexts = new AtomicInteger();
    public final AtomicInteger policyViolations = new AtomicInteger();
    public final List<String> received = new CopyOnWriteArrayList<>();
    public volatile int charsPerChunk = 7;
    public volatile boolean sendAlignment = true;
    /** Audio messages a connection sends before it is dropped; -1 = never. */
    public volatile IntSupplier dropAfterAudio = () -> -1;
    /** Refuse handshakes with this status (0 = accept). */
    public volatile int refuseWith;
  }

  private final World world;
  private final boolean multi;
  private final Map<String, Context> contexts = new HashMap<>();
  private int audioLeft;

  private static final class Context {
    boolean initialized;
    boolean closed;
    final StringBuilder pending = new StringBuilder();
  }

  public FakeTtsPeer(World world, boolean multi) {
    this.world = world;
    this.multi = multi;
    this.audioLeft = world.dropAfterAudio.getAsInt();
  }

  @Override
  public int onHandshake(java.net.URI uri, Map<String, String> headers) {
    return world.refuseWith == 0 ? 101 : world.refuseWith;
  }

  @Override
  public void onMessage(InMemoryConnector.ServerEnd end, String text) {
    world.received.add(text);
    TtsClientMessage m;
    try {
      m = TtsClientMessage.decode(text);
    } catch (ProtocolException e) {
      end.send(new TtsServerMessage.Error(e.getMessage(), "input_error", 1007, null).encode());
      end.close(CloseCodes.INVALID_PAYLOAD, e.getMessage());
      return;
    }
    if (m.closeSocket()) {
      end.close(CloseCodes.NORMAL, "");
      return;
    }
    String id = multi ? m.contextId() : null;
    Context c = contexts.get(id);
    if (c == null || c.closed) {
      if (multi && live() >= 5) {
        world.policyViolations.incrementAndGet();
        end.send(new TtsServerMessage.Error("Maximum simultaneous contexts exceeded",
            "policy_violation", 1008, null).encode());
        end.close(CloseCodes.POLICY_VIOLATION, "Maximum simultaneous contexts exceeded");
        return;
      }
      c = new Context();
      contexts.put(id, c);
      world.maxLiveContexts.accumulateAndGet(live(), Math::max);
    }
    if (!c.initialized) {
      c.initialized = true;
      if (" ".equals(m.text())) {
        return; // the init message
      }
    } else if (m.hasSettings()) {
      world.policyViolations.incrementAndGet();
      end.close(CloseCodes.POLICY_VIOLATION, "voice_settings after the first message");
      return;
    }
    if (m.closeContext()) {
      generate(end, c, id);
      c.closed = true;
      end.send(new TtsServerMessage.Final(id).encode());
      return;
    }
    String t = m.text();
    if (t == null) {
      if (m.flush()) {
        generate(end, c, id);
      }
      return;
    }
    if (t.isEmpty()) {
      if (multi) {
        world.keepAlives.incrementAndGet();
        return;
      }
      generate(end, c, id);
      end.send(new TtsServerMessage.Final(null).encode());
      end.close(CloseCodes.NORMAL, "");
      return;
    }
    if (t.isBlank() && !m.flush()) {
      world.keepAlives.incrementAndGet();
      return;
    }
    c.pending.append(t);
    generate(end, c, id);
  }

  private int live() {
    int n = 0;
    for (Context c : contexts.values()) {
      if (!c.closed) {
        n++;
      }
    }
    return n;
  }

  private void generate(InMemoryConnector.ServerEnd end, Context c, String id) {
    String text = c.pending.toString();
    c.pending.setLength(0);
    int per = world.charsPerChunk;
    for (int i = 0; i < text.length(); i += per) {
      if (!end.isOpen()) {
        return;
      }
      if (audioLeft == 0) {
        end.drop();
        return;
      }
      if (audioLeft > 0) {
        audioLeft--;
      }
      TtsAudio a = FakeVoice.chunk(text.substring(i, Math.min(text.length(), i + per)), 0);
      end.send(new TtsServerMessage.Audio(a.audio(),
          world.sendAlignment ? a.alignment() : null, null, id).encode());
    }
  }

  /** Reads the query of a handshake URI. */
  public static Query query(java.net.URI uri) {
    return Query.parse(uri.getRawQuery());
  }
}
