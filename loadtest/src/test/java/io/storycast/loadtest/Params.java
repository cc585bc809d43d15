package io.storycast.loadtest;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The simulations' parameters: JVM system properties ({@code -Dname=value} on the Maven command line, which
 * the Gatling plugin passes on), each with a default. Every parameter read is remembered with the value it
 * took, so a run prints exactly what it ran with ({@link #print}). A value that does not parse stops the run
 * at once, naming the property, rather than running a different test than the one asked for.
 */
final class Params {
    private static final Map<String, String> USED = Collections.synchronizedMap(new LinkedHashMap<>());

    private Params() {
    }

    /** Reads {@code idPrefix} (lt): @return the start of every id the run creates */
    static String idPrefix() {
        return string("idPrefix", "lt");
    }

    /** @return the property, or {@code fallback} when it is unset or blank */
    static String string(String name, String fallback) {
        String value = System.getProperty(name);
        String used = value == null || value.isBlank() ? fallback : value.trim();
        USED.put(name, used);
        return used;
    }

    static int integer(String name, int fallback) {
        return parsed(name, Integer.toString(fallback), Integer::parseInt, "an integer");
    }

    /** @throws IllegalArgumentException when the value is below {@code min} */
    static int integer(String name, int fallback, int min) {
        int value = integer(name, fallback);
        if (value < min) {
            throw new IllegalArgumentException("system property " + name + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    static long longValue(String name, long fallback) {
        return parsed(name, Long.toString(fallback), Long::parseLong, "an integer");
    }

    /** @throws IllegalArgumentException when the value is not a number of at least {@code min} */
    static double decimal(String name, double fallback, double min) {
        double parsed = parsed(name, Double.toString(fallback), Double::parseDouble, "a number");
        if (!(parsed >= min)) {
            throw new IllegalArgumentException("system property " + name + " must be at least " + min + ", was " + parsed);
        }
        return parsed;
    }

    /** @return the property parsed, or {@code fallback} parsed when unset; a value that does not parse stops the run */
    private static <T> T parsed(String name, String fallback, Function<String, T> parser, String kind) {
        String value = string(name, fallback);
        try {
            return parser.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + name + " must be " + kind + ", was '" + value + "'", e);
        }
    }

    /** @return a percentage, 0 to 100 */
    static double percent(String name, double fallback) {
        double value = decimal(name, fallback, 0);
        if (value > 100) {
            throw new IllegalArgumentException("system property " + name + " is a percentage (0 to 100), was " + value);
        }
        return value;
    }

    /** @return the comma-separated items, trimmed, blanks left out; empty when the value is blank */
    static List<String> list(String name, String fallback) {
        String value = string(name, fallback);
        return Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    /** Prints every parameter read so far with its value: the first lines of a run's console output. */
    static void print(String simulation) {
        StringBuilder out = new StringBuilder(simulation).append(" parameters (-Dname=value):\n");
        synchronized (USED) {
            USED.forEach((name, value) -> out.append("  ").append(name).append(" = ")
                    .append(name.toLowerCase().contains("key") || name.toLowerCase().contains("secret") ? "(set)" : value)
                    .append('\n'));
        }
        System.out.print(out);
    }
}
