package io.voicewire.bench.relay;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.ProtocolException;
import io.voicewire.protocol.TtsClientMessage;
import io.voicewire.protocol.TtsServerMessage;
import io.voicewire.speech.Alignment;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The stand-in TTS upstream of the relay benchmark's TTS scenario: ElevenLabs' {@code
 * stream-input} on Jetty, with no synthesis cost. Every text message with text other than the
 * opening {@code " "} is voiced at once (an upstream with no buffering: what the relay adds is
 * all that is measured): {@link #MS_PER_CHAR} ms of 16 kHz PCM per character in one audio
 * message with exact per-character alignment; the closing {@code ""} gets {@code isFinal} and the
 * close. Benchmark use only; thread safe (one Jetty session per stream).
 */
public final class TtsStandIn implements AutoCloseable {
  /** Audio per voiced character. */
  public static final int MS_PER_CHAR = 10;
  /** Bytes of 16 kHz 16-bit PCM per character. */
  public static final int BYTES_PER_CHAR = MS_PER_CHAR * 32;

  private final Server server;
  private final ServerConnector connector;

  private TtsStandIn(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /** Listens on 127.0.0.1, any free port. */
  public static TtsStandIn start() throws Exception {
    Server server = new Server();
    ServerConnector c = new ServerConnector(server);
    c.setHost("127.0.0.1");
    server.addConnector(c);
    ContextHandler ctx = new ContextHandler("/");
    server.setHandler(ctx);
    ctx.setHandler(WebSocketUpgradeHandler.from(server, ctx, (ServerWebSocketContainer ws) ->
        ws.addMapping("regex|^/v1/text-to-speech/[^/]+/stream-input$",
            (req, resp, cb) -> new Stream())));
    server.start();
    return new TtsStandIn(server, c);
  }

  /** The bound port. */
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** The audio message for {@code text}: silence with one alignment entry per character. */
  static String audioFor(String text) {
    List<String> chars = new ArrayList<>(text.length());
    int n = text.length();
    int[] starts = new int[n];
    int[] durations = new int[n];
    for (int i = 0; i < n; i++) {
      chars.add(String.valueOf(text.charAt(i)));
      starts[i] = i * MS_PER_CHAR;
      durations[i] = MS_PER_CHAR;
    }
    Alignment a = new Alignment(chars, starts, durations);
    return new TtsServerMessage.Audio(new byte[n * BYTES_PER_CHAR], a, a, null).encode();
  }

  /** One stream-input socket. Jetty calls it one event at a time. */
  public static final class Stream implements Session.Listener.AutoDemanding {
    private Session session;

    @Override
    public void onWebSocketOpen(Session s) {
      session = s;
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      // a load stream aborted at the end of its row: nothing to do
    }

    @Override
    public void onWebSocketText(String json) {
      TtsClientMessage m;
      try {
        m = TtsClientMessage.decode(json);
      } catch (ProtocolException e) {
        session.close(CloseCodes.POLICY_VIOLATION, e.getMessage(), Callback.NOOP);
        return;
      }
      String text = m.text();
      if (text == null || text.equals(" ")) {
        return; // the opening message, or settings only
      }
      if (text.isEmpty()) {
        session.sendText(new TtsServerMessage.Final(null).encode(), Callback.NOOP);
        session.close(CloseCodes.NORMAL, "", Callback.NOOP);
        return;
      }
      session.sendText(audioFor(text), Callback.NOOP);
    }
  }
}
