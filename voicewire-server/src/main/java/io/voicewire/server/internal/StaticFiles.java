package io.voicewire.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Serves files from a classpath folder at {@code /}: {@code /} is {@code index.html}, other paths
 * map one to one. No directory listings, no path traversal (any {@code ..}, {@code .}, empty or
 * backslash segment, or encoded separator is a 404), and content types from a fixed table
 * ({@code .js} and {@code .mjs} are {@code text/javascript}, as module scripts require).
 *
 * <p>Stateless and thread safe.
 */
final class StaticFiles {
  /** Largest file served. */
  static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("md", "text/markdown; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("webp", "image/webp"),
      Map.entry("wav", "audio/wav"),
      Map.entry("mp3", "audio/mpeg"),
      Map.entry("ogg", "audio/ogg"),
      Map.entry("wasm", "application/wasm"),
      Map.entry("woff2", "font/woff2"));

  private final String folder;
  private final ClassLoader loader;

  StaticFiles(String folder, ClassLoader loader) {
    this.folder = folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
    this.loader = loader;
  }

  void serve(Exchange ex) throws IOException, HttpProblem {
    String path = ex.request.getHttpURI().getDecodedPath();
    String raw = ex.request.getHttpURI().getPath();
    String resource = resolve(path, raw);
    URL url = resource == null ? null : loader.getResource(resource);
    if (url == null || isDirectory(url, resource)) {
      throw HttpProblem.notFound("not_found", "No file at " + raw);
    }
    byte[] body;
    try (InputStream in = url.openStream()) {
      body = in.readNBytes(MAX_FILE_BYTES + 1);
    }
    if (body.length > MAX_FILE_BYTES) {
      throw HttpProblem.notFound("not_found", "No file at " + raw);
    }
    ex.response.setStatus(200);
    ex.response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType(resource));
    ex.response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    ex.response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    ex.response.getHeaders().put("X-Content-Type-Options", "nosniff");
    boolean head = "HEAD".equals(ex.request.getMethod());
    ex.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body));
  }

  /** The classpath resource for a request path, or null when the path is not acceptable. */
  String resolve(String decodedPath, String rawPath) {
    if (decodedPath == null || rawPath == null) {
      return null;
    }
    String lowerRaw = rawPath.toLowerCase(Locale.ROOT);
    if (lowerRaw.contains("%2f") || lowerRaw.contains("%5c") || lowerRaw.contains("%2e")
        || lowerRaw.contains("%00") || decodedPath.indexOf('\\') >= 0
        || decodedPath.indexOf('\0') >= 0) {
      return null;
    }
    String p = decodedPath.equals("/") ? "/index.html" : decodedPath;
    if (!p.startsWith("/") || p.endsWith("/")) {
      return null;
    }
    for (String seg : p.substring(1).split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        return null;
      }
    }
    return folder + p;
  }

  private boolean isDirectory(URL url, String resource) {
    if ("file".equals(url.getProtocol())) {
      try {
        return java.nio.file.Files.isDirectory(java.nio.file.Path.of(url.toURI()));
      } catch (Exception e) {
        return true;
      }
    }
    // in a jar a directory entry resolves as "name/"
    return loader.getResource(resource + "/") != null;
  }

  static String contentType(String resource) {
    int dot = resource.lastIndexOf('.');
    String ext = dot < 0 ? "" : resource.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }
}
