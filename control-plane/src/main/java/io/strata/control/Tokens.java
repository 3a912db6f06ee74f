package io.strata.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Bearer API tokens. Only a salted SHA-256 of each token is stored; tokens are 256 random bits, so
 * a fast hash suffices (there is nothing to brute-force). The stored hashes are cached in memory so
 * authentication needs no database round trip; changes go through this class, which keeps the cache
 * current.
 */
final class Tokens {
  /** What a token may do. */
  enum Role {
    /** Everything. */
    ADMIN("admin"),
    /** Reads only. */
    READ_ONLY("read-only"),
    /** What an edge or regional node needs: register, heartbeat, follow the config stream. */
    NODE("node");

    final String wire;

    Role(String wire) {
      this.wire = wire;
    }

    static Role parse(String s) {
      for (Role r : values()) {
        if (r.wire.equals(s)) {
          return r;
        }
      }
      return null;
    }
  }

  /** A stored token, without its secret. */
  record TokenInfo(
      String id, Role role, String description, long createdAt, byte[] salt, byte[] hash) {}

  /** A token just created: its secret is shown once and never again. */
  record Issued(String id, Role role, String secret) {}

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Replaced whole on every load, so a concurrent check never sees a half-loaded list. */
  private volatile List<TokenInfo> cache = List.of();

  private final List<TokenInfo> ephemeral = new CopyOnWriteArrayList<>();

  /** Loads the stored tokens; call once at start, from a worker. */
  void load(Connection c) throws SQLException {
    List<TokenInfo> loaded = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement(
                "SELECT id, role, description, created_at, salt, hash FROM strata_tokens");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        loaded.add(
            new TokenInfo(
                rs.getString(1),
                Role.parse(rs.getString(2)),
                rs.getString(3),
                rs.getLong(4),
                HexFormat.of().parseHex(rs.getString(5)),
                HexFormat.of().parseHex(rs.getString(6))));
      }
    }
    cache = List.copyOf(loaded);
  }

  /** The token matching {@code secret}, or null. Constant-time per stored token. */
  TokenInfo authenticate(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    for (TokenInfo t : cache) {
      if (MessageDigest.isEqual(hash(t.salt(), bytes), t.hash())) {
        return t;
      }
    }
    for (TokenInfo t : ephemeral) {
      if (MessageDigest.isEqual(hash(t.salt(), bytes), t.hash())) {
        return t;
      }
    }
    return null;
  }

  /**
   * Creates a token that lives only in this process's memory (never stored), for nodes started in
   * the same JVM as the control plane.
   */
  String createEphemeral(Role role, String id) {
    String secret = "strata_" + randomUrlSafe(32);
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    ephemeral.add(
        new TokenInfo(
            id,
            role,
            "in-process, not stored",
            System.currentTimeMillis(),
            salt,
            hash(salt, secret.getBytes(StandardCharsets.UTF_8))));
    return secret;
  }

  List<TokenInfo> list() {
    return List.copyOf(cache);
  }

  boolean isEmpty() {
    return cache.isEmpty();
  }

  /**
   * Stores a token. {@code secret} null generates one. The caller commits; the in-memory copy is
   * updated by {@link #load} after the commit.
   */
  Issued create(Connection c, Role role, String description, String secret, long now)
      throws SQLException {
    String id = "T" + randomBase32(12);
    String value = secret != null ? secret : "strata_" + randomUrlSafe(32);
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO strata_tokens (id, role, salt, hash, description, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      s.setString(1, id);
      s.setString(2, role.wire);
      s.setString(3, HexFormat.of().formatHex(salt));
      s.setString(4, HexFormat.of().formatHex(hash(salt, value.getBytes(StandardCharsets.UTF_8))));
      s.setString(5, description);
      s.setLong(6, now);
      s.executeUpdate();
    }
    return new Issued(id, role, value);
  }

  boolean delete(Connection c, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM strata_tokens WHERE id = ?")) {
      s.setString(1, id);
      return s.executeUpdate() == 1;
    }
  }

  private static byte[] hash(byte[] salt, byte[] secret) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(salt);
      return d.digest(secret);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  static String randomUrlSafe(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String randomBase32(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
