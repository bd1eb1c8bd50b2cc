package io.voicewire.client.contract;

import static io.voicewire.client.contract.ElevenLabsDouble.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import io.voicewire.client.contract.ElevenLabsDouble.Seen;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * What the double's WebSockets ({@link DoubleTtsSocket}, {@link DoubleDialogueSocket}) do alike:
 * the query's parameters, the refusal of a socket whose query broke the definition (close 1008
 * once open), and the reading of a client message (JSON, recorded in the double's log). Public
 * only because Jetty invokes listener methods reflectively.
 *
 * <p>Jetty delivers one event at a time per socket; the state is confined to those events.
 */
public abstract class DoubleSocket implements Session.Listener.AutoDemanding {
  final ElevenLabsDouble d;
  final String path;
  final Map<String, List<String>> query;
  /** Set while the query is checked: the socket closes 1008 with it as soon as it opens. */
  String openError;
  Session ws;

  DoubleSocket(ElevenLabsDouble d, String path, Map<String, List<String>> query) {
    this.d = d;
    this.path = path;
    this.query = query;
  }

  /** The first value of a query parameter, or null. */
  final String first(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.ws = session;
    if (openError != null) {
      session.close(1008, openError, Callback.NOOP);
    }
  }

  /** A client message as JSON, recorded; null (and {@link #refuse}d) when it is not JSON. */
  final JsonNode read(String text) {
    JsonNode msg;
    try {
      msg = JSON.readTree(text);
    } catch (java.io.IOException e) {
      refuse("WS " + path + " message: not JSON: " + text, "invalid_message");
      return null;
    }
    d.record(new Seen("WS", path, query, msg));
    return msg;
  }

  /** Reports {@code violation} and closes 1008 with {@code error}, as the real API would. */
  abstract void refuse(String violation, String error);
}
