package io.storycast.gateway.media;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UploadMemoryTest {
    private final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void refusesAtOnceWhatDoesNotFitAndGrantsItWhenBytesAreReleased() throws Exception {
        UploadMemory memory = new UploadMemory(100);
        assertThat(memory.tryReserve(70)).isTrue();
        assertThat(memory.tryReserve(40)).as("does not fit").isFalse();

        CountDownLatch granted = new CountDownLatch(1);
        memory.whenAvailable(40, context, granted::countDown);
        assertThat(granted.getCount()).as("still waiting: only 30 bytes free").isEqualTo(1);
        memory.release(70);

        assertThat(granted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(memory.reservedBytes()).isEqualTo(40);
    }

    @Test
    void waitersAreGrantedFirstComeFirstServedAndNobodyOvertakesThem() throws Exception {
        UploadMemory memory = new UploadMemory(100);
        assertThat(memory.tryReserve(100)).isTrue();
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch both = new CountDownLatch(2);
        memory.whenAvailable(80, context, () -> { order.add("large"); both.countDown(); });
        memory.whenAvailable(10, context, () -> { order.add("small"); both.countDown(); });
        assertThat(memory.tryReserve(1)).as("a newcomer does not overtake those waiting").isFalse();

        memory.release(100);

        assertThat(both.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly("large", "small");
        assertThat(memory.reservedBytes()).isEqualTo(90);
    }

    @Test
    void aCancelledWaiterIsNeverGrantedAndHoldsNothing() {
        UploadMemory memory = new UploadMemory(100);
        assertThat(memory.tryReserve(100)).isTrue();
        UploadMemory.Waiter waiter = memory.whenAvailable(50, context, () -> {
            throw new AssertionError("a cancelled waiter was granted");
        });

        assertThat(waiter.cancel()).isTrue();
        memory.release(100);

        assertThat(memory.reservedBytes()).isZero();
        assertThat(memory.tryReserve(100)).isTrue();
    }

    @Test
    void refusesAReservationThatCouldNeverFit() {
        assertThatThrownBy(() -> new UploadMemory(100).whenAvailable(101, context, () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never fit");
    }
}
