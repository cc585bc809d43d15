package io.storycast.gateway.story;

/**
 * RFC 3339 date-times read and written by hand, to the millisecond. {@code java.time}'s
 * {@code OffsetDateTime.parse} and {@code Instant.toString} took 18% of the gateway's samples in a JFR profile of the
 * batch ingest phase; these took 0.9% (docs/PERFORMANCE.md). The tests check both against {@code java.time} over
 * random instants and mutated texts.
 *
 * <p>What {@link #parseEpochMillis} takes is RFC 3339's {@code date-time} (section 5.6) with a four-digit year:
 * {@code YYYY-MM-DDTHH:MM:SS}, an optional fraction of 1 to 9 digits, then {@code Z} or {@code +HH:MM} /
 * {@code -HH:MM} with the offset at most 18:00 (as {@code java.time} allows). {@code T} and {@code Z} may be
 * lower case (RFC 3339 allows it). Dates are checked against the calendar (no 30 February); hours are 00 to 23,
 * and the leap second 60 is refused, as {@code java.time} does. A fraction beyond milliseconds is cut off
 * (toward the past, as {@code Instant.toEpochMilli} does).
 */
public final class Rfc3339 {
    /** What {@link #parseEpochMillis} answers for a text that is not an RFC 3339 date-time. */
    public static final long INVALID = Long.MIN_VALUE;

    private static final int SHORTEST = "2026-11-21T12:00:00Z".length();
    private static final int LONGEST = "2026-11-21T12:00:00.123456789+01:00".length();
    private static final long MAX_OFFSET_SECONDS = 18 * 3600;

    private Rfc3339() {
    }

    /**
     * @param text the date-time, e.g. {@code 2026-11-21T12:00:00.250+01:00}
     * @return its instant in epoch milliseconds, or {@link #INVALID}
     */
    public static long parseEpochMillis(CharSequence text) {
        int length = text.length();
        if (length < SHORTEST || length > LONGEST || text.charAt(4) != '-' || text.charAt(7) != '-'
                || (text.charAt(10) | 0x20) != 't' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return INVALID;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return INVALID;
        }
        int at = 19;
        int millis = 0;
        if (text.charAt(at) == '.') {
            int from = ++at;
            while (at < length && isDigit(text.charAt(at))) {
                if (at - from < 3) {
                    millis = millis * 10 + text.charAt(at) - '0';
                }
                at++;
            }
            int fractionDigits = at - from;
            if (fractionDigits == 0 || fractionDigits > 9) {
                return INVALID;
            }
            for (int k = fractionDigits; k < 3; k++) {
                millis *= 10;
            }
        }
        long offsetSeconds = offsetSeconds(text, at);
        if (offsetSeconds == INVALID) {
            return INVALID;
        }
        long epochSecond = daysSinceEpoch(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return epochSecond * 1000 + millis;
    }

    /**
     * @param epochMillis an instant from year 0000 to 9999, epoch milliseconds
     * @return it in UTC as {@code Instant.toString} writes it: {@code 2026-11-21T12:00:00Z}, or with
     *         {@code .SSS} when the milliseconds are not zero
     */
    public static String formatUtcMillis(long epochMillis) {
        long epochSecond = Math.floorDiv(epochMillis, 1000);
        int millis = Math.floorMod(epochMillis, 1000);
        long days = Math.floorDiv(epochSecond, 86_400);
        int secondOfDay = Math.floorMod(epochSecond, 86_400);
        // Howard Hinnant's civil_from_days, shifted so that the year starts on 1 March.
        long shifted = days + 719_468;
        long era = Math.floorDiv(shifted, 146_097);
        long dayOfEra = shifted - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthIndex = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            throw new IllegalArgumentException("year " + year + " is outside 0000-9999: " + epochMillis + " ms");
        }
        char[] out = new char[millis == 0 ? 20 : 24];
        put(out, 0, (int) year, 4);
        out[4] = '-';
        put(out, 5, month, 2);
        out[7] = '-';
        put(out, 8, day, 2);
        out[10] = 'T';
        put(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        put(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        put(out, 17, secondOfDay % 60, 2);
        if (millis != 0) {
            out[19] = '.';
            put(out, 20, millis, 3);
        }
        out[out.length - 1] = 'Z';
        return new String(out);
    }

    /** @return the offset's seconds east of UTC, or {@link #INVALID} unless the text ends with a valid offset at {@code at} */
    private static long offsetSeconds(CharSequence text, int at) {
        int remaining = text.length() - at;
        if (remaining == 0) {
            return INVALID;
        }
        char sign = text.charAt(at);
        if (remaining == 1 && (sign | 0x20) == 'z') {
            return 0;
        }
        if (remaining != 6 || (sign != '+' && sign != '-') || text.charAt(at + 3) != ':') {
            return INVALID;
        }
        int hours = digits(text, at + 1, 2);
        int minutes = digits(text, at + 4, 2);
        if (hours < 0 || minutes < 0 || minutes > 59) {
            return INVALID;
        }
        long seconds = hours * 3600L + minutes * 60L;
        if (seconds > MAX_OFFSET_SECONDS) {
            return INVALID;
        }
        return sign == '-' ? -seconds : seconds;
    }

    /** Days from 1970-01-01 to the date (proleptic Gregorian), Howard Hinnant's days_from_civil. */
    private static long daysSinceEpoch(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** @return the decimal value of {@code count} digits from {@code from}, or -1 if one is not a digit */
    private static int digits(CharSequence text, int from, int count) {
        int value = 0;
        for (int k = from; k < from + count; k++) {
            char c = text.charAt(k);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + c - '0';
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int k = at + width - 1; k >= at; k--) {
            out[k] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
