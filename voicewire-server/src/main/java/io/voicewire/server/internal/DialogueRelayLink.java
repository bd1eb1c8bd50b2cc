package io.voicewire.server.internal;

import io.voicewire.protocol.CloseCodes;
import io.voicewire.protocol.DialogueClientMessage;
import io.voicewire.protocol.Query;
import io.voicewire.speech.DialogueRelay;
import io.voicewire.speech.ErrorCode;
import io.voicewire.speech.SpeechError;
import java.util.Set;

/**
 * A {@link DialogueSocket}'s upstream when the provider relays the Text-to-Dialogue sockets
 * ({@link io.voicewire.speech.SpeechProvider#dialogueRelay()}): one upstream socket of the same
 * endpoint, opened with the first accepted dialogue, with the client's official query
 * parameters (credentials removed). Each accepted client message goes upstream re-encoded from
 * its official fields, without credentials (so nothing unofficial, and never the relay client's
 * key, reaches the upstream); the upstream's messages come back through the socket
 * ({@link DialogueSocket#upstreamMessage}).
 *
 * <p>The upstream socket counts as the session's provider work ({@link SocketSession#workStarted})
 * until its terminal event or until it is closed here. Thread safety: guarded by the socket's
 * monitor; upstream calls run after it ({@link Effects}), and the upstream's events
 * take it ({@link SocketSession#locked}).
 */
final class DialogueRelayLink implements DialogueRelay.Listener {
  /** Query parameters that carry credentials: the relay's own, never sent upstream. */
  static final Set<String> CREDENTIAL_PARAMS = Set.of("xi-api-key", "xi_api_key",
      "authorization", "token", "single_use_token");

  private final DialogueSocket socket;
  private final DialogueRelay relay;
  private final boolean multi;
  private final String query;
  // guarded by socket
  private DialogueRelay.Upstream up;
  private boolean endSent;
  private boolean stopped;

  DialogueRelayLink(DialogueSocket socket, DialogueRelay relay, boolean multi, Query query) {
    this.socket = socket;
    this.relay = relay;
    this.multi = multi;
    this.query = officialQuery(query);
  }

  /** {@code query} without its credentials, percent-encoded, in the client's order. */
  static String officialQuery(Query query) {
    Query.Builder b = Query.builder();
    for (String name : query.names()) {
      if (!CREDENTIAL_PARAMS.contains(name)) {
        query.all(name).forEach(v -> b.add(name, v));
      }
    }
    return b.build();
  }

  /** Whether the upstream socket was opened (and not stopped). Under the lock. */
  boolean live() {
    return up != null && !stopped;
  }

  /** Sends one accepted message upstream (the socket opens with the first). Under the lock. */
  void forward(DialogueClientMessage m, Effects fx) {
    if (stopped) {
      return;
    }
    if (up == null) {
      up = relay.open(multi, query, this);
      socket.workStarted();
    }
    endSent |= m.closeSocket(); // with or without context_id: the upstream socket ends
    DialogueRelay.Upstream u = up;
    String json = new DialogueClientMessage(m.contextId(), m.inputs(), m.flush(),
        m.closeContext(), m.closeSocket(), m.keepAlive(), m.voices(), m.stability(),
        m.pronunciationDictionaryLocators(), null, null, null).encode();
    fx.add(() -> {
      if (!u.send(json)) {
        socket.locked(f -> socket.upstreamEnded(new SpeechError(
            ErrorCode.QUEUE_OVERFLOW, "the upstream dialogue socket took "
                + "no more messages"), f));
      }
    });
  }

  /**
   * No more client input (end of input or a bad message): the upstream voices what it took and
   * ends every dialogue ({@code close_socket}). Under the lock.
   */
  void endInput(Effects fx) {
    if (live() && !endSent) {
      forward(DialogueClientMessage.control(null, false, false, true, false), fx);
    }
  }

  /** The session is over: the upstream socket closes, and stops counting as work. */
  void close(Effects fx) {
    if (up != null && !stopped) {
      DialogueRelay.Upstream u = up;
      fx.add(u::close);
      stop(fx);
    }
  }

  /** The upstream socket ended (event) or was closed: its work is over. Under the lock. */
  void stop(Effects fx) {
    if (!stopped) {
      stopped = true;
      if (up != null) {
        fx.add(socket::workStopped);
      }
    }
  }

  /** The audio queued for the client, for the upstream's pacing. No lock. */
  @Override
  public long backlogMillis() {
    Outbox o = socket.out();
    return o == null ? 0 : o.queuedAudioMillis();
  }

  @Override
  public void onMessage(String json) {
    socket.locked(fx -> socket.upstreamMessage(json, fx));
  }

  @Override
  public void onClosed(int code, String reason) {
    socket.locked(fx -> socket.upstreamEnded(code == CloseCodes.NORMAL
        ? null : new SpeechError(ErrorCode.ERROR, "the upstream dialogue "
            + "socket closed with " + code + (reason == null || reason.isEmpty() ? ""
                : " (" + reason + ")")), fx));
  }

  @Override
  public void onFailure(SpeechError error) {
    socket.locked(fx -> socket.upstreamEnded(error, fx));
  }
}
