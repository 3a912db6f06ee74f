package io.strata.core.viewer;

/**
 * Refuses methods outside the behavior's {@code allowedMethods} with 403, as CloudFront does (the
 * generic HTTP answer would be 405; CloudFront's is kept so clients see the same behaviour).
 */
final class MethodStage implements ViewerStage {
  private final ViewerPipeline.Rejections rejections;

  MethodStage(ViewerPipeline.Rejections rejections) {
    this.rejections = rejections;
  }

  @Override
  public boolean onRequest(ViewerExchange exchange) {
    if (exchange.route().behavior().viewer().allowedMethods().allows(exchange.request().method())) {
      return false;
    }
    rejections.count("method_not_allowed");
    exchange.refuse(
        403,
        "text/plain; charset=utf-8",
        "The method " + exchange.request().method().name() + " is not allowed here.\n");
    return true;
  }
}
