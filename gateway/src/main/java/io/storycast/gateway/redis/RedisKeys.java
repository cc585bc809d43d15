package io.storycast.gateway.redis;

import io.storycast.gateway.config.LiveConfig;
import io.storycast.gateway.config.StorycastConfig;
import io.storycast.gateway.story.Audience;
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
 * {storycast:p3}:stories          stream of partition 3: each entry holds one or more accepted events
 * {storycast:p3}:seen:&lt;minute&gt;    hash of the dedupe markers of the stories expiring in that minute
 *                                 (minutes since the epoch): field "&lt;platform&gt;:&lt;storyId&gt;", value
 *                                 "&lt;entryId&gt;#&lt;index&gt;"; the hash expires when the minute ends
 * {storycast:author:a1}:cross-share          string: the author's cross-share preference as JSON
 * {storycast:aud:instagram:a1}:default       sorted set (all scores 0, ordered by member): the author's
 *                                            default audience on instagram
 * {storycast:aud:instagram:a1}:close_friends sorted set: the author's close friends on instagram
 * {storycast:aud:instagram:a1}:muted         set: the subscribers who muted the author on instagram
 * {storycast:aud:instagram:a1}:outbox:default         sorted set: the stories of a large audience (hybrid
 *                                                     fan-out), member and score as in trays
 * {storycast:aud:instagram:a1}:outbox-links:default   string: "linking" while the fan-out links the
 *                                                     audience's members to the outbox, then "linked"
 * {storycast:p3}:dead-letters                stream: stories the fan-out gave up on, with the reason
 * {storycast:story:instagram:s1}             hash: the story record (author, times, media, caption) and its
 *                                            fan-out state per target platform; expires with the story
 * {storycast:media:m1}                      hash: an upload's status (processing, ready, failed), kind, its
 *                                            renditions as JSON, or the problem that failed it
 * {storycast:tray:facebook:u7}               sorted set: the subscriber's tray on facebook; member
 *                                            "&lt;source platform&gt;:&lt;storyId&gt;", score createdAt (epoch ms);
 *                                            no expiry: reads and the tray janitor remove dead stories
 * {storycast:tray:facebook:u7}:outbox-links  set: the outboxes the subscriber's tray merges, members
 *                                            "&lt;list&gt;:&lt;authorId&gt;" (e.g. "default:a1")
 * {storycast:live:5}:facebook:u7             string: the gateway processes holding a live connection of u7 on
 *                                            facebook, "&lt;instance&gt;=&lt;lease end, epoch ms&gt;,..."; shard 5 of
 *                                            the live registry; expires with its last lease
 * {storycast:live:5}:facebook                set: the subscribers of shard 5 on facebook with a registry key (the
 *                                            few the fan-out probes a chunk against)
 * </pre>
 *
 * <p>Pub/sub channels (not keys: a channel has no slot, and Redis Cluster carries a message to every node):
 * {@code storycast:live:instance:<instance>}, the pushes for one gateway process's connections, and
 * {@code storycast:live:all}, the messages every process takes (outbox stories, retractions).
 *
 * <p>An author's audiences and mutes on one platform share a hash tag, so the fan-out reads a chunk of
 * an audience and checks the chunk's mutes in one slot. Ids cannot hold braces ({@code Ids}), so no id
 * changes a key's hash tag.
 */
public final class RedisKeys {
    /** The consumer group the fan-out workers read the story streams with; created at start-up. */
    public static final String FANOUT_GROUP = "fanout";

    /** The live registry's shards when none are named (tests and tools that build keys by hand). */
    public static final int DEFAULT_LIVE_SHARDS = LiveConfig.CLUSTER_REGISTRY_SHARDS;

    private final String prefix;
    private final int partitions;
    private final int liveShards;

    /**
     * @param prefix     first part of every hash tag, e.g. {@code storycast}
     * @param partitions number of stream partitions, at least 1
     */
    public RedisKeys(String prefix, int partitions) {
        this(prefix, partitions, DEFAULT_LIVE_SHARDS);
    }

    /** @param liveShards shards of the live registry, at least 1 */
    public RedisKeys(String prefix, int partitions, int liveShards) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        if (liveShards < 1) {
            throw new IllegalArgumentException("liveShards must be at least 1, was " + liveShards);
        }
        this.partitions = partitions;
        this.liveShards = liveShards;
    }

    /** @return the key layout a configuration names: its key prefix, stream partitions and live registry shards */
    public static RedisKeys of(StorycastConfig config) {
        return new RedisKeys(config.redis().keyPrefix(), config.ingest().streamPartitions(),
                config.live().registryShardsOn(config.redis().cluster()));
    }

    /** @return the live registry's shards */
    public int liveShards() {
        return liveShards;
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

    /** Width of a dedupe bucket: the markers of the stories expiring within one such span share a hash. */
    public static final long SEEN_BUCKET_MILLIS = 60_000;

    /**
     * @param partition the story's partition
     * @param bucket    the bucket number, from {@link #seenBucketOf(long)}
     * @return the bucket hash holding the dedupe markers; in the slot of {@link #storyStream(int)}
     */
    public String seenBucket(int partition, long bucket) {
        return hashTag(partition) + ":seen:" + bucket;
    }

    /** @return the bucket number (minutes since the epoch) of a story expiring at {@code expiresAtMillis} */
    public static long seenBucketOf(long expiresAtMillis) {
        return Math.floorDiv(expiresAtMillis, SEEN_BUCKET_MILLIS);
    }

    /** @return when a bucket expires, epoch milliseconds: the end of its minute, after every story it holds */
    public static long seenBucketExpiresAtMillis(long bucketNumber) {
        return (bucketNumber + 1) * SEEN_BUCKET_MILLIS;
    }

    /** @return the field of a story's dedupe marker within its bucket */
    public static String seenField(Platform platform, String storyId) {
        return platform.wireName() + ':' + storyId;
    }

    /** @return the string key holding an author's cross-share preference */
    public String crossShare(String authorId) {
        return "{" + prefix + ":author:" + authorId + "}:cross-share";
    }

    /** @return the sorted set of one of an author's audiences on a platform */
    public String audience(Platform platform, String authorId, Audience list) {
        return audienceTag(platform, authorId) + ":" + list.wireName();
    }

    /** @return the set of the subscribers who muted an author on a platform; in the slot of its audiences */
    public String mutedBy(Platform platform, String authorId) {
        return audienceTag(platform, authorId) + ":muted";
    }

    /**
     * @return the sorted set of the stories an author posts to a large audience (the pull half of the hybrid
     *         fan-out); in the slot of the audience, so one script checks a reader's membership and reads it
     */
    public String outbox(Platform platform, String authorId, Audience list) {
        return audienceTag(platform, authorId) + ":outbox:" + list.wireName();
    }

    /**
     * @return the string that says whether an audience's members are linked to its outbox: absent (never
     *         large), {@code linking} or {@code linked}; while it exists, the audience API links new members
     */
    public String outboxLinkState(Platform platform, String authorId, Audience list) {
        return audienceTag(platform, authorId) + ":outbox-links:" + list.wireName();
    }

    /** @return the set of the outboxes a subscriber's tray on a platform merges; in the slot of the tray */
    public String outboxLinks(Platform platform, String subscriberId) {
        return tray(platform, subscriberId) + ":outbox-links";
    }

    /** @return the hash holding a story's record and fan-out state, in a slot of its own */
    public String story(Platform source, String storyId) {
        return "{" + prefix + ":story:" + source.wireName() + ":" + storyId + "}";
    }

    /** @return the hash holding an uploaded media's status and renditions, in a slot of its own */
    public String media(String mediaId) {
        return "{" + prefix + ":media:" + mediaId + "}";
    }

    /** @return the sorted set of a subscriber's tray on a platform, in a slot of its own */
    public String tray(Platform platform, String subscriberId) {
        return "{" + prefix + ":tray:" + platform.wireName() + ":" + subscriberId + "}";
    }

    /**
     * @return a {@code SCAN MATCH} pattern matching every tray key and nothing else: a tray key is all hash
     *         tag, so it ends with the brace (braces are literal in Redis patterns)
     */
    public String trayPattern() {
        return "{" + prefix + ":tray:*}";
    }

    /**
     * @return the string naming the gateway process that sweeps trays now (the tray janitor's lease); not
     *         matched by {@link #trayPattern()}
     */
    public String sweepLease() {
        return "{" + prefix + ":sweep-lease}";
    }

    /** @return a story's member in trays: {@code "<source platform>:<storyId>"} */
    public static String trayMember(Platform source, String storyId) {
        return source.wireName() + ':' + storyId;
    }

    /** @return the live registry's shard of a subscriber on a platform, in {@code [0, liveShards)} (CRC-32C) */
    public int liveShardOf(Platform platform, String subscriberId) {
        CRC32C crc = new CRC32C();
        crc.update(platform.ordinal());
        crc.update(subscriberId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % liveShards);
    }

    /**
     * @return the string naming the gateway processes that hold a live connection of the subscriber on the platform;
     *         every key of one shard ({@link #liveShardOf}) shares a hash tag, so one {@code MGET} or script reaches
     *         many of them on a Redis Cluster
     */
    public String liveRoute(Platform platform, String subscriberId) {
        return "{" + prefix + ":live:" + liveShardOf(platform, subscriberId) + "}:" + platform.wireName() + ":" + subscriberId;
    }

    /**
     * @return the set of the subscribers on the platform that have a {@link #liveRoute} in the shard: what the fan-out
     *         probes a chunk against (small: connected subscribers only); in the shard's slot
     */
    public String liveOnline(Platform platform, int shard) {
        return "{" + prefix + ":live:" + shard + "}:" + platform.wireName();
    }

    /** @return the pub/sub channel of one gateway process's live connections */
    public String liveInstanceChannel(String instance) {
        return prefix + ":live:instance:" + instance;
    }

    /** @return the pub/sub channel every gateway process subscribes to (outbox stories, retractions) */
    public String liveBroadcastChannel() {
        return prefix + ":live:all";
    }

    /** @return the dead-letter stream of a partition; in the slot of {@link #storyStream(int)} */
    public String deadLetters(int partition) {
        return hashTag(partition) + ":dead-letters";
    }

    private String audienceTag(Platform platform, String authorId) {
        return "{" + prefix + ":aud:" + platform.wireName() + ":" + authorId + "}";
    }

    private String hashTag(int partition) {
        return "{" + prefix + ":p" + partition + "}";
    }
}
