package io.storycast.loadtest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Who follows whom: {@code authors} ordinary authors whose audiences follow a power law (Zipf: the author of
 * rank r, counting from 1, has {@code maxFollowers / r^zipfExponent} followers, at least {@code minFollowers}),
 * plus one celebrity with {@code celebrityFollowers} (0 for none). Followers are drawn from a population of
 * {@code subscribers}: author r follows a contiguous run of subscriber numbers from an offset that a
 * {@link Random} seeded with {@code seed} chooses, wrapping around; the celebrity's followers are subscribers
 * 0 to {@code celebrityFollowers - 1}. The same seed and sizes give the same plan on every run and machine, so
 * seeding twice adds nothing new (the audience API answers {@code unchanged}).
 *
 * <p>Ids: {@code <idPrefix>-author-<rank - 1>}, {@code <idPrefix>-celebrity}, {@code <idPrefix>-sub-<n>}. Every
 * author's stories are posted on {@code sourcePlatform} and cross-shared to {@code crossShareTo}; each
 * author's audience is seeded on all of those platforms with the same members.
 *
 * @param authors            ordinary authors, at least 1
 * @param subscribers        the follower population, at least 1
 * @param maxFollowers       followers of the rank-1 author (capped at {@code subscribers})
 * @param minFollowers       fewest followers of any author
 * @param zipfExponent       the power law's exponent s (1.0: rank 10 has a tenth of rank 1's followers)
 * @param celebrityFollowers the celebrity's audience, 0 for no celebrity; above the gateway's
 *                           {@code fanout.outboxThreshold} (default 10,000) its stories take the outbox route
 */
record SeedPlan(String idPrefix, long seed, int authors, int subscribers, int maxFollowers, int minFollowers,
                double zipfExponent, int celebrityFollowers, String sourcePlatform, List<String> crossShareTo,
                long[] offsets) {

    /** Defaults of one simulation, each overridable by its system property. */
    record Defaults(int authors, int subscribers, int maxFollowers, int celebrityFollowers) {
    }

    /** Reads {@code idPrefix, seed, authors, subscribers, maxFollowers, minFollowers, zipfExponent, celebrityFollowers, sourcePlatform, crossShareTo}. */
    static SeedPlan fromParams(Defaults defaults) {
        String idPrefix = Params.idPrefix();
        long seed = Params.longValue("seed", 42);
        int authors = Params.integer("authors", defaults.authors(), 1);
        int subscribers = Params.integer("subscribers", defaults.subscribers(), 1);
        int maxFollowers = Math.min(subscribers, Params.integer("maxFollowers", defaults.maxFollowers(), 1));
        int minFollowers = Math.min(maxFollowers, Params.integer("minFollowers", 1, 0));
        double exponent = Params.decimal("zipfExponent", 1.0, 0);
        int celebrity = Params.integer("celebrityFollowers", defaults.celebrityFollowers(), 0);
        String source = StoryEventsFactory.checkPlatforms("sourcePlatform", List.of(Params.string("sourcePlatform", "instagram"))).get(0);
        List<String> targets = Params.list("crossShareTo", "facebook");
        if (!targets.isEmpty()) {
            StoryEventsFactory.checkPlatforms("crossShareTo", targets);
            if (targets.contains(source)) {
                throw new IllegalArgumentException("crossShareTo must not name sourcePlatform " + source);
            }
        }
        Random random = new Random(seed);
        long[] offsets = new long[authors];
        for (int i = 0; i < authors; i++) {
            offsets[i] = Math.floorMod(random.nextLong(), subscribers);
        }
        return new SeedPlan(idPrefix, seed, authors, subscribers, maxFollowers, minFollowers, exponent, celebrity, source,
                List.copyOf(targets), offsets);
    }

    /**
     * @return a plan of one author ({@code <idPrefix>-author-0}) followed by every subscriber of a population of
     *         {@code followers} ({@code <idPrefix>-sub-0} to {@code -sub-<followers - 1>}), on one platform, no cross-share
     */
    static SeedPlan oneAuthor(String idPrefix, String platform, int followers) {
        return new SeedPlan(idPrefix, 0, 1, followers, followers, followers, 1.0, 0, platform, List.of(), new long[] {0});
    }

    /** @return the platforms audiences are seeded on: the source, then the cross-share targets */
    List<String> platforms() {
        LinkedHashSet<String> platforms = new LinkedHashSet<>();
        platforms.add(sourcePlatform);
        platforms.addAll(crossShareTo);
        return List.copyOf(platforms);
    }

    /** @return the platform whose trays show a story of this plan: the first cross-share target, else the source */
    String watchedPlatform() {
        return crossShareTo.isEmpty() ? sourcePlatform : crossShareTo.get(0);
    }

    /** @return ordinary authors plus the celebrity: indexes 0 to {@code authors - 1} are ordinary, {@code authors} the celebrity */
    int size() {
        return authors + (celebrityFollowers > 0 ? 1 : 0);
    }

    boolean isCelebrity(int author) {
        return author == authors;
    }

    String authorId(int author) {
        return isCelebrity(author) ? idPrefix + "-celebrity" : idPrefix + "-author-" + author;
    }

    String subscriberId(long number) {
        return idPrefix + "-sub-" + number;
    }

    /** @return the author's followers */
    int followers(int author) {
        if (isCelebrity(author)) {
            return celebrityFollowers;
        }
        long zipf = Math.round(maxFollowers / Math.pow(author + 1, zipfExponent));
        return (int) Math.max(minFollowers, Math.min(maxFollowers, zipf));
    }

    /** @return the subscriber number of the author's {@code index}-th follower, 0 ≤ index < followers */
    long follower(int author, int index) {
        return isCelebrity(author) ? index : (offsets[author] + index) % subscribers;
    }

    /** @return one of the author's followers, chosen at random; null for an author without followers */
    String randomFollower(int author) {
        int followers = followers(author);
        return followers == 0 ? null : subscriberId(follower(author, ThreadLocalRandom.current().nextInt(followers)));
    }

    /** @return a random subscriber of the population */
    String randomSubscriber() {
        return subscriberId(ThreadLocalRandom.current().nextInt(subscribers));
    }

    /** @return a random ordinary author (every author posts alike: popularity is in the audiences, not the posting rate) */
    int randomAuthor() {
        return ThreadLocalRandom.current().nextInt(authors);
    }

    /** @return the author's followers as NDJSON, one JSON string per line, the bulk audience API's streamed body */
    String membersNdjson(int author) {
        int followers = followers(author);
        List<String> members = new ArrayList<>(followers);
        for (int i = 0; i < followers; i++) {
            members.add(subscriberId(follower(author, i)));
        }
        return Json.ndjson(members);
    }

    /** @return the authors split into {@code parts} lists, round robin, for seeding with that many users at once */
    List<List<Integer>> slices(int parts) {
        List<List<Integer>> slices = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            slices.add(new ArrayList<>());
        }
        for (int author = 0; author < size(); author++) {
            slices.get(author % parts).add(author);
        }
        return slices;
    }

    /** @return the sum of all audiences on one platform */
    long memberships() {
        long sum = 0;
        for (int author = 0; author < size(); author++) {
            sum += followers(author);
        }
        return sum;
    }

    /** @return a one-line summary, printed at the start of a run */
    String describe() {
        return String.format(Locale.ROOT, "seed plan (seed %d): %d authors with %d..%d followers (Zipf s=%.2f) from %d subscribers, "
                        + "%s, %d memberships per platform on %s; stories on %s%s",
                seed, authors, followers(authors - 1), followers(0), zipfExponent, subscribers,
                celebrityFollowers > 0 ? "a celebrity with " + celebrityFollowers : "no celebrity", memberships(), platforms(),
                sourcePlatform, crossShareTo.isEmpty() ? "" : " shared to " + crossShareTo);
    }
}
