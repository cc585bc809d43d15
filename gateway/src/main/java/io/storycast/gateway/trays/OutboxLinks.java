package io.storycast.gateway.trays;

import io.storycast.gateway.redis.RedisKeys;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.Objects;

/**
 * The links from subscribers' trays to the outboxes of large audiences (the hybrid fan-out): a story
 * posted to an audience above {@code fanout.outboxThreshold} goes into the audience's outbox once instead
 * of into every member's tray, and a member's tray read merges the outboxes its links name.
 *
 * <p>A link is a member {@code "<list>:<authorId>"} of the set {@link RedisKeys#outboxLinks}, in the slot
 * of the subscriber's tray, so a tray read finds its links in the same round trip as its page. Links are
 * written for every member once, when the audience first goes through its outbox (by that story's
 * fan-out), and from then on by the audience API as members come and go. A link is a hint: the tray read
 * checks membership and mutes against the audience itself, and drops a link whose subscriber left.
 */
public final class OutboxLinks {
    private final RedisKeys keys;

    public OutboxLinks(RedisKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** A link parsed from its member form. */
    public record Link(Audience list, String authorId) {
        public Link {
            Objects.requireNonNull(list, "list");
            Objects.requireNonNull(authorId, "authorId");
        }
    }

    /** @return the link's member: {@code "<list>:<authorId>"} (list names hold no colon; ids may) */
    public static String member(Audience list, String authorId) {
        return list.wireName() + ':' + authorId;
    }

    /** @return the link a member names, or {@code null} when it names none */
    public static Link parse(String member) {
        int colon = member.indexOf(':');
        Audience list = colon < 0 ? null : Audience.fromWireName(member.substring(0, colon));
        return list == null || colon == member.length() - 1 ? null : new Link(list, member.substring(colon + 1));
    }

    /**
     * Appends one {@code SADD} (or {@code SREM}) per subscriber to {@code batch}: links (or unlinks) their
     * trays on {@code platform} to the outbox of {@code authorId}'s {@code list}. Idempotent.
     */
    public void addChanges(List<Request> batch, boolean link, Platform platform, List<String> subscribers,
                           Audience list, String authorId) {
        String member = member(list, authorId);
        Command command = link ? Command.SADD : Command.SREM;
        for (String subscriber : subscribers) {
            batch.add(Request.cmd(command).arg(keys.outboxLinks(platform, subscriber)).arg(member));
        }
    }

    /** Appends the write that marks an audience's members all linked, so later stories skip the linking. */
    public void addLinked(List<Request> batch, Platform platform, Audience list, String authorId) {
        batch.add(Request.cmd(Command.SET).arg(keys.outboxLinkState(platform, authorId, list)).arg("linked"));
    }
}
