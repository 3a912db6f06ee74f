package io.strata.core.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.core.config.CustomErrorResponse;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ErrorCachingTest {
  private static final List<CustomErrorResponse> NONE = List.of();

  @Test
  void notFoundIsCachedForTheDefaultTenSeconds() {
    assertEquals(10, ErrorCaching.ttlSeconds(404, OptionalLong.empty(), NONE, 86400));
  }

  @Test
  void configuredMinimumAndOriginMaxAgeTakeTheLarger() {
    List<CustomErrorResponse> rules = List.of(new CustomErrorResponse(503, null, null, 30));
    assertEquals(30, ErrorCaching.ttlSeconds(503, OptionalLong.of(5), rules, 86400));
    assertEquals(120, ErrorCaching.ttlSeconds(503, OptionalLong.of(120), rules, 86400));
    // The origin's max-age cannot exceed the behavior's maxTtl.
    assertEquals(60, ErrorCaching.ttlSeconds(503, OptionalLong.of(3600), rules, 60));
  }

  @Test
  void rangeNotSatisfiableIsNeverCached() {
    assertEquals(-1, ErrorCaching.ttlSeconds(416, OptionalLong.of(600), NONE, 86400));
  }

  @Test
  void forbiddenIsCachedOnlyWithAnOriginMaxAge() {
    assertEquals(-1, ErrorCaching.ttlSeconds(403, OptionalLong.empty(), NONE, 86400));
    assertEquals(300, ErrorCaching.ttlSeconds(403, OptionalLong.of(300), NONE, 86400));
  }

  @Test
  void otherErrorStatusesAreNotCached() {
    assertEquals(-1, ErrorCaching.ttlSeconds(401, OptionalLong.of(300), NONE, 86400));
    assertEquals(-1, ErrorCaching.ttlSeconds(409, OptionalLong.empty(), NONE, 86400));
  }
}
