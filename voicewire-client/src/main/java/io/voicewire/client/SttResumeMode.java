package io.voicewire.client;

import java.net.URI;
import java.util.Locale;

/**
 * Whether realtime STT streams resume a server session by its id after a drop (the voicewire
 * extension, docs/client.md "Resume by session id"): the server keeps a dropped session for a
 * short grace, the stream re-attaches to it and sends only the audio the server never received,
 * so the transcript is the one an uncut connection would have given. The extension is opt-in
 * through query parameters the official API does not have ({@code voicewire_resumable},
 * {@code voicewire_resume_session}, {@code voicewire_commits_received}), so it is never sent to
 * an official ElevenLabs host.
 *
 * <p>A stream asks for a resumable session only when its mode {@link #appliesTo applies} to the
 * client's base URL, and asks to resume only a session whose {@code session_started} said it is
 * resumable; otherwise (and when the server no longer has the session) it starts a new session
 * and replays the audio since its last committed transcript, as without the extension.
 *
 * <p>A client's mode is the one given to {@link VoiceClient.Builder#sttResume}; without it,
 * {@link #AUTO}, unless the system property {@value #PROPERTY} says {@code on}, {@code off} or
 * {@code auto}. Immutable.
 */
public enum SttResumeMode {
  /** On unless the base URL's host is {@code elevenlabs.io} or one of its subdomains. */
  AUTO,
  /** Always ask for a resumable session (a voicewire server behind any host name). */
  ON,
  /** Never: speak the official protocol only. */
  OFF;

  /** The system property that sets the default mode: {@code auto}, {@code on} or {@code off}. */
  public static final String PROPERTY = "io.voicewire.client.sttResume";

  /** The official API's domain: {@link #AUTO} never asks its hosts for the extension. */
  public static final String OFFICIAL_DOMAIN = "elevenlabs.io";

  /**
   * The default mode: {@value #PROPERTY} when set, else {@link #AUTO}.
   *
   * @throws IllegalArgumentException when the property holds another value
   */
  public static SttResumeMode defaultMode() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      return AUTO;
    }
    try {
      return valueOf(v.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PROPERTY + " must be auto, on or off: " + v);
    }
  }

  /** True when streams of a client with this base URL ask for resumable sessions. */
  public boolean appliesTo(URI baseUrl) {
    return switch (this) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> !isOfficial(baseUrl);
    };
  }

  /** True when {@code baseUrl}'s host is {@link #OFFICIAL_DOMAIN} or a subdomain of it. */
  public static boolean isOfficial(URI baseUrl) {
    String host = baseUrl.getHost();
    if (host == null) {
      return false;
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    return host.equals(OFFICIAL_DOMAIN) || host.endsWith("." + OFFICIAL_DOMAIN);
  }
}
