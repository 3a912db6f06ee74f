package io.strata.functions.sigv4;

import io.strata.core.time.Clock;
import io.strata.functions.model.LambdaException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 ({@code Authorization: AWS4-HMAC-SHA256 ...} header form) the
 * way Lambda does: canonical request with the path URI-encoded a second time (every service but
 * S3), sorted query, the signed headers, the SHA-256 of the body; a request older or newer than 15
 * minutes is refused. Keys are looked up by access key id.
 */
public final class SigV4Verifier {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final long MAX_SKEW_MS = 15 * 60 * 1000;

  private final Function<String, String> secrets;
  private final Clock clock;

  /**
   * @param secrets access key id → secret access key, or null when the key is unknown
   */
  public SigV4Verifier(Function<String, String> secrets, Clock clock) {
    this.secrets = secrets;
    this.clock = clock;
  }

  public static SigV4Verifier of(Map<String, String> keys, Clock clock) {
    Map<String, String> copy = Map.copyOf(keys);
    return new SigV4Verifier(copy::get, clock);
  }

  /**
   * @param headers request headers by any-case name (a lookup function: multi-valued headers joined
   *     with {@code ,})
   * @return the access key id that signed the request
   * @throws LambdaException 403 with Lambda's error types when the signature does not hold
   */
  public String verify(
      String method,
      String rawPath,
      String rawQuery,
      Function<String, String> headers,
      byte[] body) {
    String auth = headers.apply("authorization");
    if (auth == null || auth.isBlank()) {
      throw new LambdaException(
          403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    if (!auth.startsWith("AWS4-HMAC-SHA256 ")) {
      throw invalid("unsupported authorization scheme (expected: AWS4-HMAC-SHA256)");
    }
    Map<String, String> parts = new TreeMap<>();
    for (String p : auth.substring(17).split(",")) {
      int eq = p.indexOf('=');
      if (eq > 0) {
        parts.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
      }
    }
    String credential = parts.get("Credential");
    String signedHeaders = parts.get("SignedHeaders");
    String signature = parts.get("Signature");
    if (credential == null || signedHeaders == null || signature == null) {
      throw invalid("Authorization header needs Credential, SignedHeaders and Signature");
    }
    String[] scope = credential.split("/");
    if (scope.length != 5 || !scope[4].equals("aws4_request")) {
      throw invalid(
          "Credential: '" + credential + "' (expected: KEY/date/region/service/aws4_request)");
    }
    String secret = secrets.apply(scope[0]);
    if (secret == null) {
      throw new LambdaException(
          403,
          "UnrecognizedClientException",
          "The security token included in the request is invalid.");
    }
    String amzDate = headers.apply("x-amz-date");
    if (amzDate == null) {
      throw invalid("X-Amz-Date header missing");
    }
    long signedAt;
    try {
      signedAt = Instant.from(AMZ_DATE.parse(amzDate)).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw invalid("X-Amz-Date: '" + amzDate + "' (expected: yyyyMMddTHHmmssZ)");
    }
    if (Math.abs(clock.millis() - signedAt) > MAX_SKEW_MS) {
      throw invalid("Signature expired: " + amzDate + " is more than 15 minutes from now");
    }
    if (!amzDate.startsWith(scope[1])) {
      throw invalid("Credential date " + scope[1] + " does not match X-Amz-Date " + amzDate);
    }
    List<String> names = List.of(signedHeaders.split(";"));
    if (!names.contains("host")) {
      throw invalid("SignedHeaders must include host");
    }
    StringBuilder canonicalHeaders = new StringBuilder();
    for (String name : names) {
      String v = headers.apply(name);
      if (v == null) {
        throw invalid("signed header '" + name + "' is missing from the request");
      }
      canonicalHeaders.append(name).append(':').append(v.trim().replaceAll(" +", " ")).append('\n');
    }
    String bodyHash = hex(sha256(body));
    String declared = headers.apply("x-amz-content-sha256");
    if (declared != null && !declared.equals(bodyHash) && !declared.equals("UNSIGNED-PAYLOAD")) {
      throw invalid("X-Amz-Content-Sha256 does not match the body");
    }
    String canonicalRequest =
        method
            + "\n"
            + encode(rawPath.isEmpty() ? "/" : rawPath, false)
            + "\n"
            + canonicalQuery(rawQuery)
            + "\n"
            + canonicalHeaders
            + "\n"
            + signedHeaders
            + "\n"
            + (declared != null ? declared : bodyHash);
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate
            + "\n"
            + String.join("/", scope[1], scope[2], scope[3], scope[4])
            + "\n"
            + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), scope[1]);
    key = hmac(key, scope[2]);
    key = hmac(key, scope[3]);
    key = hmac(key, "aws4_request");
    String expected = hex(hmac(key, stringToSign));
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        signature.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
      throw invalid(
          "The request signature we calculated does not match the signature you provided. Check"
              + " your AWS Secret Access Key and signing method.");
    }
    return scope[0];
  }

  private static LambdaException invalid(String message) {
    return new LambdaException(403, "InvalidSignatureException", message);
  }

  static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String p : rawQuery.split("&")) {
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String k = eq < 0 ? p : p.substring(0, eq);
      String v = eq < 0 ? "" : p.substring(eq + 1);
      pairs.add(
          new String[] {
            encode(URLDecoder.decode(k, StandardCharsets.UTF_8), true),
            encode(URLDecoder.decode(v, StandardCharsets.UTF_8), true)
          });
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    StringBuilder sb = new StringBuilder();
    for (String[] p : pairs) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(p[0]).append('=').append(p[1]);
    }
    return sb.toString();
  }

  /** RFC 3986 percent-encoding; {@code /} kept unless {@code encodeSlash}. */
  static String encode(String s, boolean encodeSlash) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (c == '/' && !encodeSlash)) {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return sb.toString();
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
