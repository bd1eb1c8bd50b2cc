package io.voicewire.client.internal.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS front for a plain TCP port on loopback, as a TLS-terminating load balancer is: the JDK's
 * TLS, a self-signed certificate for {@code 127.0.0.1} made by the JDK's {@code keytool}, two
 * copying threads per connection. {@link #trust()} is a client context that trusts it.
 */
final class TlsFront implements AutoCloseable {
  /** Longest wait for keytool. */
  static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  private static final char[] PASSWORD = "front-test-only".toCharArray();

  private final SSLServerSocket listener;
  private final SSLContext trust;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  private TlsFront(SSLServerSocket listener, SSLContext trust) {
    this.listener = listener;
    this.trust = trust;
  }

  /** Listens on an ephemeral loopback port and forwards each connection to {@code plainPort}. */
  static TlsFront start(Path dir, int plainPort) throws Exception {
    Path store = dir.resolve("front.p12");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "front", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass",
        new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("keytool failed: " + out);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(
        KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    Certificate cert = keys.getCertificate("front");
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("front", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    SSLServerSocket l = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0,
        50, InetAddress.getLoopbackAddress());
    TlsFront f = new TlsFront(l, client);
    Thread.ofPlatform().daemon().name("tls-front-accept").start(() -> f.accept(plainPort));
    return f;
  }

  /** The TLS port. */
  int port() {
    return listener.getLocalPort();
  }

  /** A client context that trusts this front's certificate (and nothing else). */
  SSLContext trust() {
    return trust;
  }

  private void accept(int plainPort) {
    while (!listener.isClosed()) {
      try {
        Socket tls = listener.accept();
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), plainPort), 5_000);
        tls.setTcpNoDelay(true);
        plain.setTcpNoDelay(true);
        open.add(tls);
        open.add(plain);
        pump(tls, plain);
        pump(plain, tls);
      } catch (IOException e) {
        // closed, or one connection failed: the next accept decides
      }
    }
  }

  /** Copies {@code from} to {@code to} until either ends, then closes both. */
  private void pump(Socket from, Socket to) {
    Thread.ofPlatform().daemon().name("tls-front-pump").start(() -> {
      byte[] b = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(b)) >= 0; ) {
          out.write(b, 0, n);
          out.flush();
        }
      } catch (IOException ended) {
        // one side is gone
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    });
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // gone already
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
  }
}
