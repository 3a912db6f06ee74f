package io.strata.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.function.ThrowingSupplier;

/** Generators and the hang guard the fuzz properties share. */
final class Fuzz {
  /** Far above any honest parse (microseconds): only a hang or a blow-up reaches it. */
  static final Duration HANG = Duration.ofSeconds(2);

  private Fuzz() {}

  /** Runs {@code call} on another thread and fails the try if it does not return in time. */
  static <T> T noHang(ThrowingSupplier<T> call) {
    return assertTimeoutPreemptively(HANG, call);
  }

  /** Strings made of the given fragments, so generated input hits the interesting syntax often. */
  static Arbitrary<String> joined(int maxFragments, List<String> fragments) {
    return Arbitraries.of(fragments)
        .list()
        .ofMaxSize(maxFragments)
        .map(parts -> String.join("", parts));
  }

  /** Any characters, biased to ASCII punctuation, controls and some non-ASCII. */
  static Arbitrary<String> anyText(int maxLength) {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(maxLength),
        Arbitraries.strings().ascii().ofMaxLength(maxLength),
        Arbitraries.strings()
            .withChars("\t\r\n \",;=*/-.:0123456789aAzZ\\%()<>@[]?{}~")
            .ofMaxLength(maxLength));
  }
}
