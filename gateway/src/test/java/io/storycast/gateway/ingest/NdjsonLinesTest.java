package io.storycast.gateway.ingest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class NdjsonLinesTest {
    private static String line(byte[] body, NdjsonLines lines, int i) {
        return new String(body, lines.offset(i), lines.length(i), StandardCharsets.UTF_8);
    }

    @Test
    void numbersLinesAsSentSkippingBlankOnes() {
        byte[] body = "{\"a\":1}\n\n  \n{\"b\":2}\r\n{\"c\":3}".getBytes(StandardCharsets.UTF_8);

        NdjsonLines lines = NdjsonLines.split(body, 10);

        assertThat(lines.count()).isEqualTo(3);
        assertThat(lines.lineNumber(0)).isEqualTo(1);
        assertThat(lines.lineNumber(1)).isEqualTo(4);
        assertThat(lines.lineNumber(2)).isEqualTo(5);
        assertThat(line(body, lines, 1)).isEqualTo("{\"b\":2}");
        assertThat(line(body, lines, 2)).isEqualTo("{\"c\":3}");
    }

    @Test
    void ignoresATrailingNewline() {
        byte[] body = "{}\n{}\n".getBytes(StandardCharsets.UTF_8);

        assertThat(NdjsonLines.split(body, 10).count()).isEqualTo(2);
    }

    @Test
    void refusesMoreLinesThanTheLimit() {
        byte[] body = "{}\n{}\n{}\n".getBytes(StandardCharsets.UTF_8);

        assertThat(NdjsonLines.split(body, 2)).isNull();
        assertThat(NdjsonLines.split(body, 3).count()).isEqualTo(3);
    }

    @Test
    void growsPastItsInitialCapacity() {
        byte[] body = "{}\n".repeat(1000).getBytes(StandardCharsets.UTF_8);

        NdjsonLines lines = NdjsonLines.split(body, 1000);

        assertThat(lines.count()).isEqualTo(1000);
        assertThat(lines.lineNumber(999)).isEqualTo(1000);
    }

    @Test
    void treatsABlankSingleBodyAsNoEvent() {
        assertThat(NdjsonLines.single(" \n ".getBytes(StandardCharsets.UTF_8)).count()).isZero();
        assertThat(NdjsonLines.single("{}".getBytes(StandardCharsets.UTF_8)).count()).isEqualTo(1);
    }
}
