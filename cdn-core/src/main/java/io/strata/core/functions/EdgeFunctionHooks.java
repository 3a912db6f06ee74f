package io.strata.core.functions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.strata.core.config.Behavior;
import io.strata.core.config.LambdaFunctionAssociation;
import io.strata.core.config.LambdaFunctionAssociation.EventType;
import io.strata.core.routing.Route;
import io.strata.core.upstream.Upstream;
import io.strata.core.upstream.UpstreamRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * Lambda@Edge's origin-request and origin-response triggers, wrapped around the upstream that talks
 * to the origin, so every origin fetch of a behavior with functions — cache fills and pass-through
 * requests alike — runs them, and nothing else in the request path changes:
 *
 * <ul>
 *   <li>origin-request runs before the origin is asked; it may change the URI, query string,
 *       headers and origin, or answer itself (that response is then stored by the behavior's cache
 *       policy, as CloudFront does, and origin-response does not run);
 *   <li>origin-response runs on the origin's response head before it is stored; it may change the
 *       status and headers, or give a whole new body;
 *   <li>a function that fails, is throttled or answers a wrong shape gives the viewer a 502 (503
 *       when throttled) that is never stored, labelled {@code X-Cache: LambdaExecutionError from
 *       strata} (or {@code LambdaValidationError}, {@code LambdaLimitExceeded}).
 * </ul>
 *
 * <p>Functions are called through the function runtime's Invoke API (see {@link FunctionEndpoint}).
 */
public final class EdgeFunctionHooks implements Upstream {
  private static final System.Logger LOG = System.getLogger(EdgeFunctionHooks.class.getName());

  /** The header that carries a hook failure's result type to the tiers in front. */
  public static final String ERROR_HEADER = "X-Strata-Error";

  private final Upstream origin;
  private final FunctionInvoker invoker;
  private final MeterRegistry registry;

  /**
   * @param origin the upstream that fetches from the origin
   * @param client the HTTP client used to call the function runtime
   * @param endpoint where the function runtime is, or null when none is configured (a behavior with
   *     functions then gets 502 {@code LambdaExecutionError})
   */
  public EdgeFunctionHooks(
      Upstream origin, HttpClient client, FunctionEndpoint endpoint, MeterRegistry registry) {
    this.origin = origin;
    this.invoker = endpoint == null ? null : new FunctionInvoker(client, endpoint);
    this.registry = registry;
  }

  @Override
  public void close() {
    origin.close();
  }

  @Override
  public Future<HttpClientResponse> send(UpstreamRequest request) {
    Behavior behavior = request.route().behavior();
    if (behavior.lambdaFunctionAssociations().isEmpty()) {
      return origin.send(request).map(EdgeFunctionHooks::withoutErrorHeader);
    }
    Context context = Vertx.currentContext();
    LambdaFunctionAssociation onRequest = behavior.function(EventType.ORIGIN_REQUEST);
    LambdaFunctionAssociation onResponse = behavior.function(EventType.ORIGIN_RESPONSE);
    Future<HttpClientResponse> result =
        (onRequest == null
                ? Future.<Object>succeededFuture(request)
                : originRequest(onRequest, request, context))
            .compose(
                outcome -> {
                  if (outcome instanceof HttpClientResponse generated) {
                    return Future.succeededFuture(generated);
                  }
                  UpstreamRequest forward = (UpstreamRequest) outcome;
                  Future<HttpClientResponse> fetched =
                      origin.send(forward).map(EdgeFunctionHooks::withoutErrorHeader);
                  return onResponse == null
                      ? fetched
                      : fetched.compose(r -> originResponse(onResponse, forward, r, context));
                });
    return result.recover(
        err -> {
          if (!(err instanceof HookFailure failure)) {
            return Future.failedFuture(err);
          }
          LOG.log(
              System.Logger.Level.WARNING,
              "{0}: Lambda@Edge function failed for {1}: {2}: {3}",
              request.headers().get("X-Strata-Request-Id"),
              request.pathAndQuery(),
              failure.resultType(),
              failure.getMessage());
          return Future.succeededFuture(errorResponse(context, failure));
        });
  }

  /**
   * The origin's response without {@value #ERROR_HEADER}: only this class says a function failed,
   * so an origin cannot make a viewer's {@code X-Cache} claim one did.
   */
  private static HttpClientResponse withoutErrorHeader(HttpClientResponse response) {
    response.headers().remove(ERROR_HEADER);
    return response;
  }

  /** Runs the origin-request function: the request to send on, or a generated response. */
  private Future<Object> originRequest(
      LambdaFunctionAssociation fn, UpstreamRequest request, Context context) {
    Route route = request.route();
    JsonObject cf =
        new JsonObject()
            .put(
                "config",
                LambdaEdgeEvents.config(
                    request.viewerHost(),
                    route.distribution().id(),
                    EventType.ORIGIN_REQUEST.wire(),
                    request.headers().get("X-Strata-Request-Id")))
            .put(
                "request",
                LambdaEdgeEvents.request(
                    request.method().name(),
                    request.pathAndQuery(),
                    request.headers(),
                    route.origin(),
                    fn.includeBody()));
    return call(fn, cf)
        .map(
            exchange -> {
              LambdaEdgeEvents.RequestOutcome outcome =
                  LambdaEdgeEvents.requestResult(
                      exchange.result().payload(),
                      request.method().name(),
                      request.headers(),
                      route.origin());
              if (outcome instanceof LambdaEdgeEvents.Generate g) {
                count(fn, "generated");
                return new GeneratedResponse(
                    context,
                    g.status(),
                    g.statusDescription(),
                    g.headers(),
                    g.body(),
                    exchange.request());
              }
              LambdaEdgeEvents.Forward f = (LambdaEdgeEvents.Forward) outcome;
              count(fn, "ok");
              Route target =
                  f.origin() == route.origin()
                      ? route
                      : new Route(route.distribution(), route.behavior(), f.origin());
              return new UpstreamRequest(
                  target,
                  request.method(),
                  request.viewerHost(),
                  f.pathAndQuery(),
                  f.headers(),
                  request.body(),
                  request.affinity());
            })
        .onFailure(err -> countInvalid(fn, err));
  }

  /** Runs the origin-response function on the origin's head; the body waits meanwhile. */
  private Future<HttpClientResponse> originResponse(
      LambdaFunctionAssociation fn,
      UpstreamRequest sent,
      HttpClientResponse response,
      Context context) {
    response.pause();
    Route route = sent.route();
    JsonObject cf =
        new JsonObject()
            .put(
                "config",
                LambdaEdgeEvents.config(
                    sent.viewerHost(),
                    route.distribution().id(),
                    EventType.ORIGIN_RESPONSE.wire(),
                    sent.headers().get("X-Strata-Request-Id")))
            .put(
                "request",
                LambdaEdgeEvents.request(
                    sent.method().name(),
                    sent.pathAndQuery(),
                    sent.headers(),
                    route.origin(),
                    false))
            .put(
                "response",
                LambdaEdgeEvents.response(
                    response.statusCode(), response.statusMessage(), response.headers()));
    return call(fn, cf)
        .<HttpClientResponse>map(
            exchange -> {
              LambdaEdgeEvents.ResponseOutcome outcome =
                  LambdaEdgeEvents.responseResult(exchange.result().payload(), response.headers());
              count(fn, "ok");
              if (outcome.replacedBody() != null) {
                // The function gave a whole new body: the origin's is read and dropped so the
                // connection can be reused.
                response.body();
                response.resume();
                return new GeneratedResponse(
                    context,
                    outcome.status(),
                    outcome.statusDescription(),
                    outcome.headers(),
                    outcome.replacedBody(),
                    response.request());
              }
              HttpClientResponse replaced =
                  new ReplacedHeadResponse(
                      response,
                      outcome.status(),
                      outcome.statusDescription() == null
                          ? response.statusMessage()
                          : outcome.statusDescription(),
                      outcome.headers());
              // The caller sets its handlers when this future completes, on this context; the
              // origin's body flows once they are in place.
              context.runOnContext(v -> response.resume());
              return replaced;
            })
        .onFailure(
            err -> {
              countInvalid(fn, err);
              // Nothing of this response will be used: drop it so the connection is freed.
              response.request().reset();
            });
  }

  private Future<FunctionInvoker.Exchange> call(LambdaFunctionAssociation fn, JsonObject cf) {
    if (invoker == null) {
      count(fn, HookFailure.EXECUTION);
      return Future.failedFuture(
          new HookFailure(
              HookFailure.EXECUTION,
              "no function runtime is configured for this node (--functions-endpoint)"));
    }
    long started = System.nanoTime();
    return invoker
        .invoke(fn.functionName(), fn.qualifier(), LambdaEdgeEvents.event(cf))
        .recover(
            err ->
                Future.failedFuture(
                    new HookFailure(
                        HookFailure.EXECUTION,
                        "the function runtime could not be reached: " + err.getMessage())))
        .map(
            exchange -> {
              Timer.builder("strata.edge.function.duration")
                  .description("Lambda@Edge invocations, as the node waited for them")
                  .tag("event", fn.eventType().wire())
                  .register(registry)
                  .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
              FunctionInvoker.Result r = exchange.result();
              if (r.status() == 429) {
                count(fn, HookFailure.LIMIT);
                throw new HookFailure(
                    HookFailure.LIMIT, fn.target() + " was throttled: " + brief(r.payload()));
              }
              if (r.status() != 200) {
                count(fn, HookFailure.EXECUTION);
                throw new HookFailure(
                    HookFailure.EXECUTION,
                    fn.target()
                        + ": Invoke answered "
                        + r.status()
                        + " "
                        + r.errorType()
                        + ": "
                        + brief(r.payload()));
              }
              if (r.functionError() != null) {
                count(fn, HookFailure.EXECUTION);
                throw new HookFailure(
                    HookFailure.EXECUTION, fn.target() + " failed: " + brief(r.payload()));
              }
              return exchange;
            });
  }

  /** Counts a result the function gave that did not pass validation. */
  private void countInvalid(LambdaFunctionAssociation fn, Throwable err) {
    if (err instanceof HookFailure f && f.resultType().equals(HookFailure.VALIDATION)) {
      count(fn, HookFailure.VALIDATION);
    }
  }

  private void count(LambdaFunctionAssociation fn, String outcome) {
    Counter.builder("strata.edge.function.invocations")
        .description("Lambda@Edge invocations by event and outcome")
        .tag("event", fn.eventType().wire())
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  private static String brief(Buffer payload) {
    String s = payload.toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  private static HttpClientResponse errorResponse(Context context, HookFailure failure) {
    String title = failure.status() == 503 ? "Service Unavailable" : "Bad Gateway";
    String body =
        "<!DOCTYPE html><html><head><title>"
            + failure.status()
            + " "
            + title
            + "</title></head><body><h1>"
            + failure.status()
            + " "
            + title
            + "</h1><p>"
            + failure.resultType()
            + ": the Lambda@Edge function for this request failed or answered a response Strata"
            + " cannot use.</p><hr><p>strata</p></body></html>\n";
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .set("Content-Type", "text/html; charset=utf-8")
            .set("Cache-Control", "no-store")
            .set(ERROR_HEADER, failure.resultType());
    HttpClientRequest none = null;
    return new GeneratedResponse(
        context, failure.status(), title, headers, Buffer.buffer(body), none);
  }
}
