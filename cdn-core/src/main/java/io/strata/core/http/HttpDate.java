package io.strata.core.http;

import java.time.Instant;
import java.time.Month;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 §5.6.7), as used by {@code Date}, {@code Expires} and {@code Last-Modified}.
 *
 * <p>{@link #parseHttpDateMillis(String)} accepts the three formats recipients must accept:
 *
 * <ul>
 *   <li>IMF-fixdate, the preferred one: {@code Sun, 06 Nov 1994 08:49:37 GMT};
 *   <li>obsolete RFC 850: {@code Sunday, 06-Nov-94 08:49:37 GMT};
 *   <li>obsolete asctime: {@code Sun Nov 6 08:49:37 1994}.
 * </ul>
 *
 * It is hand-written (no exceptions on the hot path), tolerates surrounding whitespace and does not
 * check that the day name agrees with the date. {@link #format(long)} always writes IMF-fixdate.
 * Thread-safe.
 */
public final class HttpDate {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  private static final String[] SHORT_DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] LONG_DAYS = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
  };

  private static final long MILLIS_PER_DAY = 86_400_000L;

  private HttpDate() {}

  /**
   * Parses an HTTP date.
   *
   * @param value a header value; may be {@code null}
   * @return milliseconds since the epoch, or {@code -1} when {@code value} is {@code null} or not a
   *     valid HTTP date (dates before 1970 are rejected too, so {@code -1} is unambiguous)
   */
  public static long parseHttpDateMillis(String value) {
    if (value == null) {
      return -1;
    }
    String s = value.strip();
    int comma = s.indexOf(',');
    long millis;
    if (comma == 3) {
      millis = parseImfFixdate(s);
    } else if (comma > 3) {
      millis = parseRfc850(s, comma);
    } else if (comma < 0) {
      millis = parseAsctime(s);
    } else {
      millis = -1;
    }
    return millis;
  }

  /**
   * Formats a time as an IMF-fixdate, such as {@code Sun, 06 Nov 1994 08:49:37 GMT}; milliseconds
   * are dropped.
   *
   * @param epochMillis milliseconds since the epoch
   * @return the formatted date
   */
  public static String format(long epochMillis) {
    return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
  }

  /** {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  private static long parseImfFixdate(String s) {
    if (s.length() != 29
        || dayIndex(SHORT_DAYS, s, 0, 3) < 0
        || s.charAt(4) != ' '
        || s.charAt(7) != ' '
        || s.charAt(11) != ' '
        || s.charAt(16) != ' '
        || !s.startsWith(" GMT", 25)) {
      return -1;
    }
    return toMillis(digits(s, 12, 4), month(s, 8), digits(s, 5, 2), s, 17);
  }

  /** {@code Sunday, 06-Nov-94 08:49:37 GMT}. */
  private static long parseRfc850(String s, int comma) {
    int i = comma + 1;
    if (dayIndex(LONG_DAYS, s, 0, comma) < 0
        || s.length() != i + 23
        || s.charAt(i) != ' '
        || s.charAt(i + 3) != '-'
        || s.charAt(i + 7) != '-'
        || s.charAt(i + 10) != ' '
        || !s.startsWith(" GMT", i + 19)) {
      return -1;
    }
    int twoDigitYear = digits(s, i + 8, 2);
    if (twoDigitYear < 0) {
      return -1;
    }
    return toMillis(fullYear(twoDigitYear), month(s, i + 4), digits(s, i + 1, 2), s, i + 11);
  }

  /** {@code Sun Nov 6 08:49:37 1994}: the day of month is padded with a space. */
  private static long parseAsctime(String s) {
    if (s.length() != 24
        || dayIndex(SHORT_DAYS, s, 0, 3) < 0
        || s.charAt(3) != ' '
        || s.charAt(7) != ' '
        || s.charAt(10) != ' '
        || s.charAt(19) != ' ') {
      return -1;
    }
    int day = s.charAt(8) == ' ' ? digits(s, 9, 1) : digits(s, 8, 2);
    return toMillis(digits(s, 20, 4), month(s, 4), day, s, 11);
  }

  /**
   * RFC 9110: a two-digit year that would be more than 50 years in the future is the most recent
   * past year with the same last two digits.
   */
  private static int fullYear(int twoDigitYear) {
    int currentYear = Year.now(ZoneOffset.UTC).getValue();
    int year = currentYear - currentYear % 100 + twoDigitYear;
    return year > currentYear + 50 ? year - 100 : year;
  }

  /**
   * Combines the parts with the {@code HH:mm:ss} that starts at {@code timeStart}; -1 if any part
   * is invalid.
   */
  private static long toMillis(int year, int month, int day, String s, int timeStart) {
    if (s.charAt(timeStart + 2) != ':' || s.charAt(timeStart + 5) != ':') {
      return -1;
    }
    int hour = digits(s, timeStart, 2);
    int minute = digits(s, timeStart + 3, 2);
    int second = digits(s, timeStart + 6, 2);
    if (year < 1970
        || month < 1
        || day < 1
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 60
        || day > Month.of(month).length(Year.isLeap(year))) {
      return -1;
    }
    long days = daysFromCivil(year, month, day);
    return days * MILLIS_PER_DAY + ((hour * 60L + minute) * 60L + second) * 1000L;
  }

  /** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm). */
  private static long daysFromCivil(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yearOfEra = y - era * 400;
    int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097L + dayOfEra - 719_468L;
  }

  /** The 1-based month whose three-letter name starts at {@code start}, or -1. */
  private static int month(String s, int start) {
    for (int i = 0; i < MONTHS.length; i++) {
      if (s.startsWith(MONTHS[i], start)) {
        return i + 1;
      }
    }
    return -1;
  }

  private static int dayIndex(String[] names, String s, int start, int end) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].length() == end - start && s.startsWith(names[i], start)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The non-negative number written with exactly {@code count} ASCII digits at {@code start}, or
   * -1.
   */
  private static int digits(String s, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
