package io.voicewire.client.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * A strict stand-in for {@code api.elevenlabs.io}, built from the vendored official documents
 * ({@link ElevenLabsSpec}): a real Jetty server on a loopback port with the HTTP endpoints, the TTS
 * WebSockets and Scribe realtime.
 *
 * <p>Every request, query parameter, body field and WebSocket message is checked against the
 * documents. Whatever they do not define (an endpoint, a query parameter, a field, a type, an
 * enum value) and every model id the account does not have is recorded as a violation and answered
 * the way the real API does: HTTP validation errors are {@code 422} with a {@code detail} array,
 * an unknown path is {@code 404}, Scribe sends {@code invalid_request}/{@code input_error} and
 * closes, the TTS sockets close with 1008. Every answer the double sends is itself checked
 * against the documents, so it never invents fields.
 *
 * <p>Thread safe.
 */
public final class ElevenLabsDouble implements AutoCloseable {
  /** The API key the double's account has. */
  public static final String API_KEY = "double-api-key";
  /** Text every transcript of the double carries. */
  public static final String TRANSCRIPT = "hello from the double";

  static final ObjectMapper JSON = new ObjectMapper();
  final ElevenLabsSpec spec = ElevenLabsSpec.load();
  final DialogueSpec dialogue = new DialogueSpec();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final List<String> synthesised = new CopyOnWriteArrayList<>();
  private final List<String> ttsSent = new CopyOnWriteArrayList<>();
  private final List<String> dropped = new CopyOnWriteArrayList<>();
  final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final Server server = new Server();
  private ServerWebSocketContainer container;
  private int port;

  /**
   * One request or client message the double received.
   *
   * @param kind {@code HTTP}, {@code WS-OPEN} or {@code WS}
   * @param path the path
   * @param query the query parameters, repeated ones in order
   * @param body the JSON body, form fields (as an object) or message, or null
   * @param text a realtime STT message's text exactly as received, else null
   */
  public record Seen(String kind, String path, Map<String, List<String>> query, JsonNode body,
      String text) {
    public Seen(String kind, String path, Map<String, List<String>> query, JsonNode body) {
      this(kind, path, query, body, null);
    }
  }

  /** Starts the double on a free loopback port. */
  public static ElevenLabsDouble start() throws Exception {
    ElevenLabsDouble d = new ElevenLabsDouble();
    ServerConnector c = new ServerConnector(d.server);
    c.setHost("127.0.0.1");
    c.setPort(0);
    d.server.addConnector(c);
    ContextHandler context = new ContextHandler("/");
    d.server.setHandler(context);
    d.container = ServerWebSocketContainer.ensure(d.server, context);
    context.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request rq, Response rs, Callback cb) throws Exception {
        return d.handle(rq, rs, cb);
      }
    });
    d.server.start();
    d.port = c.getLocalPort();
    return d;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Every violation recorded so far. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  /** Throws an {@link AssertionError} listing the violations, if any. */
  public void assertNoViolations() {
    if (!violations.isEmpty()) {
      throw new AssertionError("off-contract traffic:\n  " + String.join("\n  ", violations));
    }
  }

  /** Forgets the recorded violations and requests. */
  public void reset() {
    violations.clear();
    seen.clear();
    synthesised.clear();
    dropped.clear();
  }

  /** What the double received on paths starting with {@code pathPrefix}. */
  public List<Seen> seen(String pathPrefix) {
    return seen.stream().filter(s -> s.path().startsWith(pathPrefix)).toList();
  }

  /** Every message the double's TTS sockets sent, as sent. */
  public List<String> ttsSent() {
    return List.copyOf(ttsSent);
  }

  /** A TTS socket sent {@code text}. */
  void ttsSent(String text) {
    ttsSent.add(text);
  }

  /** Every text the double's TTS sockets turned into audio, one entry per generation. */
  public List<String> synthesised() {
    return List.copyOf(synthesised);
  }

  /**
   * Unflushed text a {@code close_context} dropped unvoiced (AsyncAPI {@code CloseContext}: "No
   * further audio will be generated for this context [...] If it has already been set to flush
   * it will continue flushing"), one entry per closed context that held some.
   */
  public List<String> dropped() {
    return List.copyOf(dropped);
  }

  void synthesised(String text) {
    synthesised.add(text);
  }

  void dropped(String text) {
    dropped.add(text);
  }

  void violation(String what) {
    violations.add(what);
  }

  void record(Seen s) {
    seen.add(s);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  // ---- dispatch

  private boolean handle(Request rq, Response rs, Callback cb) throws Exception {
    String path = Request.getPathInContext(rq);
    Map<String, List<String>> query = parseQuery(rq.getHttpURI().getQuery());
    String where = rq.getMethod() + " " + path;
    for (String channel : List.of(ElevenLabsSpec.STREAM_INPUT, ElevenLabsSpec.MULTI_STREAM_INPUT,
        ElevenLabsSpec.SCRIBE_PATH)) {
      Map<String, String> params = ElevenLabsSpec.match(channel, path);
      if (params == null) {
        continue;
      }
      record(new Seen("WS-OPEN", path, query, null));
      boolean authed = API_KEY.equals(rq.getHeaders().get("xi-api-key"));
      boolean upgraded = container.upgrade((q, r, c) -> channel.equals(ElevenLabsSpec.SCRIBE_PATH)
          ? new DoubleScribeSocket(this, query, authed)
          : new DoubleTtsSocket(this, channel, params.get("voice_id"), query, authed), rq, rs, cb);
      if (!upgraded) {
        violation(where + ": a WebSocket endpoint requested without an upgrade");
        return json(rs, cb, 400, "{\"detail\":\"WebSocket upgrade required\"}");
      }
      return true;
    }
    if (path.equals(DialogueSpec.STREAM_INPUT) || path.equals(DialogueSpec.MULTI_STREAM_INPUT)) {
      record(new Seen("WS-OPEN", path, query, null));
      boolean authed = API_KEY.equals(rq.getHeaders().get("xi-api-key"));
      if (!container.upgrade((q, r, c) -> new DoubleDialogueSocket(this, path, query, authed),
          rq, rs, cb)) {
        violation(where + ": a WebSocket endpoint requested without an upgrade");
        return json(rs, cb, 400, "{\"detail\":\"WebSocket upgrade required\"}");
      }
      return true;
    }
    byte[] body = Content.Source.asByteBuffer(rq).array();
    String ct = rq.getHeaders().get(HttpHeader.CONTENT_TYPE);
    HttpExchange ex = new HttpExchange(rq.getMethod(), path, query, ct, body,
        rq.getHeaders().get("xi-api-key"));
    DoubleHttp.Answer a = new DoubleHttp(this, ex).answer();
    rs.setStatus(a.status());
    rs.getHeaders().put(HttpHeader.CONTENT_TYPE, a.contentType());
    rs.write(true, ByteBuffer.wrap(a.body()), cb);
    return true;
  }

  /** One HTTP request as the double saw it. */
  record HttpExchange(String method, String path, Map<String, List<String>> query,
      String contentType, byte[] body, String apiKey) {}

  private static boolean json(Response rs, Callback cb, int status, String body) {
    rs.setStatus(status);
    rs.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    rs.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), cb);
    return true;
  }

  static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  /**
   * Checks query parameters against {@code allowed} (name → schema); unknown ones and bad values
   * are violations. Returns the FastAPI-style {@code detail} entries of bad values.
   */
  List<ObjectNode> checkQuery(String where, Map<String, List<String>> query,
      Map<String, JsonNode> allowed, SpecSchema schemas) {
    List<ObjectNode> details = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      JsonNode schema = allowed.get(e.getKey());
      if (schema == null) {
        violation(where + ": unknown query parameter '" + e.getKey() + "'");
        continue;
      }
      for (String v : e.getValue()) {
        for (String bad : schemas.checkQueryValue(schema, v, "query." + e.getKey())) {
          violation(where + ": " + bad);
          details.add(detail("query", e.getKey(), bad));
        }
      }
    }
    return details;
  }

  /** Checks a JSON value against a schema; violations are recorded and returned. */
  List<String> checkJson(String where, SpecSchema schemas, JsonNode schema, JsonNode value) {
    List<String> bad = schemas.check(schema, value, "body");
    for (String b : bad) {
      violation(where + ": " + b);
    }
    return bad;
  }

  /** Checks an answer of the double itself: the double may not invent fields either. */
  void checkOwn(String where, SpecSchema schemas, JsonNode schema, JsonNode value) {
    for (String b : schemas.check(schema, value, "answer")) {
      violation("the double answered off-spec at " + where + ": " + b);
    }
  }

  static ObjectNode detail(String in, String field, String msg) {
    ObjectNode d = JSON.createObjectNode();
    ArrayNode loc = d.putArray("loc");
    loc.add(in);
    for (String part : field.split("\\.")) {
      if (!part.isEmpty() && !part.equals(in)) {
        loc.add(part);
      }
    }
    d.put("msg", msg);
    d.put("type", "value_error");
    return d;
  }

  /** The model ids of batch speech to text, as the OpenAPI document's model_id text names them. */
  Set<String> batchSttModels() {
    String text = spec.httpSchema("Body_Speech_to_Text_v1_speech_to_text_post")
        .path("properties").path("model_id").path("description").asText();
    Set<String> out = new java.util.LinkedHashSet<>();
    Matcher m = Pattern.compile("'(scribe_[a-z0-9_]+)'").matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The realtime model ids, as the official JS SDK documents them. */
  Set<String> realtimeModels() {
    Set<String> out = new java.util.LinkedHashSet<>();
    Matcher m = Pattern.compile("(scribe_[a-z0-9_]*realtime)")
        .matcher(ElevenLabsSpec.read("elevenlabs-js/scribe.js"));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** A new single-use token of the double. */
  String mint() {
    String t = "sut_" + UUID.randomUUID().toString().replace("-", "");
    tokens.add(t);
    return t;
  }

  /** Waits until {@code condition} holds or {@code seconds} pass (then the caller's asserts tell). */
  public static void await(java.util.function.BooleanSupplier condition, long seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  static String text(JsonNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
