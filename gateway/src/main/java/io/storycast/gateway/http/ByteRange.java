package io.storycast.gateway.http;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a {@code Range: bytes=...} header (RFC 9110, section 14), resolved against a
 * representation's length. Only a single range is served: a header the gateway does not serve (another
 * unit, several ranges, bad syntax) is ignored and the whole representation sent, as the RFC allows.
 *
 * @param first the first byte, 0 to {@code length - 1}
 * @param last  the last byte, inclusive, {@code first} to {@code length - 1}
 */
record ByteRange(long first, long last) {
    /** 1 to 18 digits, so a position always fits a {@code long}. */
    private static final Pattern SINGLE_RANGE = Pattern.compile("(?i)bytes=(\\d{0,18})-(\\d{0,18})"); // units are case-insensitive

    /** What a {@code Range} header asks for, given the representation's length. */
    sealed interface Request permits Whole, Part, Unsatisfiable {
    }

    /** No range, or one the gateway ignores: send the whole representation (200). */
    record Whole() implements Request {
    }

    /** One satisfiable range (206). */
    record Part(ByteRange range) implements Request {
    }

    /** A valid range that lies past the end (416). */
    record Unsatisfiable() implements Request {
    }

    /** @return the number of bytes in the range */
    long length() {
        return last - first + 1;
    }

    /**
     * @param header the {@code Range} header, or null
     * @param length the representation's length in bytes, at least 0
     */
    static Request of(String header, long length) {
        if (header == null) {
            return new Whole();
        }
        Matcher matcher = SINGLE_RANGE.matcher(header.trim());
        if (!matcher.matches() || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
            return new Whole(); // bad syntax, several ranges or a huge number: ignored
        }
        if (matcher.group(1).isEmpty()) { // a suffix: the last n bytes
            long suffix = Long.parseLong(matcher.group(2));
            return suffix == 0 || length == 0 ? new Unsatisfiable()
                    : new Part(new ByteRange(Math.max(0, length - suffix), length - 1));
        }
        long first = Long.parseLong(matcher.group(1));
        Optional<Long> last = matcher.group(2).isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(matcher.group(2)));
        if (last.isPresent() && last.get() < first) {
            return new Whole(); // invalid, so ignored (RFC 9110, section 14.1.1)
        }
        if (first >= length) {
            return new Unsatisfiable();
        }
        return new Part(new ByteRange(first, Math.min(length - 1, last.orElse(length - 1))));
    }
}
