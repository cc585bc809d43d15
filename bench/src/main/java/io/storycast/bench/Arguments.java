package io.storycast.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A main's command line, {@code --name value} pairs (a {@code --name} followed by another option or by nothing is a
 * flag: "true"), read through typed getters with defaults. A value that does not parse stops the run at once, naming
 * the option. Every option read is remembered, so {@link #requireKnown()} refuses an option given but never read (a
 * typo would otherwise run on the default and report figures of another run than the one asked for).
 *
 * <p>Not thread-safe: a main reads its options on one thread before it starts measuring.
 */
final class Arguments {
    private final Map<String, String> values;
    private final Set<String> given;
    /** The options read, shared with every copy made by {@link #withDefaults} and {@link #with}. */
    private final Set<String> read;
    /** Options this copy fixes ({@link #with}): reading them takes no option of the command line. */
    private final Set<String> fixed;

    private Arguments(Map<String, String> values, Set<String> given, Set<String> read, Set<String> fixed) {
        this.values = Map.copyOf(values);
        this.given = given;
        this.read = read;
        this.fixed = Set.copyOf(fixed);
    }

    /** @throws IllegalArgumentException on anything but {@code --name value} pairs and {@code --flag}s */
    static Arguments parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || args[i].length() == 2) {
                throw new IllegalArgumentException("expected --name value pairs or --flag, got '" + args[i] + "'");
            }
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            options.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
        return new Arguments(options, Set.copyOf(options.keySet()), new TreeSet<>(), Set.of());
    }

    /** @return these arguments over {@code defaults}: a default counts where its option was not given */
    Arguments withDefaults(Map<String, String> defaults) {
        Map<String, String> merged = new HashMap<>(defaults);
        merged.putAll(values);
        return new Arguments(merged, given, read, fixed);
    }

    /**
     * @return a copy in which {@code name} is {@code value}, whatever was given: a setting that a caller fixes or
     *         takes from another option. Reading it from the copy does not count the option as known, so a
     *         {@code --name} given on the command line that nothing else reads is still refused.
     */
    Arguments with(String name, String value) {
        Map<String, String> changed = new HashMap<>(values);
        changed.put(name, Objects.requireNonNull(value, name));
        Set<String> nowFixed = new HashSet<>(fixed);
        nowFixed.add(name);
        return new Arguments(changed, given, read, nowFixed);
    }

    /** @return the option's value, or {@code fallback} (may be null) when it is absent */
    String string(String name, String fallback) {
        if (!fixed.contains(name)) {
            read.add(name);
        }
        return values.getOrDefault(name, fallback);
    }

    Path path(String name, String fallback) {
        return Path.of(string(name, fallback));
    }

    int integer(String name, int fallback) {
        String value = string(name, Integer.toString(fallback));
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, was '" + value + "'", e);
        }
    }

    long longValue(String name, long fallback) {
        String value = string(name, Long.toString(fallback));
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, was '" + value + "'", e);
        }
    }

    double decimal(String name, double fallback) {
        String value = string(name, Double.toString(fallback));
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, was '" + value + "'", e);
        }
    }

    /** @return true for {@code true} (and a bare {@code --name}), false for {@code false}; anything else is refused */
    boolean bool(String name, boolean fallback) {
        String value = string(name, Boolean.toString(fallback)).trim();
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("--" + name + " must be true or false, was '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** @throws IllegalArgumentException naming every option given on the command line that nothing has read */
    void requireKnown() {
        Set<String> unknown = new TreeSet<>(given);
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option" + (unknown.size() == 1 ? " --" : "s --")
                    + String.join(", --", unknown) + "; the options are --" + String.join(", --", read));
        }
    }
}
