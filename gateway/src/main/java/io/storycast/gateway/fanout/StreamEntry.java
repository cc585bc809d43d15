package io.storycast.gateway.fanout;

import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a story stream as the fan-out reads it: the NDJSON of one or more accepted events (field
 * {@code events}, written by {@code append-stories.lua}). An event is addressed as
 * {@code "<entryId>#<index>"}, its line number from 0.
 *
 * @param partition the stream's partition
 * @param id        the entry id
 * @param events    the events' UTF-8 NDJSON, one per line
 */
record StreamEntry(int partition, String id, byte[] events) {

    StreamEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(events, "events");
    }

    /** @return when Redis appended the entry (the time part of its id), epoch ms on Redis's clock */
    long appendedAtMillis() {
        return appendedAtMillis(id);
    }

    /**
     * @param entryIdOrAddress a stream entry id ({@code <ms>-<seq>}) or an event's address ({@code <id>#<line>})
     * @return the time part of the id, epoch ms on Redis's clock
     */
    static long appendedAtMillis(String entryIdOrAddress) {
        return Long.parseLong(entryIdOrAddress, 0, entryIdOrAddress.indexOf('-'), 10);
    }

    /** @return where the event on {@code line} lives, {@code "<entryId>#<line>"} */
    String eventAddress(int line) {
        return id + '#' + line;
    }

    /**
     * @param entries the entries of a read: each {@code [id, [field, value, ...]]}. An entry deleted from the
     *                stream while pending comes with no fields (or as {@code null} from Redis 6.2's plain
     *                XAUTOCLAIM, which names no id; the fan-out's take-over, {@code claim-idle.lua}, acknowledges
     *                those itself). The fan-out's own trimming never removes a pending entry (it looks and trims
     *                in one script); only a manual XDEL or XTRIM makes these.
     * @param deleted receives the ids of entries without fields, which have nothing to fan out
     */
    static List<StreamEntry> parse(int partition, Response entries, List<String> deleted) {
        List<StreamEntry> parsed = new ArrayList<>(entries == null ? 0 : entries.size());
        if (entries == null) {
            return parsed;
        }
        for (Response entry : entries) {
            if (entry == null) {
                continue; // Redis 6.2's XAUTOCLAIM names no id for a deleted entry: nothing to acknowledge
            }
            Response fields = entry.size() > 1 ? entry.get(1) : null;
            Response events = fields == null || fields.size() == 0 ? null : fields.get("events");
            if (events == null) {
                deleted.add(entry.get(0).toString());
            } else {
                parsed.add(new StreamEntry(partition, entry.get(0).toString(), events.toBytes()));
            }
        }
        return parsed;
    }

    /** @return the start offset and length of each line, as pairs */
    int[] lineBounds() {
        int lines = 1;
        for (byte b : events) {
            if (b == '\n') {
                lines++;
            }
        }
        int[] bounds = new int[2 * lines];
        int start = 0;
        int line = 0;
        for (int i = 0; i <= events.length; i++) {
            if (i == events.length || events[i] == '\n') {
                bounds[2 * line] = start;
                bounds[2 * line + 1] = i - start;
                line++;
                start = i + 1;
            }
        }
        return bounds;
    }
}
