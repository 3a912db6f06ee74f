package io.strata.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows token guessing: a client address that presents {@link #MAX_FAILURES} invalid tokens within
 * one {@link #WINDOW_MILLIS} window is answered 429 with {@code Retry-After} until that window
 * ends, whatever token it sends, so a guess is never even checked. Tokens are 256 random bits, so
 * this is about keeping logs and CPU quiet rather than about the odds; it also limits what one
 * leaked prefix or a mistyped script can cost.
 *
 * <p>Fixed windows per client, started by the first failure; a client is an IPv4 address or an IPv6
 * /64 (one host commonly holds a whole /64, so counting single IPv6 addresses would let it spread
 * its guesses). Memory is bounded: at most {@link #MAX_TRACKED} clients are tracked; when the table
 * is full of live windows, a new client's failures are counted but not tracked, so a flood of
 * addresses can never lock out an operator who has not failed. Each lock-out is logged once and
 * counted in {@code strata.control.auth.lockouts}; every invalid token in {@code
 * strata.control.auth.failures}.
 */
final class AuthThrottle {
  private static final System.Logger LOG = System.getLogger(AuthThrottle.class.getName());

  static final int MAX_FAILURES = 10;
  static final long WINDOW_MILLIS = 60_000;
  static final int MAX_TRACKED = 10_000;

  /** Failures of one address in its current window. */
  private static final class Window {
    final long startedAt;
    int failures;
    boolean logged;

    Window(long startedAt) {
      this.startedAt = startedAt;
    }
  }

  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final Counter failures;
  private final Counter lockouts;
  private final Counter refused;

  AuthThrottle(Clock clock, MeterRegistry registry) {
    this.clock = clock;
    this.failures =
        Counter.builder("strata.control.auth.failures")
            .description("Admin API calls with an invalid bearer token")
            .register(registry);
    this.lockouts =
        Counter.builder("strata.control.auth.lockouts")
            .description("Client addresses locked out for too many invalid tokens (once a window)")
            .register(registry);
    this.refused =
        Counter.builder("strata.control.auth.throttled")
            .description("Admin API calls refused with 429 while their address was locked out")
            .register(registry);
  }

  /** Seconds until {@code client} may try again, or 0 when it may try now. Counts the refusal. */
  long retryAfterSeconds(String address) {
    String client = clientOf(address);
    long now = clock.millis();
    Window w = windows.get(client);
    if (w == null) {
      return 0;
    }
    long end = w.startedAt + WINDOW_MILLIS;
    if (now >= end) {
      windows.remove(client, w);
      return 0;
    }
    if (w.failures < MAX_FAILURES) {
      return 0;
    }
    refused.increment();
    return Math.max(1, (end - now + 999) / 1000);
  }

  /** Records an invalid token from {@code client}. */
  void failed(String address) {
    failures.increment();
    String client = clientOf(address);
    long now = clock.millis();
    if (!windows.containsKey(client) && windows.size() >= MAX_TRACKED && !sweep(now)) {
      return;
    }
    Window w =
        windows.compute(
            client,
            (k, old) ->
                old == null || now >= old.startedAt + WINDOW_MILLIS ? new Window(now) : old);
    synchronized (w) {
      w.failures++;
      if (w.failures >= MAX_FAILURES && !w.logged) {
        w.logged = true;
        lockouts.increment();
        LOG.log(
            System.Logger.Level.WARNING,
            "admin API: {0} invalid tokens from {1} within {2} s; refusing it until the window"
                + " ends",
            w.failures,
            client,
            WINDOW_MILLIS / 1000);
      }
    }
  }

  /** The address itself for IPv4; its /64 for IPv6 ({@code 2001:db8:1:2::/64}). */
  static String clientOf(String address) {
    if (address == null || address.indexOf(':') < 0) {
      return address == null ? "unknown" : address;
    }
    byte[] bytes = io.strata.core.net.Cidr.literal(address);
    if (bytes == null || bytes.length != 16) {
      return address;
    }
    StringBuilder prefix = new StringBuilder(24);
    for (int i = 0; i < 8; i += 2) {
      prefix
          .append(Integer.toHexString((bytes[i] & 0xff) << 8 | (bytes[i + 1] & 0xff)))
          .append(':');
    }
    return prefix.append(":/64").toString();
  }

  /** Drops expired windows; true when there is room afterwards. */
  private boolean sweep(long now) {
    for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
      if (now >= it.next().startedAt + WINDOW_MILLIS) {
        it.remove();
      }
    }
    return windows.size() < MAX_TRACKED;
  }
}
