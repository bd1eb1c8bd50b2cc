package io.voicewire.client.internal;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SDK's loggers. The SDK depends on the SLF4J API only and ships no binding, like any
 * library; when the application has no SLF4J provider either, the SDK's loggers are no-ops and
 * SLF4J is not asked for one, so the application does not get SLF4J's "No SLF4J providers were
 * found" warnings on its console because of the SDK. Add a provider (slf4j-simple, Logback,
 * log4j-slf4j2-impl...) to turn the SDK's logs on. Stateless and thread safe.
 */
public final class Logs {
  private static final boolean HAS_PROVIDER = hasProvider();

  private Logs() {}

  /** The logger for {@code type}: SLF4J's when a provider is present, else a no-op. */
  public static Logger get(Class<?> type) {
    return HAS_PROVIDER ? LoggerFactory.getLogger(type) : NOPLogger.NOP_LOGGER;
  }

  /** Whether SLF4J would find a provider (the way it looks for one: its own class loader). */
  static boolean hasProvider() {
    if (System.getProperty("slf4j.provider") != null) {
      return true; // named explicitly: let SLF4J load it (and report a mistake)
    }
    try {
      return ServiceLoader.load(SLF4JServiceProvider.class, LoggerFactory.class.getClassLoader())
          .findFirst().isPresent();
    } catch (ServiceConfigurationError e) {
      return true; // a broken provider: let SLF4J report it
    }
  }
}
