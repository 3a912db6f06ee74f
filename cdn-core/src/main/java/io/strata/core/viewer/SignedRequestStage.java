package io.strata.core.viewer;

import io.strata.core.config.Behavior;
import io.strata.core.config.StrataConfig;
import io.strata.core.signing.PolicySigner;
import io.strata.core.signing.SignedRequest;
import io.strata.core.signing.SignedRequestVerifier;
import io.strata.core.signing.SigningError;
import io.strata.core.time.Clock;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Restricts behaviors with {@code trustedKeyGroups} to signed URLs and signed cookies, in
 * CloudFront's wire format. Refusals are 403 with CloudFront's XML body. An accepted request loses
 * its signing query parameters and {@code CloudFront-*} cookies before anything is forwarded, so
 * they never reach the origin (cached fetches forward neither query nor cookies anyway).
 */
final class SignedRequestStage implements ViewerStage {
  private final Clock clock;
  private final ViewerPipeline.Rejections rejections;
  private volatile Verifiers verifiers = new Verifiers(null, Map.of());

  SignedRequestStage(Clock clock, ViewerPipeline.Rejections rejections) {
    this.clock = clock;
    this.rejections = rejections;
  }

  /** The verifiers of one configuration snapshot, one per signed behavior. */
  private record Verifiers(StrataConfig config, Map<Behavior, SignedRequestVerifier> byBehavior) {}

  @Override
  public boolean onRequest(ViewerExchange exchange) {
    Behavior behavior = exchange.route().behavior();
    if (behavior.viewer().trustedKeyGroups().isEmpty()) {
      return false;
    }
    HttpServerRequest request = exchange.request();
    SignedRequest signed =
        new SignedRequest(
            exchange.scheme(),
            request.authority().toString(),
            request.path(),
            request.query(),
            name -> {
              Cookie cookie = request.getCookie(name);
              return cookie == null ? null : cookie.getValue();
            },
            exchange.clientAddress());
    // The signature covers the URL as the viewer sent it (CloudFront's rule); a custom policy's
    // resource must also match the canonical path that is forwarded, so a wildcard resource cannot
    // be stretched with dot segments.
    SigningError error =
        verifier(exchange.config(), behavior)
            .verify(signed, clock.millis() / 1000, exchange.path());
    if (error != null) {
      rejections.count("signature_" + error.tag());
      exchange.refuse(403, "text/xml", error.xmlBody());
      return true;
    }
    exchange.forwardUri(withoutSigningParameters(exchange.path(), request.query()));
    removeSigningCookies(request);
    return false;
  }

  private SignedRequestVerifier verifier(StrataConfig config, Behavior behavior) {
    Verifiers current = verifiers;
    if (current.config() != config) {
      Map<Behavior, SignedRequestVerifier> built = new IdentityHashMap<>();
      config.distributions().stream()
          .flatMap(d -> d.allBehaviors().stream())
          .filter(b -> !b.viewer().trustedKeyGroups().isEmpty())
          .forEach(
              b ->
                  built.put(
                      b,
                      new SignedRequestVerifier(
                          config.trustedKeys(b.viewer().trustedKeyGroups()))));
      current = new Verifiers(config, built);
      verifiers = current;
    }
    SignedRequestVerifier verifier = current.byBehavior().get(behavior);
    return verifier != null
        ? verifier
        : new SignedRequestVerifier(config.trustedKeys(behavior.viewer().trustedKeyGroups()));
  }

  static String withoutSigningParameters(String path, String query) {
    if (query == null || query.isEmpty()) {
      return path;
    }
    List<String> kept = new ArrayList<>();
    for (String part : query.split("&", -1)) {
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      if (!SignedRequestVerifier.SIGNING_PARAMETERS.contains(name)) {
        kept.add(part);
      }
    }
    return kept.isEmpty() ? path : path + "?" + String.join("&", kept);
  }

  private static void removeSigningCookies(HttpServerRequest request) {
    List<String> headers = request.headers().getAll("Cookie");
    if (headers.isEmpty()) {
      return;
    }
    List<String> kept = new ArrayList<>();
    for (String header : headers) {
      for (String pair : header.split(";")) {
        String trimmed = pair.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith(PolicySigner.COOKIE_PREFIX)) {
          kept.add(trimmed);
        }
      }
    }
    request.headers().remove("Cookie");
    if (!kept.isEmpty()) {
      request.headers().set("Cookie", String.join("; ", kept));
    }
  }
}
