package io.storycast.gateway.fanout;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bulk lane's pace, on a clock and timers the test moves by hand: every batch at once while no story is
 * under way; while one is, one batch at a time and a pause scaled by the duty cycle after each.
 */
class LanePacerTest {
    private static final long MS = 1_000_000;

    private final long[] now = {1_000 * MS};
    private final List<Scheduled> timers = new ArrayList<>();
    private final AtomicInteger paced = new AtomicInteger();
    private final ExpressActivity express = new ExpressActivity(() -> now[0]);
    private final List<String> sent = new ArrayList<>();

    private record Scheduled(long delayMillis, Runnable action) {
    }

    private LanePacer pacer(int dutyCyclePercent) {
        return LanePacer.yieldingTo(express, dutyCyclePercent, () -> now[0],
                (delayMillis, action) -> timers.add(new Scheduled(delayMillis, action)), paced::incrementAndGet);
    }

    private void send(LanePacer pacer, String batch) {
        pacer.whenMaySend(() -> sent.add(batch));
    }

    /** Moves the clock to the first timer's due time and runs it. */
    private void runFirstTimer() {
        Scheduled timer = timers.remove(0);
        now[0] += timer.delayMillis() * MS;
        timer.action().run();
    }

    @Test
    void sendsEveryBatchAtOnceWhileNoStoryIsUnderway() {
        LanePacer pacer = pacer(50);

        send(pacer, "a");
        send(pacer, "b");
        send(pacer, "c");

        assertThat(sent).containsExactly("a", "b", "c");
        assertThat(paced).hasValue(0);
        assertThat(timers).isEmpty();
    }

    @Test
    void holdsTheNextBatchUntilTheLastIsAnsweredWhileAStoryIsUnderway() {
        LanePacer pacer = pacer(50);
        express.storyBegan();

        send(pacer, "a");
        send(pacer, "b");
        assertThat(sent).as("one batch at a time").containsExactly("a");

        now[0] += 10 * MS;
        pacer.answered(10 * MS);
        assertThat(sent).as("a 10 ms round trip at 50% is followed by a 10 ms pause").containsExactly("a");
        assertThat(timers).extracting(Scheduled::delayMillis).containsExactly(10L);

        express.storyBegan(); // still busy when the pause ends
        runFirstTimer();
        assertThat(sent).containsExactly("a", "b");
        assertThat(paced).hasValue(2);
    }

    @Test
    void pausesForTheRoundTripTimesTheDutyCyclesRest() {
        LanePacer pacer = pacer(20);
        express.storyBegan();
        send(pacer, "a");
        now[0] += 5 * MS;

        pacer.answered(5 * MS);
        send(pacer, "b");

        assertThat(timers).as("5 ms in Redis at 20% is followed by 20 ms out of it")
                .extracting(Scheduled::delayMillis).containsExactly(20L);
        now[0] += 19 * MS;
        express.storyBegan();
        send(pacer, "c");
        assertThat(sent).as("nothing goes before the pause is over").containsExactly("a");
    }

    @Test
    void neverPausesLongerThanTheCap() {
        LanePacer pacer = pacer(1);
        express.storyBegan();
        send(pacer, "a");
        now[0] += 100 * MS;
        express.storyBegan();

        pacer.answered(100 * MS);
        send(pacer, "b");

        assertThat(timers).as("100 ms at 1% would be a 9.9 s pause").extracting(Scheduled::delayMillis)
                .containsExactly(LanePacer.MAX_PAUSE_MILLIS);
    }

    @Test
    void goesBackToFullSpeedOnceNoStoryHasBegunForTheBusyWindow() {
        LanePacer pacer = pacer(50);
        express.storyBegan();
        send(pacer, "a");
        now[0] += 40 * MS;
        pacer.answered(40 * MS);
        send(pacer, "b");
        send(pacer, "c");
        assertThat(sent).containsExactly("a");

        // The pause (40 ms) ends 80 ms after the story began: still busy, so one batch goes.
        runFirstTimer();
        assertThat(sent).containsExactly("a", "b");
        now[0] += ExpressActivity.BUSY_FOR_MILLIS * MS;
        pacer.answered(MS);

        assertThat(sent).as("no story for the busy window: the rest goes at once").containsExactly("a", "b", "c");
    }

    @Test
    void keepsArrivalOrderAcrossPauses() {
        LanePacer pacer = pacer(50);
        express.storyBegan();
        for (String batch : List.of("1", "2", "3", "4")) {
            send(pacer, batch);
        }
        for (int i = 0; i < 3; i++) {
            express.storyBegan();
            now[0] += MS;
            pacer.answered(MS);
            runFirstTimer();
        }

        assertThat(sent).containsExactly("1", "2", "3", "4");
        assertThat(timers).isEmpty();
    }

    @Test
    void oneHundredPercentPacesNothing() {
        LanePacer pacer = pacer(100);
        express.storyBegan();

        send(pacer, "a");
        send(pacer, "b");

        assertThat(pacer).isSameAs(LanePacer.unpaced());
        assertThat(sent).containsExactly("a", "b");
        assertThat(paced).hasValue(0);
    }

    @Test
    void refusesADutyCycleOutsideOneToOneHundred() {
        assertThatThrownBy(() -> pacer(0)).hasMessageContaining("1 to 100, was 0");
        assertThatThrownBy(() -> pacer(101)).hasMessageContaining("1 to 100, was 101");
    }
}
