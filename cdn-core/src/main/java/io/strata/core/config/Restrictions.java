package io.strata.core.config;

import io.strata.core.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who may use a distribution: IP allow and deny lists and a geo restriction.
 *
 * @param ipAllow if not empty, only these blocks are served
 * @param ipDeny these blocks are refused (checked first)
 * @param geoType {@code none}, {@code allow} or {@code block}
 * @param geoLocations ISO 3166-1 alpha-2 country codes, upper case
 */
public record Restrictions(
    List<Cidr> ipAllow, List<Cidr> ipDeny, String geoType, List<String> geoLocations) {
  public static final Restrictions NONE = new Restrictions(List.of(), List.of(), "none", List.of());

  public Restrictions {
    ipAllow = List.copyOf(ipAllow);
    ipDeny = List.copyOf(ipDeny);
    if (!List.of("none", "allow", "block").contains(geoType)) {
      throw new InvalidValueException(
          "geoRestriction.restrictionType",
          Syntax.quote(geoType) + " (expected: none, allow or block)");
    }
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < geoLocations.size(); i++) {
      String code = geoLocations.get(i);
      if (code == null || !code.matches("[A-Za-z]{2}")) {
        throw new InvalidValueException(
            "geoRestriction.locations[" + i + "]",
            (code == null ? "null" : Syntax.quote(code))
                + " (expected: a two-letter country code)");
      }
      codes.add(code.toUpperCase(Locale.ROOT));
    }
    geoLocations = List.copyOf(codes);
    if (!geoType.equals("none") && geoLocations.isEmpty()) {
      throw new InvalidValueException(
          "geoRestriction.locations", "[] (expected: at least one country for " + geoType + ")");
    }
  }

  /** Parses CIDR text for a list field, naming the item on error. */
  static List<Cidr> cidrs(String field, List<String> texts) {
    List<Cidr> out = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      try {
        out.add(Cidr.parse(texts.get(i)));
      } catch (IllegalArgumentException e) {
        throw new InvalidValueException(field + "[" + i + "]", e.getMessage());
      }
    }
    return out;
  }
}
