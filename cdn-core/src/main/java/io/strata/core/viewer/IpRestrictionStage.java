package io.strata.core.viewer;

import io.strata.core.config.Restrictions;
import io.strata.core.net.Cidr;

/**
 * The distribution's IP deny list, then its allow list (when not empty). Blocked viewers get 403.
 */
final class IpRestrictionStage implements ViewerStage {
  private final ViewerPipeline.Rejections rejections;

  IpRestrictionStage(ViewerPipeline.Rejections rejections) {
    this.rejections = rejections;
  }

  @Override
  public boolean onRequest(ViewerExchange exchange) {
    Restrictions restrictions = exchange.route().distribution().edge().restrictions();
    if (restrictions.ipDeny().isEmpty() && restrictions.ipAllow().isEmpty()) {
      return false;
    }
    byte[] address = exchange.clientAddress();
    boolean denied = matches(restrictions.ipDeny(), address);
    if (!denied && !restrictions.ipAllow().isEmpty()) {
      denied = !matches(restrictions.ipAllow(), address);
    }
    if (!denied) {
      return false;
    }
    rejections.count("ip_restricted");
    exchange.refuse(
        403, "text/plain; charset=utf-8", "Your address may not use this distribution.\n");
    return true;
  }

  private static boolean matches(java.util.List<Cidr> blocks, byte[] address) {
    for (Cidr block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
