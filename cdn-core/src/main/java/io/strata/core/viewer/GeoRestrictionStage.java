package io.strata.core.viewer;

import io.strata.core.config.Restrictions;

/**
 * CloudFront's geo restriction: an allow list serves only viewers from its countries (and refuses
 * viewers whose country is unknown); a block list refuses viewers from its countries. Refusals are
 * 403, mapped through the custom error responses like any other.
 */
final class GeoRestrictionStage implements ViewerStage {
  private final CountryLookup countries;
  private final ViewerPipeline.Rejections rejections;

  GeoRestrictionStage(CountryLookup countries, ViewerPipeline.Rejections rejections) {
    this.countries = countries;
    this.rejections = rejections;
  }

  @Override
  public boolean onRequest(ViewerExchange exchange) {
    Restrictions restrictions = exchange.route().distribution().edge().restrictions();
    String type = restrictions.geoType();
    if (type.equals("none")) {
      return false;
    }
    byte[] address = exchange.clientAddress();
    String country = address == null ? null : countries.country(address);
    boolean listed = country != null && restrictions.geoLocations().contains(country);
    boolean refused = type.equals("allow") ? !listed : listed;
    if (!refused) {
      return false;
    }
    rejections.count("geo_restricted");
    exchange.refuse(
        403, "text/plain; charset=utf-8", "This content is not available in your country.\n");
    return true;
  }
}
