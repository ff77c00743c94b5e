/*
 * Licensed under the Apache License, Version 2.0 (see LICENSE at the project root).
 */
package flinkplatform.jobs;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * The platform's own test job for real Flink runs: it runs until cancelled, keeps keyed state (one
 * {@code ValueState} per key, so a RocksDB backend really holds state and incremental checkpoints have
 * something to upload) and can be restored from a checkpoint or savepoint (every operator has a fixed
 * uid).
 *
 * <p>It is written against APIs that exist unchanged in Flink 1.20 and 2.x: the FLIP-27
 * {@link DataGeneratorSource} (in flink-dist's lib since 1.18; SourceFunction is gone in 2.0),
 * {@link RichFlatMapFunction#open(OpenContext)} (open(Configuration) is gone in 2.0) and the Sink V2
 * {@link DiscardingSink}. The build compiles it once against each distribution's lib/.
 *
 * <p>Arguments (all optional):
 *
 * <pre>
 *   --name NAME                  job name (default "checkpointing-job")
 *   --keys N                     number of distinct keys (default 1000)
 *   --rate N                     records per second over all source subtasks (default 200)
 *   --checkpoint-interval MS     enable checkpointing with this interval; by default the cluster's
 *                                execution.checkpointing.* configuration decides (the platform's)
 * </pre>
 */
public final class CheckpointingJob {

  private CheckpointingJob() {}

  public static void main(String[] args) throws Exception {
    String name = "checkpointing-job";
    long keys = 1000;
    double rate = 200;
    long checkpointInterval = -1;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--name":
          name = required(args[i], value);
          i++;
          break;
        case "--keys":
          keys = Long.parseLong(required(args[i], value));
          i++;
          break;
        case "--rate":
          rate = Double.parseDouble(required(args[i], value));
          i++;
          break;
        case "--checkpoint-interval":
          checkpointInterval = Long.parseLong(required(args[i], value));
          i++;
          break;
        default:
          throw new IllegalArgumentException(
              "unknown argument " + args[i] + " (--name, --keys, --rate, --checkpoint-interval)");
      }
    }
    if (keys < 1) {
      throw new IllegalArgumentException("--keys must be at least 1");
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    if (checkpointInterval > 0) {
      env.enableCheckpointing(checkpointInterval);
    }

    // Long.MAX_VALUE records at a bounded rate: an unbounded job in practice. The source's position is
    // part of its checkpointed split state, so a restored job continues where it stopped.
    GeneratorFunction<Long, Long> sequence = index -> index;
    DataGeneratorSource<Long> source =
        new DataGeneratorSource<>(
            sequence, Long.MAX_VALUE, RateLimiterStrategy.perSecond(rate), Types.LONG);

    final long keyCount = keys;
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "sequence")
        .uid("sequence-source")
        .keyBy(value -> value % keyCount, Types.LONG)
        .flatMap(new CountPerKey())
        .uid("count-per-key")
        .name("count-per-key")
        .sinkTo(new DiscardingSink<>())
        .uid("discarding-sink")
        .name("discard");

    env.execute(name);
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  /** Counts the records of each key in keyed state and emits the running count. */
  static final class CountPerKey extends RichFlatMapFunction<Long, Long> {
    private static final long serialVersionUID = 1L;

    private transient ValueState<Long> count;

    @Override
    public void open(OpenContext openContext) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
    }

    @Override
    public void flatMap(Long value, Collector<Long> out) throws Exception {
      Long seen = count.value();
      long next = (seen == null ? 0 : seen) + 1;
      count.update(next);
      out.collect(next);
    }
  }
}
