package io.strata.core.upstream;

import io.strata.core.config.HealthCheck;

/**
 * What a node knows about one upstream host's health: the verdict of active checks (thresholds of
 * consecutive results) and passive outlier detection (consecutive failed requests eject the host
 * for a back-off period that doubles with each ejection in a row, capped at 10 times the base). A
 * host is {@link #available} when it is neither ejected nor failed by active checks. Thread-safe;
 * times come from the caller.
 */
public final class HostHealth {
  private static final int MAX_EJECTION_FACTOR = 10;

  private final String name;
  private volatile HealthCheck settings;
  private boolean activeHealthy = true;
  private int checkSuccesses;
  private int checkFailures;
  private int consecutiveFailures;
  private int ejectionsInARow;
  private long ejectedUntil;
  private volatile long lastUsedMillis;

  HostHealth(String name, HealthCheck settings, long now) {
    this.name = name;
    this.settings = settings;
    this.lastUsedMillis = now;
  }

  /** The host this is about (a URL). */
  public String name() {
    return name;
  }

  HealthCheck settings() {
    return settings;
  }

  void settings(HealthCheck next) {
    settings = next;
  }

  /** Whether requests should go to this host now. */
  public synchronized boolean available(long now) {
    return activeHealthy && now >= ejectedUntil;
  }

  /** Whether the last active checks passed (true without active checks). */
  public synchronized boolean activeHealthy() {
    return activeHealthy;
  }

  /** Whether passive outlier detection has taken the host out at {@code now}. */
  public synchronized boolean ejected(long now) {
    return now < ejectedUntil;
  }

  /** A request got a good answer: the failure streak ends. */
  public synchronized void requestSucceeded() {
    consecutiveFailures = 0;
    ejectionsInARow = 0;
  }

  /**
   * A request failed (no answer, or a server error).
   *
   * @return true when this failure ejected the host
   */
  public synchronized boolean requestFailed(long now) {
    if (now < ejectedUntil) {
      return false;
    }
    if (++consecutiveFailures < settings.consecutiveFailures()) {
      return false;
    }
    consecutiveFailures = 0;
    ejectionsInARow = Math.min(ejectionsInARow + 1, MAX_EJECTION_FACTOR);
    ejectedUntil = now + (long) settings.ejectionMs() * ejectionsInARow;
    return true;
  }

  /**
   * Records an active check's result.
   *
   * @return true when the verdict changed
   */
  public synchronized boolean checked(boolean ok) {
    if (ok) {
      checkFailures = 0;
      if (!activeHealthy && ++checkSuccesses >= settings.healthyThreshold()) {
        activeHealthy = true;
        checkSuccesses = 0;
        // Back in service: the host starts with a clean record.
        ejectedUntil = 0;
        consecutiveFailures = 0;
        return true;
      }
    } else {
      checkSuccesses = 0;
      if (activeHealthy && ++checkFailures >= settings.unhealthyThreshold()) {
        activeHealthy = false;
        checkFailures = 0;
        return true;
      }
    }
    return false;
  }

  void used(long now) {
    lastUsedMillis = now;
  }

  long lastUsedMillis() {
    return lastUsedMillis;
  }
}
