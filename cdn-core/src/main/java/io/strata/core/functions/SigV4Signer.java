package io.strata.core.functions;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a request with AWS Signature Version 4 (header form) for the {@code lambda} service, so the
 * function runtime can check who calls it. Paths and queries given here must already be in
 * canonical form (unreserved characters only), which holds for Invoke's paths built from function
 * names and qualifiers.
 */
final class SigV4Signer {
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final String accessKeyId;
  private final String secret;
  private final String region;

  SigV4Signer(String accessKeyId, String secret, String region) {
    this.accessKeyId = accessKeyId;
    this.secret = secret;
    this.region = region;
  }

  /**
   * The headers to add: {@code X-Amz-Date}, {@code X-Amz-Content-Sha256} and {@code Authorization}.
   *
   * @param host the {@code Host} header value sent (host:port)
   * @param canonicalQuery the query, sorted, or {@code ""}
   */
  Map<String, String> sign(
      String method, String host, String path, String canonicalQuery, byte[] body, Instant now) {
    String amzDate = AMZ_DATE.format(now);
    String day = amzDate.substring(0, 8);
    String bodyHash = hex(sha256(body));
    String signedHeaders = "host;x-amz-content-sha256;x-amz-date";
    String canonicalRequest =
        method
            + "\n"
            + path
            + "\n"
            + canonicalQuery
            + "\nhost:"
            + host
            + "\nx-amz-content-sha256:"
            + bodyHash
            + "\nx-amz-date:"
            + amzDate
            + "\n\n"
            + signedHeaders
            + "\n"
            + bodyHash;
    String scope = day + "/" + region + "/lambda/aws4_request";
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), day);
    key = hmac(key, region);
    key = hmac(key, "lambda");
    key = hmac(key, "aws4_request");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Amz-Date", amzDate);
    headers.put("X-Amz-Content-Sha256", bodyHash);
    headers.put(
        "Authorization",
        "AWS4-HMAC-SHA256 Credential="
            + accessKeyId
            + "/"
            + scope
            + ", SignedHeaders="
            + signedHeaders
            + ", Signature="
            + hex(hmac(key, stringToSign)));
    return headers;
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
