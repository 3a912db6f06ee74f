package io.strata.functions.model;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * The functions, their published versions and aliases, in memory. {@code $LATEST} is mutable
 * (configuration and code updates give it a new revision); published versions are immutable
 * snapshots numbered from 1.
 */
public final class FunctionRegistry {
  /** Replaced whole by {@link #replaceAll}, so a reader sees one state or the other. */
  private volatile ConcurrentHashMap<String, Entry> functions = new ConcurrentHashMap<>();

  private final DoubleSupplier random;

  public FunctionRegistry(DoubleSupplier random) {
    this.random = random;
  }

  private static final class Entry {
    FunctionVersion latest;
    final TreeMap<Integer, FunctionVersion> versions = new TreeMap<>();
    final Map<String, Alias> aliases = new LinkedHashMap<>();
  }

  public FunctionVersion create(FunctionConfig config, String sha256, long size, Path codeDir) {
    Entry e = new Entry();
    e.latest = revision(config, "$LATEST", sha256, size, codeDir);
    if (functions.putIfAbsent(config.name(), e) != null) {
      throw LambdaException.conflict("Function already exist: " + config.name());
    }
    return e.latest;
  }

  /**
   * One function as the control plane holds it: {@code $LATEST}, its published versions (with their
   * own numbers) and its aliases.
   */
  public record State(
      FunctionVersion latest, List<FunctionVersion> versions, List<Alias> aliases) {}

  /**
   * Replaces every function at once with {@code states} (the control plane's snapshot).
   *
   * @return the names whose {@code $LATEST} revision changed or that are gone, whose environments
   *     should be retired
   */
  public java.util.Set<String> replaceAll(List<State> states) {
    ConcurrentHashMap<String, Entry> next = new ConcurrentHashMap<>();
    for (State s : states) {
      Entry e = new Entry();
      e.latest = s.latest();
      for (FunctionVersion v : s.versions()) {
        e.versions.put(Integer.parseInt(v.version()), v);
      }
      for (Alias a : s.aliases()) {
        e.aliases.put(a.name(), a);
      }
      next.put(s.latest().name(), e);
    }
    java.util.Set<String> changed = new java.util.TreeSet<>();
    for (var old : functions.entrySet()) {
      Entry now = next.get(old.getKey());
      if (now == null || !now.latest.revisionId().equals(old.getValue().latest.revisionId())) {
        changed.add(old.getKey());
      }
    }
    functions = next;
    return changed;
  }

  public void delete(String name) {
    if (functions.remove(name) == null) {
      throw notFound(name);
    }
  }

  public FunctionVersion updateCode(String name, String sha256, long size, Path codeDir) {
    Entry e = entry(name);
    synchronized (e) {
      e.latest = revision(e.latest.config(), "$LATEST", sha256, size, codeDir);
      return e.latest;
    }
  }

  public FunctionVersion updateConfig(String name, FunctionConfig config) {
    Entry e = entry(name);
    synchronized (e) {
      FunctionVersion l = e.latest;
      e.latest = revision(config, "$LATEST", l.codeSha256(), l.codeSize(), l.codeDir());
      return e.latest;
    }
  }

  /** Publishes {@code $LATEST} as the next version (or returns the last one if unchanged). */
  public FunctionVersion publish(String name, String description) {
    Entry e = entry(name);
    synchronized (e) {
      FunctionVersion l = e.latest;
      if (!e.versions.isEmpty()) {
        FunctionVersion last = e.versions.lastEntry().getValue();
        if (last.codeSha256().equals(l.codeSha256()) && last.config().equals(l.config())) {
          return last;
        }
      }
      int n = e.versions.isEmpty() ? 1 : e.versions.lastKey() + 1;
      FunctionVersion v =
          new FunctionVersion(
              l.config(),
              Integer.toString(n),
              UUID.randomUUID().toString(),
              l.codeSha256(),
              l.codeSize(),
              l.codeDir(),
              Instant.now().toString());
      e.versions.put(n, v);
      return v;
    }
  }

  public Alias putAlias(String name, Alias alias, boolean create) {
    Entry e = entry(name);
    synchronized (e) {
      version(e, name, alias.functionVersion());
      if (alias.additionalVersion() != null) {
        version(e, name, alias.additionalVersion());
      }
      if (create && e.aliases.containsKey(alias.name())) {
        throw LambdaException.conflict("Alias already exists: " + alias.name());
      }
      if (!create && !e.aliases.containsKey(alias.name())) {
        throw LambdaException.notFound("Alias not found: " + alias.name());
      }
      e.aliases.put(alias.name(), alias);
      return alias;
    }
  }

  public Alias alias(String name, String alias) {
    Entry e = entry(name);
    synchronized (e) {
      Alias a = e.aliases.get(alias);
      if (a == null) {
        throw LambdaException.notFound("Alias not found: " + alias);
      }
      return a;
    }
  }

  public FunctionVersion latest(String name) {
    Entry e = entry(name);
    synchronized (e) {
      return e.latest;
    }
  }

  public List<FunctionVersion> list() {
    List<FunctionVersion> out = new ArrayList<>();
    for (Entry e : functions.values()) {
      synchronized (e) {
        out.add(e.latest);
      }
    }
    return out;
  }

  /**
   * The version an invocation runs: {@code qualifier} is null/{@code $LATEST}, a version number or
   * an alias (weighted aliases pick one of their two versions).
   */
  public FunctionVersion resolve(String name, String qualifier) {
    Entry e = entry(name);
    synchronized (e) {
      if (qualifier == null || qualifier.isEmpty() || qualifier.equals("$LATEST")) {
        return e.latest;
      }
      if (qualifier.chars().allMatch(Character::isDigit)) {
        return version(e, name, qualifier);
      }
      Alias a = e.aliases.get(qualifier);
      if (a == null) {
        throw LambdaException.notFound(
            "Function not found: " + name + ":" + qualifier + " (no such version or alias)");
      }
      return version(e, name, a.pick(random.getAsDouble()));
    }
  }

  private static FunctionVersion version(Entry e, String name, String v) {
    if (v.equals("$LATEST")) {
      return e.latest;
    }
    FunctionVersion fv = null;
    try {
      fv = e.versions.get(Integer.parseInt(v));
    } catch (NumberFormatException ex) {
      // not a number: not found below
    }
    if (fv == null) {
      throw LambdaException.notFound("Function not found: " + name + ":" + v);
    }
    return fv;
  }

  private Entry entry(String name) {
    Entry e = functions.get(name);
    if (e == null) {
      throw notFound(name);
    }
    return e;
  }

  private static LambdaException notFound(String name) {
    return LambdaException.notFound("Function not found: " + name);
  }

  private static FunctionVersion revision(
      FunctionConfig config, String version, String sha, long size, Path dir) {
    return new FunctionVersion(
        config, version, UUID.randomUUID().toString(), sha, size, dir, Instant.now().toString());
  }
}
