package io.storycast.gateway.ingest;

import com.fasterxml.jackson.core.io.SerializedString;

import java.util.function.Function;

/**
 * Enum values' wire names as JSON strings encoded once, for Jackson generators that write them for every event or
 * line (the stream entry, a batch's answer): writing a name from a {@code String} scans its characters each time.
 */
public final class JsonNames {
    private JsonNames() {
    }

    /**
     * @param values   every value of the enum, in ordinal order ({@code E.values()})
     * @param wireName a value's name on the wire
     * @return the encoded names, indexed by ordinal
     */
    public static <E extends Enum<E>> SerializedString[] of(E[] values, Function<E, String> wireName) {
        SerializedString[] names = new SerializedString[values.length];
        for (E value : values) {
            names[value.ordinal()] = new SerializedString(wireName.apply(value));
        }
        return names;
    }
}
