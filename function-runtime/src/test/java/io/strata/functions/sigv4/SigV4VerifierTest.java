package io.strata.functions.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strata.core.time.ManualClock;
import io.strata.functions.model.LambdaException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** AWS's published SigV4 test-suite vectors (get-vanilla, get-vanilla-query-order-key-case). */
class SigV4VerifierTest {
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  final ManualClock clock = new ManualClock(Instant.parse("2015-08-30T12:36:00Z").toEpochMilli());
  final SigV4Verifier verifier = SigV4Verifier.of(Map.of("AKIDEXAMPLE", SECRET), clock);

  static Map<String, String> headers(String signature) {
    Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.put("host", "example.amazonaws.com");
    h.put("x-amz-date", "20150830T123600Z");
    h.put(
        "authorization",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
            + " SignedHeaders=host;x-amz-date, Signature="
            + signature);
    return h;
  }

  @Test
  void getVanillaVectorVerifies() {
    Map<String, String> h =
        headers("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assertEquals("AKIDEXAMPLE", verifier.verify("GET", "/", "", h::get, new byte[0]));
  }

  @Test
  void queryIsSortedBeforeSigning() {
    Map<String, String> h =
        headers("b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    verifier.verify("GET", "/", "Param2=value2&Param1=value1", h::get, new byte[0]);
  }

  @Test
  void tamperedRequestIsRejectedWithInvalidSignature() {
    Map<String, String> h =
        headers("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    LambdaException e =
        assertThrows(
            LambdaException.class, () -> verifier.verify("POST", "/", "", h::get, new byte[0]));
    assertEquals(403, e.status());
    assertEquals("InvalidSignatureException", e.type());
    assertThrows(
        LambdaException.class, () -> verifier.verify("GET", "/", "", h::get, "x".getBytes()));
  }

  @Test
  void unknownKeyIsUnrecognizedClient() {
    SigV4Verifier other = SigV4Verifier.of(Map.of("SOMEONEELSE", SECRET), clock);
    Map<String, String> h =
        headers("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    LambdaException e =
        assertThrows(
            LambdaException.class, () -> other.verify("GET", "/", "", h::get, new byte[0]));
    assertEquals("UnrecognizedClientException", e.type());
  }

  @Test
  void signatureOlderThanFifteenMinutesIsExpired() {
    clock.advance(Duration.ofMinutes(16));
    Map<String, String> h =
        headers("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    LambdaException e =
        assertThrows(
            LambdaException.class, () -> verifier.verify("GET", "/", "", h::get, new byte[0]));
    assertEquals("InvalidSignatureException", e.type());
  }

  @Test
  void missingAuthorizationIsMissingAuthenticationToken() {
    LambdaException e =
        assertThrows(
            LambdaException.class,
            () -> verifier.verify("GET", "/", "", name -> null, new byte[0]));
    assertEquals("MissingAuthenticationTokenException", e.type());
  }
}
