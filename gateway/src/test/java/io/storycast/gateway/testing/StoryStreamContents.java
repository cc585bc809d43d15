package io.storycast.gateway.testing;

import io.storycast.gateway.redis.RedisKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

import static io.storycast.gateway.testing.TestRedis.await;

/** Reads every event out of the story streams, as the fan-out will: entries of one or more NDJSON events. */
public final class StoryStreamContents {
    private StoryStreamContents() {
    }

    /**
     * @return every stored event, each with {@code _entryId}, {@code _entryIndex}, {@code _partition} and
     *         {@code _producer} added
     */
    public static List<JsonObject> allEvents(TestRedis redis, RedisKeys keys) {
        List<JsonObject> events = new ArrayList<>();
        for (int partition = 0; partition < keys.partitions(); partition++) {
            Response entries = await(redis.api().xrange(List.of(keys.storyStream(partition), "-", "+")));
            for (Response entry : entries) {
                Response fields = entry.get(1);
                String lines = null;
                String producer = null;
                for (int i = 0; i < fields.size(); i += 2) {
                    switch (fields.get(i).toString()) {
                        case "events" -> lines = fields.get(i + 1).toString();
                        case "producer" -> producer = fields.get(i + 1).toString();
                        default -> throw new AssertionError("unexpected stream field " + fields.get(i));
                    }
                }
                String[] split = lines.split("\n", -1);
                for (int index = 0; index < split.length; index++) {
                    events.add(new JsonObject(split[index]).put("_entryId", entry.get(0).toString())
                            .put("_entryIndex", index).put("_partition", partition).put("_producer", producer));
                }
            }
        }
        return events;
    }

    /** @return the stored copies of one story */
    public static List<JsonObject> eventsOf(TestRedis redis, RedisKeys keys, String storyId) {
        return allEvents(redis, keys).stream().filter(event -> event.getString("storyId").equals(storyId)).toList();
    }
}
