package io.strata.functions.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionConfigTest {
  static FunctionConfig config(int memory, int timeout, Map<String, String> env) {
    return new FunctionConfig(
        "f", Runtime.PYTHON3, "app.handler", memory, timeout, env, null, 512, null);
  }

  static String error(Runnable r) {
    return assertThrows(LambdaException.class, r::run).getMessage();
  }

  @Test
  void memoryTimeoutAndEnvironmentLimitsAreEnforcedWithClearMessages() {
    assertEquals("MemorySize: 127 (expected: 128-10240 MB)", error(() -> config(127, 3, null)));
    assertEquals("MemorySize: 10241 (expected: 128-10240 MB)", error(() -> config(10241, 3, null)));
    assertEquals("Timeout: 0 (expected: 1-900 seconds)", error(() -> config(128, 0, null)));
    assertEquals("Timeout: 901 (expected: 1-900 seconds)", error(() -> config(128, 901, null)));
    config(10240, 900, Map.of("K", "v".repeat(4095)));
    assertEquals(
        "Environment.Variables: 4097 bytes (expected: at most 4096 bytes of keys and values)",
        error(() -> config(128, 3, Map.of("K", "v".repeat(4096)))));
    assertEquals(
        "Environment.Variables: 'AWS_REGION' is reserved by the runtime",
        error(() -> config(128, 3, Map.of("AWS_REGION", "x"))));
  }

  @Test
  void runtimeNamesAcceptStrataAndLambdaSpellings() {
    assertEquals(Runtime.NODEJS20, Runtime.parse("nodejs20.x"));
    assertEquals(Runtime.PYTHON3, Runtime.parse("python3.12"));
    assertEquals(Runtime.PROVIDED, Runtime.parse("provided.al2"));
    assertEquals(Runtime.JAVA17, Runtime.parse("java17"));
    assertThrows(LambdaException.class, () -> Runtime.parse("java8"));
  }

  @Test
  void weightedAliasPicksTheAdditionalVersionWithItsProbability() {
    Alias a = new Alias("live", "1", "2", 0.25, null);
    assertEquals("2", a.pick(0.10));
    assertEquals("1", a.pick(0.25));
    assertEquals("1", a.pick(0.90));
    assertThrows(LambdaException.class, () -> new Alias("live", "1", "2", 1.5, null));
    assertThrows(LambdaException.class, () -> new Alias("123", "1", null, 0, null));
  }
}
