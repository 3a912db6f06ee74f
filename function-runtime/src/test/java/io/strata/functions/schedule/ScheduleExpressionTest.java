package io.strata.functions.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.functions.model.LambdaException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleExpressionTest {
  static Instant next(String expr, String after) {
    return ScheduleExpression.parse(expr).next(Instant.parse(after));
  }

  @Test
  void rateFiresOnePeriodLater() {
    assertEquals(
        Instant.parse("2026-11-29T05:05:00Z"), next("rate(5 minutes)", "2026-11-29T05:00:00Z"));
    assertEquals(
        Instant.parse("2026-11-29T06:00:00Z"), next("rate(1 hour)", "2026-11-29T05:00:00Z"));
    assertEquals(
        Instant.parse("2026-12-01T05:00:00Z"), next("rate(2 days)", "2026-11-29T05:00:00Z"));
  }

  @Test
  void cronMatchesInUtcWithAwsFieldsAndNames() {
    assertEquals(
        Instant.parse("2026-11-29T12:00:00Z"), next("cron(0 12 * * ? *)", "2026-11-29T05:21:13Z"));
    assertEquals(
        Instant.parse("2026-11-30T12:00:00Z"), next("cron(0 12 * * ? *)", "2026-11-29T12:00:00Z"));
    // 2026-11-28 is a Saturday: the next weekday 10:15 is Monday the 30th.
    assertEquals(
        Instant.parse("2026-11-30T10:15:00Z"),
        next("cron(15 10 ? * MON-FRI *)", "2026-11-28T09:00:00Z"));
    assertEquals(
        Instant.parse("2026-11-29T10:15:00Z"),
        next("cron(0/15 * * * ? *)", "2026-11-29T10:07:00Z"));
    assertEquals(
        Instant.parse("2027-01-01T08:00:00Z"),
        next("cron(0 8 1 JAN,JUL ? 2027)", "2026-11-29T10:07:00Z"));
    // Day-of-week 1 is Sunday in AWS syntax.
    assertEquals(
        Instant.parse("2026-12-06T00:00:00Z"), next("cron(0 0 ? * 1 *)", "2026-11-29T10:00:00Z"));
  }

  @Test
  void invalidExpressionsAreRefusedWithTheReason() {
    assertTrue(message("rate(1 minutes)").contains("singular unit for 1"));
    assertTrue(message("rate(5 minute)").contains("singular unit for 1"));
    assertTrue(
        message("cron(0 12 * * * *)").contains("exactly one of day-of-month and day-of-week"));
    assertTrue(message("cron(0 12 L * ? *)").contains("not supported"));
    assertTrue(message("cron(0 12 * * ?)").contains("6 fields"));
    assertTrue(message("cron(61 12 * * ? *)").contains("outside 0-59"));
    assertTrue(message("every 5 minutes").contains("expected rate(N unit) or cron(6 fields)"));
  }

  static String message(String expr) {
    return assertThrows(LambdaException.class, () -> ScheduleExpression.parse(expr)).getMessage();
  }
}
