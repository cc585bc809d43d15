package io.storycast.bench;

import io.storycast.gateway.config.IngestConfig;
import io.storycast.gateway.ingest.DecodeResult;
import io.storycast.gateway.ingest.NdjsonLines;
import io.storycast.gateway.ingest.StoryEventDecoder;
import io.storycast.gateway.ingest.StoryEventEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Decoding and validating story events, the CPU cost of ingest before Redis: one event, and an NDJSON
 * batch of 100 (split + decode every line); one event refused by validation (its {@code shareTo} names its
 * source platform: the last rule checked, so every field is read and every other rule passes first). Also the canonical
 * re-encoding stored in the stream.
 *
 * <p>{@code java -jar bench/target/benchmarks.jar StoryEventDecode -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoryEventDecodeBenchmark {
    private StoryEventDecoder decoder;
    private StoryEventEncoder encoder;
    private byte[] singleEvent;
    private byte[] batchOf100;
    private byte[] invalidEvent;
    private DecodeResult decoded;

    @Setup
    public void setUp() {
        decoder = new StoryEventDecoder(new IngestConfig(16, 1000, 2200, 86_400, 300, 1), System::currentTimeMillis);
        encoder = new StoryEventEncoder();
        singleEvent = BenchEvents.event("bench-story-1", "author-1").getBytes(StandardCharsets.UTF_8);
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            batch.append(BenchEvents.event("bench-story-" + i, "author-" + i)).append('\n');
        }
        batchOf100 = batch.toString().getBytes(StandardCharsets.UTF_8);
        invalidEvent = BenchEvents.event("bench-story-2", "author-1")
                .replace("\"shareTo\":[\"facebook\",\"whatsapp\"]", "\"shareTo\":[\"facebook\",\"instagram\"]")
                .getBytes(StandardCharsets.UTF_8);
        DecodeResult refused = decoder.decode(invalidEvent, 0, invalidEvent.length);
        if (refused.isValid() || !"shareTo".equals(refused.problem().field())) {
            throw new IllegalStateException("the invalid benchmark event was not refused for its shareTo");
        }
        decoded = decoder.decode(singleEvent, 0, singleEvent.length);
        if (!decoded.isValid()) {
            throw new IllegalStateException("benchmark event is invalid: " + decoded.problem());
        }
    }

    @Benchmark
    public DecodeResult decodeSingleEvent() {
        return decoder.decode(singleEvent, 0, singleEvent.length);
    }

    /** The refusal: every field read, the one rule broken named in the result. */
    @Benchmark
    public DecodeResult decodeInvalidEvent() {
        return decoder.decode(invalidEvent, 0, invalidEvent.length);
    }

    /** Throughput in batches/s; multiply by 100 for events/s. */
    @Benchmark
    public void decodeNdjsonBatchOf100(Blackhole blackhole) {
        NdjsonLines lines = NdjsonLines.split(batchOf100, 1000);
        for (int i = 0; i < lines.count(); i++) {
            blackhole.consume(decoder.decode(batchOf100, lines.offset(i), lines.length(i)));
        }
    }

    @Benchmark
    public byte[] encodeCanonicalEvent() {
        return encoder.encode(decoded.event());
    }
}
