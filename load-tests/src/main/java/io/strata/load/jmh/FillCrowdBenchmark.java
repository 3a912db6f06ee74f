package io.strata.load.jmh;

import io.strata.core.cache.CacheDecision;
import io.strata.core.cache.Fill;
import io.strata.core.cache.ResponseHead;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A crowd reading one fill: an upstream response nobody will store (too large, or private) arriving
 * in {@link #CHUNKS} chunks, each read by every one of {@code readers} readers before the next
 * arrives, as the waiters of a flash crowd read it. Reported per chunk (every reader reads it once):
 * a time in proportion to {@code readers} is constant work per reader; the fill walked every
 * reader on every read before, which grows with the square of the crowd.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FillCrowdBenchmark {
  private static final int CHUNKS = 16;
  private static final ResponseHead UNSTORABLE =
      new ResponseHead(
          200,
          MultiMap.caseInsensitiveMultiMap(),
          -1,
          0,
          0,
          new CacheDecision(false, 0, false, 0, 0, true, "private"),
          200);
  private static final Fill.UpstreamControl UPSTREAM = Fill.UpstreamControl.NONE;

  /** A reader of its own (a lambda without captures would be one object for the whole crowd). */
  private static final class Waiter implements Fill.Reader {
    @Override
    public void wake() {}
  }

  @Param({"200", "2000", "20000"})
  public int readers;

  private Fill.Reader[] crowd;
  private Buffer chunk;
  private Fill fill;

  @Setup(Level.Trial)
  public void readers() {
    crowd = new Fill.Reader[readers];
    for (int i = 0; i < readers; i++) {
      crowd[i] = new Waiter();
    }
    chunk = Buffer.buffer(new byte[16 * 1024]);
  }

  @Setup(Level.Invocation)
  public void joined() {
    fill = new Fill(1 << 20, MultiMap.caseInsensitiveMultiMap(), f -> {});
    for (Fill.Reader r : crowd) {
      fill.join(r);
    }
    fill.head(UNSTORABLE, UPSTREAM);
  }

  /** Every chunk of the response to every reader, one read at a time. */
  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public int crowdReadsTheResponse() {
    int bytes = 0;
    for (int c = 0; c < CHUNKS; c++) {
      fill.chunk(chunk);
      for (Fill.Reader r : crowd) {
        bytes += fill.read(r).chunk().length();
      }
    }
    return bytes;
  }
}
