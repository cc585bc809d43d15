package io.storycast.gateway.metrics;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class StageRecorderTest {

    @Test
    void everyThreadsValuesReachTheIntervalAlsoPastTheSingleWriterThreads() throws InterruptedException {
        StageRecorder stage = new StageRecorder("test.stage", "test");
        int threads = StageRecorder.MAX_SINGLE_WRITER_THREADS + 3;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long value = 100L * (t + 1);
            writers.add(new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    stage.recordMicros(value);
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join();
        }

        Histogram interval = stage.intervalHistogram();

        assertThat(stage.singleWriterThreads()).isEqualTo(StageRecorder.MAX_SINGLE_WRITER_THREADS);
        assertThat(interval.getTotalCount()).isEqualTo(1000L * threads);
        for (int t = 0; t < threads; t++) {
            assertThat(interval.getCountAtValue(100L * (t + 1))).as("thread %d's value", t).isEqualTo(1000);
        }
        assertThat(stage.intervalHistogram().getTotalCount()).as("the next interval starts empty").isZero();
    }

    @Test
    void noValueIsLostOrCountedTwiceWhileIntervalsAreSwappedDuringRecording() throws InterruptedException {
        StageRecorder stage = new StageRecorder("test.stage", "test");
        int perThread = 200_000;
        CountDownLatch done = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    stage.recordMicros(i % 5000);
                }
                done.countDown();
            }).start();
        }
        long swapped = 0;
        int swaps = 0;
        while (!done.await(0, TimeUnit.MILLISECONDS) || swaps == 0) {
            swapped += stage.intervalHistogram().getTotalCount();
            swaps++;
        }
        swapped += stage.intervalHistogram().getTotalCount();

        assertThat(swapped).isEqualTo(2L * perThread);
    }

    @Test
    void outOfRangeValuesAreClampedInsteadOfThrowing() {
        StageRecorder stage = new StageRecorder("test.stage", "test");
        stage.recordMicros(-5);
        stage.recordMicros(Long.MAX_VALUE);

        Histogram interval = stage.intervalHistogram();

        assertThat(interval.getCountAtValue(0)).isEqualTo(1);
        assertThat(interval.getMaxValue()).isEqualTo(interval.highestEquivalentValue(StageRecorder.HIGHEST_TRACKABLE_MICROS));
    }
}
