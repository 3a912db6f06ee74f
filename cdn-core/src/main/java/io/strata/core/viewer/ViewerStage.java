package io.strata.core.viewer;

/**
 * One step of the viewer pipeline. A stage reads the exchange and either lets it continue or
 * answers it itself (a redirect, a refusal), in which case no later stage and no cache lookup runs.
 * Stages are shared by all requests and run on event loops: they must not block.
 */
@FunctionalInterface
public interface ViewerStage {
  /**
   * @return {@code true} if the stage answered the request (the pipeline stops)
   */
  boolean onRequest(ViewerExchange exchange);
}
