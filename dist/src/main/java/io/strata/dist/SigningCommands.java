package io.strata.dist;

import io.strata.core.signing.HashAlgorithm;
import io.strata.core.signing.PemKeys;
import io.strata.core.signing.Policies;
import io.strata.core.signing.PolicySigner;
import io.strata.core.time.Clock;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The operator commands for private content: {@code keygen}, {@code sign-url} and {@code
 * sign-cookies}. They use the same policy and signing code as the edge's verifier, so what they
 * print is exactly what the edge accepts (and what CloudFront would accept).
 */
final class SigningCommands {
  static final Set<String> COMMANDS = Set.of("keygen", "sign-url", "sign-cookies");
  static final String USAGE =
      String.join(
          "\n",
          "  keygen        an RSA 2048 or EC P-256 key pair:  [--type rsa|ec] [--out PREFIX]",
          "  sign-url      a CloudFront signed URL:  --url URL --key-file PEM --key-pair-id ID",
          "                (--expires EPOCH | --expires-in SECONDS) [--resource PATTERN]"
              + " [--ip CIDR] [--start EPOCH]",
          "                [--policy canned|custom] [--hash-algorithm SHA1|SHA256]",
          "  sign-cookies  CloudFront signed cookies: the flags of sign-url plus [--path /]"
              + " [--domain D] [--format set-cookie|cookie]");

  private static final Set<String> SIGN_FLAGS =
      Set.of(
          "url",
          "key-file",
          "key-pair-id",
          "expires",
          "expires-in",
          "resource",
          "ip",
          "start",
          "policy",
          "hash-algorithm");

  private SigningCommands() {}

  /**
   * Runs one command, printing its result to {@code out}.
   *
   * @throws Flags.UsageException for a mistake in the command line or an unreadable key file
   */
  static void run(List<String> args, Map<String, String> env, Clock clock, PrintStream out) {
    List<String> rest = args.subList(1, args.size());
    switch (args.get(0)) {
      case "keygen" -> keygen(Flags.parse(rest, Set.of("type", "out"), env), out);
      case "sign-url" -> signUrl(Flags.parse(rest, SIGN_FLAGS, env), clock, out);
      case "sign-cookies" -> {
        Set<String> known = new java.util.HashSet<>(SIGN_FLAGS);
        known.addAll(Set.of("path", "domain", "format"));
        signCookies(Flags.parse(rest, known, env), clock, out);
      }
      default -> throw new Flags.UsageException("unknown command '" + args.get(0) + "'");
    }
  }

  private static void keygen(Flags flags, PrintStream out) {
    String type = flags.get("type", "rsa").toLowerCase(Locale.ROOT);
    if (!type.equals("rsa") && !type.equals("ec")) {
      throw new Flags.UsageException("--type: '" + type + "' (expected: rsa or ec)");
    }
    KeyPair keys = PemKeys.generate(type.equals("rsa") ? PemKeys.KeyType.RSA : PemKeys.KeyType.EC);
    String privatePem = PemKeys.toPem(keys.getPrivate());
    String publicPem = PemKeys.toPem(keys.getPublic());
    String prefix = flags.get("out", null);
    if (prefix == null) {
      out.print(privatePem);
      out.print(publicPem);
      return;
    }
    Path privateFile = Path.of(prefix + "-private.pem");
    Path publicFile = Path.of(prefix + "-public.pem");
    try {
      Files.writeString(privateFile, privatePem);
      try {
        Files.setPosixFilePermissions(
            privateFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the default permissions stay.
      }
      Files.writeString(publicFile, publicPem);
    } catch (IOException e) {
      throw new Flags.UsageException("--out: cannot write " + prefix + "-*.pem: " + e.getMessage());
    }
    out.println("private key: " + privateFile + " (keep it secret; it signs URLs and cookies)");
    out.println("public key:  " + publicFile + " (put it in publicKeys[].encodedKey)");
  }

  /** What both sign commands need: the policy, its key and algorithm. */
  private record Signing(
      String resource,
      String customPolicy,
      long expires,
      String keyPairId,
      PrivateKey key,
      HashAlgorithm algorithm) {}

  private static Signing signing(Flags flags, Clock clock, boolean cookies) {
    String url = required(flags, "url");
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new Flags.UsageException("--url: '" + url + "' (expected: an absolute http(s) URL)");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new Flags.UsageException("--url: '" + url + "' (expected: an absolute http(s) URL)");
    }
    String keyPairId = required(flags, "key-pair-id");
    Path keyFile = Path.of(required(flags, "key-file"));
    PrivateKey key;
    try {
      key = PemKeys.parsePrivateKey(Files.readString(keyFile));
    } catch (IOException e) {
      throw new Flags.UsageException("--key-file: cannot read " + keyFile + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new Flags.UsageException("--key-file: " + keyFile + ": " + e.getMessage());
    }
    long now = clock.millis() / 1000;
    String expiresText = flags.get("expires", null);
    String expiresIn = flags.get("expires-in", null);
    if ((expiresText == null) == (expiresIn == null)) {
      throw new Flags.UsageException(
          "give exactly one of --expires EPOCH and --expires-in SECONDS");
    }
    long expires =
        expiresText != null ? epoch("expires", expiresText) : now + epoch("expires-in", expiresIn);
    if (expires > 2147483647L) {
      throw new Flags.UsageException("--expires: " + expires + " (expected: <= 2147483647)");
    }
    String algorithmText = flags.get("hash-algorithm", "SHA1").toUpperCase(Locale.ROOT);
    HashAlgorithm algorithm = HashAlgorithm.fromWire(algorithmText.replace("-", ""));
    if (algorithm == null) {
      throw new Flags.UsageException(
          "--hash-algorithm: '" + algorithmText + "' (expected: SHA1 or SHA256)");
    }
    String resource = flags.get("resource", null);
    String ip = flags.get("ip", null);
    String start = flags.get("start", null);
    String policyKind =
        flags.get(
            "policy",
            resource != null || ip != null || start != null || cookies ? "custom" : "canned");
    if (!policyKind.equals("canned") && !policyKind.equals("custom")) {
      throw new Flags.UsageException("--policy: '" + policyKind + "' (expected: canned or custom)");
    }
    if (policyKind.equals("canned") && (resource != null || ip != null || start != null)) {
      throw new Flags.UsageException("--resource, --ip and --start need --policy custom");
    }
    if (ip != null) {
      try {
        io.strata.core.net.Cidr.parse(ip);
      } catch (IllegalArgumentException e) {
        throw new Flags.UsageException("--ip: " + e.getMessage());
      }
    }
    String customPolicy =
        policyKind.equals("custom")
            ? Policies.custom(
                resource != null ? resource : url,
                expires,
                start == null ? null : epoch("start", start),
                ip)
            : null;
    return new Signing(url, customPolicy, expires, keyPairId, key, algorithm);
  }

  private static void signUrl(Flags flags, Clock clock, PrintStream out) {
    Signing s = signing(flags, clock, false);
    out.println(
        PolicySigner.signUrl(
            s.resource(), s.customPolicy(), s.expires(), s.keyPairId(), s.key(), s.algorithm()));
  }

  private static void signCookies(Flags flags, Clock clock, PrintStream out) {
    Signing s = signing(flags, clock, true);
    List<String> cookies =
        PolicySigner.signCookies(
            s.resource(), s.customPolicy(), s.expires(), s.keyPairId(), s.key(), s.algorithm());
    String format = flags.get("format", "set-cookie");
    if (format.equals("cookie")) {
      out.println(String.join("; ", cookies));
      return;
    }
    if (!format.equals("set-cookie")) {
      throw new Flags.UsageException("--format: '" + format + "' (expected: set-cookie or cookie)");
    }
    String domain = flags.get("domain", null);
    String attributes =
        "; Path="
            + flags.get("path", "/")
            + (domain == null ? "" : "; Domain=" + domain)
            + "; Secure; HttpOnly";
    for (String cookie : cookies) {
      out.println("Set-Cookie: " + cookie + attributes);
    }
  }

  private static String required(Flags flags, String name) {
    String value = flags.get(name, null);
    if (value == null) {
      throw new Flags.UsageException("--" + name + " is required");
    }
    return value;
  }

  private static long epoch(String name, String text) {
    if (!text.matches("[0-9]{1,10}")) {
      throw new Flags.UsageException("--" + name + ": '" + text + "' (expected: whole seconds)");
    }
    return Long.parseLong(text);
  }
}
