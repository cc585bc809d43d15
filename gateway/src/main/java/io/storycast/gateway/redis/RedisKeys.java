package io.storycast.gateway.redis;

import io.storycast.gateway.story.Platform;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The one place that names Redis keys. Every key of a stream partition carries the partition's hash tag,
 * {@code {<prefix>:p<n>}}, so a script touching a stream and its dedupe keys stays in one Redis Cluster
 * slot.
 *
 * <pre>
 * {storycast:p3}:stories                      stream of accepted events of partition 3
 * {storycast:p3}:seen:instagram:&lt;storyId&gt;      dedupe marker: value = stream entry id, expires with the story
 * </pre>
 */
public final class RedisKeys {
    /** The consumer group the fan-out workers read the story streams with; created at start-up. */
    public static final String FANOUT_GROUP = "fanout";

    private final String prefix;
    private final int partitions;

    /**
     * @param prefix     first part of every hash tag, e.g. {@code storycast}
     * @param partitions number of stream partitions, at least 1
     */
    public RedisKeys(String prefix, int partitions) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        this.partitions = partitions;
    }

    /** @return the number of stream partitions */
    public int partitions() {
        return partitions;
    }

    /**
     * The partition of an author: every story of one author lands in one stream, in order.
     *
     * @param authorId the author's id
     * @return a partition in {@code [0, partitions)}, stable across processes and versions (CRC-32C)
     */
    public int partitionOf(String authorId) {
        CRC32C crc = new CRC32C();
        crc.update(authorId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions);
    }

    /** @return the stream key of a partition */
    public String storyStream(int partition) {
        return hashTag(partition) + ":stories";
    }

    /** @return the dedupe key of a story; in the same slot as {@link #storyStream(int)} of {@code partition} */
    public String seenStory(int partition, Platform platform, String storyId) {
        return hashTag(partition) + ":seen:" + platform.wireName() + ':' + storyId;
    }

    private String hashTag(int partition) {
        return "{" + prefix + ":p" + partition + "}";
    }
}
