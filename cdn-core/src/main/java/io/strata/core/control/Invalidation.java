package io.strata.core.control;

import static java.util.Objects.requireNonNull;

import io.strata.core.cache.CacheKey;
import io.strata.core.cache.CachedObject;
import java.util.List;
import java.util.Set;

/**
 * An invalidation as a node applies it: the distribution, the paths and cache tags it covers, and
 * whether it evicts ({@code soft == false}) or marks entries stale so the next request revalidates.
 *
 * @param id the invalidation's id, for logs
 * @param distributionId the distribution whose entries are covered
 * @param paths invalidation paths; an entry matching any is covered
 * @param tags cache tags; an entry whose {@code tagHeader} lists any of them is covered
 * @param tagHeader the response header holding an object's cache tags, or null when {@code tags} is
 *     empty
 * @param soft mark stale instead of evicting
 */
public record Invalidation(
    String id,
    String distributionId,
    List<InvalidationPath> paths,
    Set<String> tags,
    String tagHeader,
    boolean soft) {

  /** The most tags of one object that are honoured, as with Fastly's and Cloudflare's purges. */
  public static final int MAX_TAGS_PER_OBJECT = 50;

  public Invalidation {
    requireNonNull(id, "id");
    requireNonNull(distributionId, "distributionId");
    paths = List.copyOf(paths);
    tags = Set.copyOf(tags);
    if (!tags.isEmpty()) {
      requireNonNull(tagHeader, "tagHeader");
    }
  }

  /** Whether the entry stored under {@code key} is covered. */
  public boolean covers(CacheKey key, CachedObject object) {
    if (!key.distributionId().equals(distributionId)) {
      return false;
    }
    // A stored key keeps its path as bytes: made a string once per entry, not once per pattern.
    String path = paths.isEmpty() ? null : key.path();
    for (InvalidationPath p : paths) {
      if (p.matches(path)) {
        return true;
      }
    }
    return !tags.isEmpty() && hasTag(object.headerValues(tagHeader));
  }

  private boolean hasTag(List<String> headerValues) {
    int seen = 0;
    for (String value : headerValues) {
      int start = 0;
      while (start <= value.length() && seen < MAX_TAGS_PER_OBJECT) {
        int comma = value.indexOf(',', start);
        int end = comma < 0 ? value.length() : comma;
        String tag = value.substring(start, end).trim();
        if (!tag.isEmpty()) {
          seen++;
          if (tags.contains(tag)) {
            return true;
          }
        }
        if (comma < 0) {
          break;
        }
        start = comma + 1;
      }
    }
    return false;
  }
}
