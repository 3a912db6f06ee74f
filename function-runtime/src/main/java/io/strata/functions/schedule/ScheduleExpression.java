package io.strata.functions.schedule;

import io.strata.functions.model.LambdaException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schedule in EventBridge/CloudWatch Events syntax, evaluated in UTC: {@code rate(5 minutes)}
 * (first run one period after creation) or {@code cron(Minutes Hours Day-of-month Month Day-of-week
 * Year)} with {@code * ? , - /}, month names {@code JAN-DEC} and day names {@code SUN-SAT} (1 =
 * Sunday); exactly one of the two day fields is {@code ?}. {@code L}, {@code W} and {@code #} are
 * refused.
 */
public sealed interface ScheduleExpression {
  /** The first firing time strictly after {@code after}. */
  Instant next(Instant after);

  static ScheduleExpression parse(String text) {
    if (text == null) {
      throw invalid(null, "missing");
    }
    Matcher rate =
        Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)").matcher(text);
    if (rate.matches()) {
      long n = Long.parseLong(rate.group(1));
      String unit = rate.group(2);
      if (n < 1) {
        throw invalid(text, "the rate must be a positive number");
      }
      if ((n == 1) != !unit.endsWith("s")) {
        throw invalid(
            text,
            "use the singular unit for 1 and the plural otherwise, e.g. rate(1 minute), rate(5"
                + " minutes)");
      }
      Duration period =
          switch (unit.charAt(0)) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return new Rate(period);
    }
    Matcher cron = Pattern.compile("cron\\(([^)]*)\\)").matcher(text);
    if (cron.matches()) {
      String[] f = cron.group(1).trim().split("\\s+");
      if (f.length != 6) {
        throw invalid(
            text, "cron needs 6 fields: minutes hours day-of-month month day-of-week year");
      }
      boolean domAny = f[2].equals("?");
      boolean dowAny = f[4].equals("?");
      if (domAny == dowAny) {
        throw invalid(text, "exactly one of day-of-month and day-of-week must be '?'");
      }
      return new Cron(
          field(text, f[0], 0, 59, null),
          field(text, f[1], 0, 23, null),
          domAny ? null : field(text, f[2], 1, 31, null),
          field(text, f[3], 1, 12, MONTHS),
          dowAny ? null : field(text, f[4], 1, 7, DAYS),
          field(text, f[5], 1970, 2199, null));
    }
    throw invalid(text, "expected rate(N unit) or cron(6 fields)");
  }

  String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private static LambdaException invalid(String text, String why) {
    return LambdaException.invalidParameter("ScheduleExpression: '" + text + "' (" + why + ")");
  }

  private static BitSet field(String text, String f, int min, int max, String[] names) {
    BitSet set = new BitSet();
    for (String part : f.split(",")) {
      String p = part.toUpperCase(Locale.ROOT);
      if (p.matches(".*[LW#].*") && !(names != null && p.matches("[A-Z]{3}(-[A-Z]{3})?(/\\d+)?"))) {
        throw invalid(text, "'" + part + "': L, W and # are not supported");
      }
      int step = 1;
      int slash = p.indexOf('/');
      if (slash >= 0) {
        step = number(text, p.substring(slash + 1), 1, max, null);
        p = p.substring(0, slash);
      }
      int lo;
      int hi;
      if (p.equals("*") || p.equals("?")) {
        lo = min;
        hi = max;
      } else if (p.contains("-")) {
        String[] r = p.split("-", 2);
        lo = number(text, r[0], min, max, names);
        hi = number(text, r[1], min, max, names);
      } else {
        lo = number(text, p, min, max, names);
        hi = slash >= 0 ? max : lo;
      }
      if (lo > hi) {
        throw invalid(text, "'" + part + "': range runs backwards");
      }
      for (int v = lo; v <= hi; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int number(String text, String s, int min, int max, String[] names) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(s)) {
          return i + 1;
        }
      }
    }
    try {
      int v = Integer.parseInt(s);
      if (v < min || v > max) {
        throw invalid(text, "'" + s + "' is outside " + min + "-" + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw invalid(text, "'" + s + "' is not a number");
    }
  }

  /** Every {@code period}, counted from when the schedule was created. */
  record Rate(Duration period) implements ScheduleExpression {
    @Override
    public Instant next(Instant after) {
      return after.plus(period);
    }
  }

  /** Matching minutes, in UTC. {@code dayOfMonth} or {@code dayOfWeek} is null for '?'. */
  record Cron(
      BitSet minutes,
      BitSet hours,
      BitSet dayOfMonth,
      BitSet months,
      BitSet dayOfWeek,
      BitSet years)
      implements ScheduleExpression {
    @Override
    public Instant next(Instant after) {
      ZonedDateTime t = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
      // Jump field by field (year, month, day, hour, minute) so rare schedules stay cheap.
      for (int guard = 0; guard < 100_000; guard++) {
        if (t.getYear() > 2199) {
          break;
        }
        if (!years.get(t.getYear())) {
          t = t.plusYears(1).withDayOfYear(1).truncatedTo(ChronoUnit.DAYS);
        } else if (!months.get(t.getMonthValue())) {
          t = t.plusMonths(1).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
        } else if (!dayMatches(t)) {
          t = t.plusDays(1).truncatedTo(ChronoUnit.DAYS);
        } else if (!hours.get(t.getHour())) {
          t = t.plusHours(1).truncatedTo(ChronoUnit.HOURS);
        } else if (!minutes.get(t.getMinute())) {
          t = t.plusMinutes(1);
        } else {
          return t.toInstant();
        }
      }
      return Instant.MAX;
    }

    private boolean dayMatches(ZonedDateTime t) {
      if (dayOfMonth != null) {
        return dayOfMonth.get(t.getDayOfMonth());
      }
      // AWS numbers days 1 (Sunday) to 7 (Saturday).
      int dow = t.getDayOfWeek() == DayOfWeek.SUNDAY ? 1 : t.getDayOfWeek().getValue() + 1;
      return dayOfWeek.get(dow);
    }
  }
}
