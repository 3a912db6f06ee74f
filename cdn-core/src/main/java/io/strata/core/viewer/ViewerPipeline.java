package io.strata.core.viewer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.strata.core.config.StrataConfig;
import io.strata.core.routing.Route;
import io.strata.core.server.ConnectionLimits;
import io.strata.core.time.Clock;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * The ordered viewer stages of a node, built once at start-up. The edge runs, in this order: the
 * response headers policy's headers (set on whatever response follows, refusals included), protocol
 * policy, allowed methods, request limits, IP restrictions, geo restriction, rate limit, CORS
 * preflight, signed URL or cookie check. Cheap refusals come first; the signature, the most
 * expensive check, comes last. A regional node runs none: its requests come from edges that already
 * checked them, and cached fetches carry neither query string nor cookies.
 */
public final class ViewerPipeline {
  /** CloudFront-scale default for one node; the operating system's file limit comes first. */
  public static final int DEFAULT_MAX_CONNECTIONS = ConnectionLimits.DEFAULT_MAX_CONNECTIONS;

  private static final ViewerPipeline NONE = new ViewerPipeline(List.of(), null, null);
  private static final IntPredicate NEVER = status -> false;

  private final List<ViewerStage> stages;
  private final ErrorPages errorPages;
  private final MeterRegistry registry;
  private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
  private volatile int httpsPort = 443;
  private ConnectionGuard guard;

  private ViewerPipeline(List<ViewerStage> stages, ErrorPages errorPages, MeterRegistry registry) {
    this.stages = stages;
    this.errorPages = errorPages;
    this.registry = registry;
  }

  /** The pipeline of a regional node: nothing to check. */
  public static ViewerPipeline none() {
    return NONE;
  }

  /**
   * The edge pipeline.
   *
   * @param errorPages fetches custom error pages; bound to the node's HTTP port once it listens
   */
  public static ViewerPipeline edge(
      Clock clock, ErrorPages errorPages, MeterRegistry registry, String role, String nodeId) {
    return edge(
        clock, errorPages, registry, role, nodeId, DEFAULT_MAX_CONNECTIONS, CountryLookup.NONE);
  }

  /**
   * The edge pipeline with a cap on open viewer connections.
   *
   * @param maxConnections connections beyond this are closed as they arrive
   * @param countries the country database for geo restrictions
   */
  public static ViewerPipeline edge(
      Clock clock,
      ErrorPages errorPages,
      MeterRegistry registry,
      String role,
      String nodeId,
      int maxConnections,
      CountryLookup countries) {
    return edge(
        clock,
        errorPages,
        registry,
        role,
        nodeId,
        ConnectionLimits.DEFAULT.withMaxConnections(maxConnections, 0),
        countries);
  }

  /**
   * The edge pipeline with the listener's connection limits (caps, request-head deadline, write
   * stall, header count, HTTP/2 limits).
   */
  public static ViewerPipeline edge(
      Clock clock,
      ErrorPages errorPages,
      MeterRegistry registry,
      String role,
      String nodeId,
      ConnectionLimits limits,
      CountryLookup countries) {
    ViewerPipeline pipeline = new ViewerPipeline(new ArrayList<>(), errorPages, registry);
    Rejections count = reason -> pipeline.reject(reason, role, nodeId);
    pipeline.guard = new ConnectionGuard(limits, count);
    Gauge.builder("strata.viewer.connections", pipeline.guard, ConnectionGuard::openConnections)
        .description("Open viewer connections, counted from TCP accept")
        .tag("role", role)
        .tag("node", nodeId)
        .register(registry);
    pipeline.stages.addAll(
        List.of(
            ResponseHeadersStage.headers(count, nodeId),
            new ProtocolPolicyStage(count, () -> pipeline.httpsPort),
            new MethodStage(count),
            new RequestLimitStage(count),
            new IpRestrictionStage(count),
            new GeoRestrictionStage(countries, count),
            new RateLimitStage(clock, count),
            ResponseHeadersStage.preflight(count, nodeId),
            new SignedRequestStage(clock, count)));
    return pipeline;
  }

  /** The port redirects to HTTPS point at: the TLS listener's, 443 until one is bound. */
  public void bindHttps(int port) {
    this.httpsPort = port;
  }

  /** The listener-level guard (connection cap, decoder refusals), or {@code null} for none. */
  public ConnectionGuard connectionGuard() {
    return guard;
  }

  /** The error pages of this pipeline, or {@code null} for a regional node. */
  public ErrorPages errorPages() {
    return errorPages;
  }

  /**
   * Runs the stages for a routed request.
   *
   * @return the exchange to continue with, or {@code null} if a stage answered the request
   */
  public ViewerExchange run(
      HttpServerRequest request, Route route, StrataConfig config, String requestId) {
    return run(request, route, config, requestId, request.path());
  }

  /**
   * Runs the stages for a routed request whose canonical path is {@code path} (what the behavior
   * was matched with, and what is forwarded upstream).
   *
   * @return the exchange to continue with, or {@code null} if a stage answered the request
   */
  public ViewerExchange run(
      HttpServerRequest request, Route route, StrataConfig config, String requestId, String path) {
    if (stages.isEmpty()) {
      return new ViewerExchange(request, route, config, requestId, null, path);
    }
    ViewerExchange exchange =
        new ViewerExchange(request, route, config, requestId, errorPages, path);
    if (errorPages.isInternal(request)) {
      // The secret must never travel further (a pass-through would hand it to the origin).
      request.headers().remove(ErrorPages.INTERNAL_HEADER);
      exchange.markInternal();
      return exchange;
    }
    for (ViewerStage stage : stages) {
      if (stage.onRequest(exchange)) {
        return null;
      }
    }
    return exchange;
  }

  /**
   * The hook consulted where a response head is about to be written: returns {@code true} when a
   * custom error response took the response over for that status.
   */
  public IntPredicate errorHook(ViewerExchange exchange) {
    if (errorPages == null || exchange.isInternal() || exchange.customErrorResponses().isEmpty()) {
      return NEVER;
    }
    return status -> status >= 400 && errorPages.serve(exchange, status);
  }

  private void reject(String reason, String role, String nodeId) {
    rejections
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("strata.viewer.rejections")
                    .description("Viewer requests answered by a viewer stage, by reason")
                    .tag("reason", r)
                    .tag("role", role)
                    .tag("node", nodeId)
                    .register(registry))
        .increment();
  }

  /** Counts a stage's refusal by reason. */
  @FunctionalInterface
  interface Rejections {
    void count(String reason);
  }
}
