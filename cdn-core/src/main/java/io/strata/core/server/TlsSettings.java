package io.strata.core.server;

import io.strata.core.config.Distribution;
import io.strata.core.config.StrataConfig;
import io.strata.core.config.ViewerCertificate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.Set;

/**
 * The HTTPS listener of an edge: where it listens and its default certificate. Certificates of
 * distributions ({@code viewerCertificate}) are offered by SNI; a client that sends no server name,
 * or one no distribution certificate covers, gets the default certificate. TLS 1.2 and 1.3 only;
 * HTTP/2 and HTTP/1.1 by ALPN.
 *
 * @param listen where the HTTPS listener binds
 * @param defaultCertificate PEM chain and key of the default certificate
 */
public record TlsSettings(ListenOptions listen, ViewerCertificate defaultCertificate) {

  /** Server options for the HTTPS listener, built from {@code base} (limits, timeouts). */
  public HttpServerOptions serverOptions(HttpServerOptions base, StrataConfig config) {
    PemKeyCertOptions certificates = new PemKeyCertOptions();
    // The first pair is what Vert.x serves when SNI selects nothing.
    add(certificates, defaultCertificate);
    for (Distribution distribution : config.distributions()) {
      ViewerCertificate certificate = distribution.edge().viewerCertificate();
      if (certificate != null) {
        add(certificates, certificate);
      }
    }
    HttpServerOptions options =
        new HttpServerOptions(base)
            .setHost(listen.host())
            .setPort(listen.port())
            .setSsl(true)
            .setSni(true)
            .setUseAlpn(true)
            .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
            .setKeyCertOptions(certificates);
    options.setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
    return options;
  }

  private static void add(PemKeyCertOptions options, ViewerCertificate certificate) {
    options.addCertValue(Buffer.buffer(certificate.certificateChain()));
    options.addKeyValue(Buffer.buffer(certificate.privateKey()));
  }
}
