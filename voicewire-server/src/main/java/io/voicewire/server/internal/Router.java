package io.voicewire.server.internal;

import io.voicewire.protocol.HttpError;
import io.voicewire.protocol.Query;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Jetty handler: matches WebSocket routes (upgraded in place), HTTP routes (each run on
 * its own virtual thread, so handlers may block) and, last, static files. Checks the browser
 * {@code Origin} of every request and answers CORS preflights.
 *
 * <p>Routes are added before the server starts and not changed after; thread safe then.
 */
final class Router extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger("io.voicewire.server.http");

  /** A handler of one HTTP route; may block and may throw. */
  @FunctionalInterface
  interface HttpHandler {
    void handle(Exchange ex) throws Exception;
  }

  /** Creates the socket listener of one WebSocket upgrade. */
  @FunctionalInterface
  interface WsFactory {
    Object create(ServerUpgradeRequest request, Map<String, String> pathParams, Query query);
  }

  private record Route(String method, PathTemplate path, HttpHandler handler) {}

  private record WsRoute(PathTemplate path, WsFactory factory) {}

  private final Services s;
  private final ExecutorService executor;
  private final List<Route> routes = new ArrayList<>();
  private final List<WsRoute> wsRoutes = new ArrayList<>();
  private StaticFiles statics;
  private ServerWebSocketContainer container;

  Router(Services s, ExecutorService executor) {
    super(InvocationType.BLOCKING);
    this.s = s;
    this.executor = executor;
  }

  void container(ServerWebSocketContainer c) {
    this.container = c;
  }

  Router get(String path, HttpHandler h) {
    routes.add(new Route("GET", new PathTemplate(path), h));
    return this;
  }

  Router post(String path, HttpHandler h) {
    routes.add(new Route("POST", new PathTemplate(path), h));
    return this;
  }

  Router ws(String path, WsFactory f) {
    wsRoutes.add(new WsRoute(new PathTemplate(path), f));
    return this;
  }

  Router statics(StaticFiles files) {
    this.statics = files;
    return this;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    String host = request.getHeaders().get(HttpHeader.HOST);
    if (s.devMode() && host != null && !OriginPolicy.isLoopbackHost(host)) {
      return reject(response, callback, 403, "host_not_allowed", "In local-development mode "
          + "this server answers only loopback Host names (localhost, 127.0.0.1, [::1])");
    }
    boolean originOk = s.origins.allows(origin, request.getHeaders().get(HttpHeader.HOST),
        request.isSecure());

    for (WsRoute r : wsRoutes) {
      Map<String, String> params = r.path.match(path);
      if (params == null) {
        continue;
      }
      if (!originOk) {
        return reject(response, callback, 403, "origin_not_allowed",
            "Origin " + origin + " may not open WebSockets on this server");
      }
      if (s.drain.draining()) {
        // retryable: the load balancer (readiness 503) sends the retry to another replica
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        return reject(response, callback, 503, "draining",
            "This server is restarting and takes no new sessions: connect again");
      }
      Query query = Query.parse(request.getHttpURI().getQuery());
      boolean upgraded = container.upgrade((rq, rs, cb) -> {
        Object socket = r.factory.create(rq, params, query);
        String[] header = socket instanceof SocketSession ss ? ss.upgradeHeader() : null;
        if (header != null) {
          rs.getHeaders().put(header[0], header[1]);
        }
        return socket;
      }, request, response, callback);
      if (upgraded) {
        return true;
      }
      return reject(response, callback, 426, "upgrade_required",
          "This endpoint is a WebSocket: connect with ws:// or wss://");
    }

    if (origin != null && !originOk) {
      return reject(response, callback, 403, "origin_not_allowed",
          "Origin " + origin + " is not allowed on this server");
    }
    if (origin != null) {
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      response.getHeaders().add(HttpHeader.VARY, "Origin");
    }
    if ("OPTIONS".equals(method) && origin != null) {
      response.setStatus(204);
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
      String req = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS,
          req != null ? req : "xi-api-key, authorization, content-type");
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
      callback.succeeded();
      return true;
    }

    boolean pathMatched = false;
    for (Route r : routes) {
      Map<String, String> params = r.path.match(path);
      if (params == null) {
        continue;
      }
      pathMatched = true;
      if (!r.method.equals(method)) {
        continue;
      }
      dispatch(new Exchange(request, response, s, params), r.handler, callback);
      return true;
    }
    if (pathMatched) {
      response.getHeaders().put(HttpHeader.ALLOW, allowed(path));
      return reject(response, callback, 405, "method_not_allowed",
          "Method " + method + " is not allowed on " + path);
    }
    if (statics != null && ("GET".equals(method) || "HEAD".equals(method))
        && !path.startsWith("/v1/")) {
      Exchange ex = new Exchange(request, response, s, Map.of());
      dispatch(ex, statics::serve, callback);
      return true;
    }
    return reject(response, callback, 404, "not_found", "No route for " + method + " " + path);
  }

  private String allowed(String path) {
    List<String> methods = new ArrayList<>();
    for (Route r : routes) {
      if (r.path.match(path) != null && !methods.contains(r.method)) {
        methods.add(r.method);
      }
    }
    return String.join(", ", methods);
  }

  private void dispatch(Exchange ex, HttpHandler h, Callback callback) {
    try {
      executor.execute(() -> run(ex, h, callback));
    } catch (RejectedExecutionException e) {
      reject(ex.response, callback, 503, "shutting_down", "The server is shutting down");
    }
  }

  private void run(Exchange ex, HttpHandler h, Callback callback) {
    try {
      h.handle(ex);
      s.metrics.httpResponse(ex.response.getStatus());
      callback.succeeded();
    } catch (HttpProblem p) {
      s.metrics.httpResponse(p.error.httpStatus());
      if (ex.response.isCommitted()) {
        callback.failed(p);
        return;
      }
      try {
        ex.error(p.error);
        callback.succeeded();
      } catch (IOException io) {
        callback.failed(io);
      }
    } catch (Throwable t) {
      if (t instanceof org.eclipse.jetty.http.HttpException bad && bad.getCode() >= 400
          && bad.getCode() < 500 && !ex.response.isCommitted()) {
        // a request Jetty found malformed while the handler read it: the client's fault
        badRequest(ex, bad.getCode(), callback);
        return;
      }
      s.metrics.httpResponse(500);
      if (t instanceof IOException) {
        LOG.debug("{} {} failed: {}", ex.request.getMethod(), ex.request.getHttpURI().getPath(),
            t.toString());
      } else {
        LOG.warn("{} {} failed: {}", ex.request.getMethod(), ex.request.getHttpURI().getPath(),
            Redact.exception(t));
        LOG.debug("request failure", t);
      }
      if (ex.response.isCommitted()) {
        callback.failed(t);
        return;
      }
      try {
        ex.error(new HttpError(500, "server_error", "internal_error",
            "Internal server error", null, null));
        callback.succeeded();
      } catch (IOException io) {
        callback.failed(io);
      }
    }
  }

  private void badRequest(Exchange ex, int status, Callback callback) {
    s.metrics.httpResponse(status);
    try {
      ex.response.getHeaders().put(HttpHeader.CONNECTION, "close");
      ex.error(new HttpError(status, "validation_error", "invalid_request",
          "The request is malformed", null, null));
      callback.succeeded();
    } catch (IOException io) {
      callback.failed(io);
    }
  }

  private boolean reject(Response response, Callback callback, int status, String code,
      String message) {
    s.metrics.httpResponse(status);
    Exchange.closeIfBodyDeclared(response.getRequest(), response); // refused before its body
    HttpError e = new HttpError(status, status == 404 ? "not_found" : "invalid_request", code,
        message, null, null);
    byte[] body = e.encode().getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, java.nio.ByteBuffer.wrap(body), callback);
    return true;
  }
}
