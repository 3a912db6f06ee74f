package io.strata.core.compress;

import io.strata.core.http.EntityTags;

/** The {@code ETag} of a variant the edge compressed (CloudFront's "ETag header conversion"). */
public final class ETags {

  private ETags() {}

  /**
   * The {@code ETag} to send with a compressed variant: the compressed bytes differ from the
   * origin's, so a strong tag can only be kept as a weak one.
   *
   * <ul>
   *   <li>strong {@code "x"} → {@code W/"x"};
   *   <li>weak {@code W/"x"} → unchanged;
   *   <li>{@code null} or not a valid entity-tag (RFC 9110 §8.8.3) → {@code null}: drop the field.
   * </ul>
   *
   * Surrounding whitespace is removed. Never throws.
   */
  public static String weaken(String etag) {
    if (!EntityTags.isValid(etag)) {
      return null;
    }
    String tag = etag.strip();
    return tag.startsWith("W/") ? tag : "W/" + tag;
  }
}
