package io.strata.functions.env;

import io.strata.functions.model.FunctionVersion;
import io.strata.functions.model.Runtime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the command line and environment of an execution environment for each runtime, and
 * extracts the runtime files Strata ships (the Python and Node bootstraps, the official Java
 * runtime interface client) into {@code <dataDir>/runtimes}.
 *
 * <p>Memory: Java gets {@code -Xmx}, Node {@code --max-old-space-size}; Python and {@code provided}
 * run under {@code prlimit --as} (an address-space limit), because cgroup v2 delegation is not
 * something a plain process can count on.
 */
public final class Launcher {
  private static final String RIC_MAIN =
      "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

  private final RuntimeSettings settings;
  private final Path runtimes;
  private final boolean prlimit;

  public Launcher(RuntimeSettings settings) {
    this.settings = settings;
    this.runtimes = settings.dataDir().resolve("runtimes");
    try {
      extract("python/bootstrap.py");
      extract("node/bootstrap.mjs");
      Path ricList = runtimes.resolve("java");
      Files.createDirectories(ricList);
      String list;
      try (InputStream in = resource("java-ric.list")) {
        list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      for (String jar : list.split("\n")) {
        if (!jar.isBlank()) {
          extract("java-ric/" + jar.trim(), "java/" + jar.trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the runtime files into " + runtimes, e);
    }
    this.prlimit = Files.isExecutable(Path.of("/usr/bin/prlimit"));
  }

  private void extract(String name) throws IOException {
    extract(name, name);
  }

  private void extract(String resourceName, String target) throws IOException {
    Path out = runtimes.resolve(target);
    Files.createDirectories(out.getParent());
    try (InputStream in = resource(resourceName)) {
      Path tmp = Files.createTempFile(out.getParent(), ".extract", ".tmp");
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = Launcher.class.getResourceAsStream("/io/strata/functions/" + name);
    if (in == null) {
      throw new IOException("runtime resource missing from the class path: " + name);
    }
    return in;
  }

  /** The process to start for one environment of {@code fn}. */
  public ProcessBuilder command(
      FunctionVersion fn, String runtimeApi, Path tmpDir, String envId, boolean provisioned) {
    int mem = fn.config().memoryMb();
    List<String> cmd = new ArrayList<>();
    Runtime runtime = fn.config().runtime();
    long addressSpace = (long) mem * 1024 * 1024;
    switch (runtime) {
      case JAVA17 -> {
        // The JVM reserves far more address space than it uses, so its limit is the heap.
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + Math.max(64, mem * 85 / 100) + "m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-Djava.io.tmpdir=" + tmpDir);
        cmd.add("-cp");
        cmd.add(runtimes.resolve("java").toString() + "/*");
        cmd.add(RIC_MAIN);
        cmd.add(fn.config().handler());
      }
      case NODEJS20 -> {
        // V8 reserves gigabytes of address space up front; its heap flag is the limit that works.
        cmd.add("node");
        cmd.add("--max-old-space-size=" + Math.max(32, mem * 85 / 100));
        cmd.add(runtimes.resolve("node/bootstrap.mjs").toString());
      }
      case PYTHON3 -> {
        addPrlimit(cmd, addressSpace);
        cmd.add("python3");
        cmd.add(runtimes.resolve("python/bootstrap.py").toString());
      }
      case PROVIDED -> {
        addPrlimit(cmd, addressSpace);
        cmd.add(fn.codeDir().resolve("bootstrap").toString());
      }
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(fn.codeDir().toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(environment(fn, runtimeApi, tmpDir, envId));
    if (provisioned) {
      env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency");
    }
    return pb;
  }

  private void addPrlimit(List<String> cmd, long bytes) {
    if (prlimit) {
      cmd.add("/usr/bin/prlimit");
      cmd.add("--as=" + bytes);
      cmd.add("--");
    }
  }

  /** The standard Lambda variables, then the function's own. */
  Map<String, String> environment(
      FunctionVersion fn, String runtimeApi, Path tmpDir, String envId) {
    Map<String, String> env = new HashMap<>();
    String path = System.getenv("PATH");
    env.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
    env.put("LANG", "en_US.UTF-8");
    env.put("TZ", ":UTC");
    env.put("TMPDIR", tmpDir.toString());
    env.put("TMP", tmpDir.toString());
    env.put("TEMP", tmpDir.toString());
    env.put("HOME", tmpDir.toString());
    env.putAll(fn.config().environment());
    env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
    env.put("_HANDLER", fn.config().handler());
    env.put("LAMBDA_TASK_ROOT", fn.codeDir().toString());
    env.put("LAMBDA_RUNTIME_DIR", runtimes.toString());
    if (fn.config().runtime() != Runtime.PROVIDED) {
      env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + fn.config().runtime().id());
    }
    env.put("AWS_REGION", settings.region());
    env.put("AWS_DEFAULT_REGION", settings.region());
    env.put("AWS_LAMBDA_FUNCTION_NAME", fn.name());
    env.put("AWS_LAMBDA_FUNCTION_VERSION", fn.version());
    env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(fn.config().memoryMb()));
    env.put("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(fn.config().timeoutSeconds()));
    env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
    env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + fn.name());
    env.put(
        "AWS_LAMBDA_LOG_STREAM_NAME",
        java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().replace('-', '/')
            + "/["
            + fn.version()
            + "]"
            + envId);
    return env;
  }
}
