package io.storycast.gateway.story;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@link Rfc3339} against {@code java.time} as the oracle, over fixed edge cases and seeded random texts. */
class Rfc3339Test {
    /** RFC 3339 section 5.6's date-time with a four-digit year: the syntax; java.time then checks the values. */
    private static final Pattern SYNTAX =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");
    private static final long YEAR_0000 = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    private static final long YEAR_9999_END = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    @Test
    void formatsEveryInstantAsInstantToStringDoes() {
        SplittableRandom random = new SplittableRandom(3339);
        long[] edges = {0, -1, 1, 999, 1000, -1000, -999, YEAR_0000, YEAR_9999_END,
                Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli(), Instant.parse("2000-03-01T00:00:00Z").toEpochMilli(),
                Instant.parse("1900-02-28T12:00:00.001Z").toEpochMilli()};
        for (long millis : edges) {
            assertThat(Rfc3339.formatUtcMillis(millis)).as("%d ms", millis).isEqualTo(Instant.ofEpochMilli(millis).toString());
        }
        for (int k = 0; k < 100_000; k++) {
            long millis = random.nextLong(YEAR_0000, YEAR_9999_END + 1);
            if (k % 4 == 0) {
                millis -= Math.floorMod(millis, 1000); // whole seconds: no fraction written
            }
            assertThat(Rfc3339.formatUtcMillis(millis)).as("%d ms", millis).isEqualTo(Instant.ofEpochMilli(millis).toString());
        }
    }

    @Test
    void refusesToFormatAYearOutsideFourDigits() {
        assertThatIllegalArgumentException().isThrownBy(() -> Rfc3339.formatUtcMillis(YEAR_0000 - 1));
        assertThatIllegalArgumentException().isThrownBy(() -> Rfc3339.formatUtcMillis(YEAR_9999_END + 1));
    }

    @Test
    void parsesWhatJavaTimeParsesWithAnyOffsetAndFraction() {
        SplittableRandom random = new SplittableRandom(5_6);
        for (int k = 0; k < 50_000; k++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(YEAR_0000 / 1000 + 86_400, YEAR_9999_END / 1000 - 86_400),
                    random.nextInt(1_000_000_000));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 60, 18 * 60 + 1) * 60);
            int fractionDigits = random.nextInt(10);
            String pattern = "uuuu-MM-dd'T'HH:mm:ss" + (fractionDigits > 0 ? "." + "S".repeat(fractionDigits) : "") + "XXX";
            String text = instant.atOffset(offset).format(DateTimeFormatter.ofPattern(pattern));
            assertThat(Rfc3339.parseEpochMillis(text)).as(text).isEqualTo(oracle(text));
        }
    }

    @Test
    void agreesWithJavaTimeOnMutatedTexts() {
        SplittableRandom random = new SplittableRandom(1985);
        String[] seeds = {"2026-11-21T12:00:00Z", "2024-02-29T23:59:59.999+01:00", "1999-12-31t00:00:00.5-05:30",
                "2026-11-21T12:00:00.123456789z", "0000-01-01T00:00:00+18:00"};
        String alphabet = "0123456789-:T.Z+tz 9";
        int accepted = 0;
        for (int k = 0; k < 150_000; k++) {
            StringBuilder text = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            for (int edits = 1 + random.nextInt(2); edits > 0; edits--) {
                int at = random.nextInt(text.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> text.setCharAt(at, c);
                    case 1 -> text.insert(at, c);
                    default -> text.deleteCharAt(at);
                }
            }
            String mutated = text.toString();
            long expected = oracle(mutated);
            assertThat(Rfc3339.parseEpochMillis(mutated)).as(mutated).isEqualTo(expected);
            if (expected != Rfc3339.INVALID) {
                accepted++;
            }
        }
        assertThat(accepted).as("mutations that stay valid, so both branches are compared").isGreaterThan(5_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-21T12:00:00", "2026-11-21T12:00Z", "2026-11-21T12:00:00.Z", "2026-11-21T12:00:00+01",
            "2026-11-21T12:00:00+0100", "2026-11-21T12:00:00+01:00:30", "2026-11-21T12:00:00.1234567891Z",
            "2026-02-29T12:00:00Z", "2026-04-31T12:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T23:59:60Z",
            "2026-11-21T12:00:00+18:01", "2026-11-21T12:00:00-19:00", "+2026-11-21T12:00:00Z", "2026-11-21 12:00:00Z",
            "2026-11-21T12:00:00Zx", "", "tomorrow"})
    void rejectsWhatRfc3339OrTheCalendarRefuses(String text) {
        assertThat(Rfc3339.parseEpochMillis(text)).isEqualTo(Rfc3339.INVALID);
    }

    @Test
    void readsLowerCaseSeparatorsAndCutsTheFractionToMilliseconds() {
        long expected = Instant.parse("2026-11-21T11:00:00.123Z").toEpochMilli();
        assertThat(Rfc3339.parseEpochMillis("2026-11-21t12:00:00.123999+01:00")).isEqualTo(expected);
        assertThat(Rfc3339.parseEpochMillis("2026-11-21t11:00:00.123z")).isEqualTo(expected);
        assertThat(Rfc3339.parseEpochMillis("1969-12-31T23:59:59.5Z")).isEqualTo(-500);
    }

    private static long oracle(String text) {
        if (!SYNTAX.matcher(text).matches()) {
            return Rfc3339.INVALID;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            return Rfc3339.INVALID;
        }
    }
}
