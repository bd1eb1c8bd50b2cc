package io.voicewire.client;

import io.voicewire.server.Limits;
import io.voicewire.server.ServerConfig;
import io.voicewire.server.VoicewireServer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One replica in its own JVM for {@link ScaleOutTest}: a voicewire server over the auditable
 * {@link CodedSpeechProvider}, sharing tokens and limits in Redis, draining on SIGTERM as
 * {@code voicewire serve} does.
 *
 * <p>Arguments: {@code port redisUrl drainSeconds leaseSeconds maxSessionsPerKey}; API keys from
 * {@value ServerConfig#API_KEYS_ENV}. Prints {@code READY <port>} once listening.
 */
public final class ReplicaMain {
  private ReplicaMain() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String redis = args[1];
    int drainSeconds = Integer.parseInt(args[2]);
    int leaseSeconds = Integer.parseInt(args[3]);
    int maxPerKey = Integer.parseInt(args[4]);
    CodedSpeechProvider provider = new CodedSpeechProvider(12, 20);
    VoicewireServer server = VoicewireServer.create(c -> c.provider(provider)
        .apiKeys(ServerConfig.apiKeysFromEnvironment()).redis(redis)
        .leaseTtl(Duration.ofSeconds(leaseSeconds))
        .limits(Limits.DEFAULTS.toBuilder().maxSessionsPerKey(maxPerKey).build()));
    server.start(port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.drain(Duration.ofSeconds(drainSeconds));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      provider.close();
      stopped.countDown();
    }, "replica-shutdown"));
    System.out.println("READY " + port);
    System.out.flush();
    stopped.await(1, TimeUnit.DAYS);
  }
}
