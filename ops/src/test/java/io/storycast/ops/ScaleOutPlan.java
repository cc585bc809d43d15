package io.storycast.ops;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The scale-out test's world: authors with audiences on three platforms whose members overlap, cross-share
 * preferences, and stories of every kind (pushed to the source platform only, cross-shared, narrowed by
 * {@code shareTo}, close friends), with the trays each story belongs in, computed here independently of the
 * gateway's code.
 */
final class ScaleOutPlan {
    static final int AUTHORS = 40;
    private static final int INSTAGRAM_SUBSCRIBERS = 120;
    private static final int FACEBOOK_SUBSCRIBERS = 80;
    private static final int WHATSAPP_SUBSCRIBERS = 60;

    private final String run;
    private final Instant createdAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    /** @param run a prefix that keeps this run's ids apart from any other */
    ScaleOutPlan(String run) {
        this.run = run;
    }

    String author(int a) {
        return run + "-a" + a;
    }

    /** @return the members of author a's list on a platform: "default" or "close_friends" */
    List<String> audience(int a, String platform, String list) {
        return switch (platform + "/" + list) {
            case "instagram/default" -> members("ig", a * 7, 12, INSTAGRAM_SUBSCRIBERS);
            case "instagram/close_friends" -> members("ig", a * 7, 3, INSTAGRAM_SUBSCRIBERS);
            case "facebook/default" -> members("fb", a * 5, 8, FACEBOOK_SUBSCRIBERS);
            case "whatsapp/default" -> members("wa", a * 3, 6, WHATSAPP_SUBSCRIBERS);
            default -> List.of();
        };
    }

    /** Author a's preference: even authors share Instagram stories to Facebook and WhatsApp, odd ones to Facebook. */
    JsonObject crossShare(int a) {
        return new JsonObject().put("instagram", a % 2 == 0 ? new JsonArray().add("facebook").add("whatsapp")
                : new JsonArray().add("facebook"));
    }

    /** @return the lists to set up: platform, list, author index */
    List<String[]> lists() {
        List<String[]> lists = new ArrayList<>();
        for (int a = 0; a < AUTHORS; a++) {
            for (String platformList : List.of("instagram/default", "instagram/close_friends", "facebook/default", "whatsapp/default")) {
                String[] parts = platformList.split("/");
                lists.add(new String[] {parts[0], parts[1], Integer.toString(a)});
            }
        }
        return lists;
    }

    String storyId(int n) {
        return run + "-s" + n;
    }

    /**
     * Story n, posted on Instagram by author n mod {@value #AUTHORS}: one in five to close friends, one in five
     * narrowed to WhatsApp (which odd authors do not share to, so theirs stay on Instagram), the rest to the
     * default audience and wherever the author shares.
     */
    JsonObject story(int n) {
        JsonObject story = new JsonObject().put("platform", "instagram").put("storyId", storyId(n))
                .put("authorId", author(n % AUTHORS)).put("createdAt", createdAt.toString())
                .put("audience", n % 5 == 0 ? "close_friends" : "default")
                .put("media", new JsonObject().put("id", "m-" + storyId(n)).put("kind", "image"));
        if (n % 5 == 1) {
            story.put("shareTo", new JsonArray().add("whatsapp"));
        }
        return story;
    }

    /** @return the trays story n belongs in, as "platform/subscriber" */
    Set<String> traysOf(int n) {
        int a = n % AUTHORS;
        Set<String> trays = new HashSet<>();
        if (n % 5 == 0) {
            audience(a, "instagram", "close_friends").forEach(member -> trays.add("instagram/" + member));
            return trays;
        }
        audience(a, "instagram", "default").forEach(member -> trays.add("instagram/" + member));
        List<String> targets = a % 2 == 0 ? List.of("facebook", "whatsapp") : List.of("facebook");
        for (String target : targets) {
            if (n % 5 != 1 || target.equals("whatsapp")) {
                audience(a, target, "default").forEach(member -> trays.add(target + "/" + member));
            }
        }
        return trays;
    }

    /** @return for each tray, the ids of the stories among {@code stories} that belong in it */
    Map<String, Set<String>> expectedTrays(Iterable<Integer> stories) {
        Map<String, Set<String>> trays = new LinkedHashMap<>();
        for (int n : stories) {
            for (String tray : traysOf(n)) {
                trays.computeIfAbsent(tray, ignored -> new HashSet<>()).add(storyId(n));
            }
        }
        return trays;
    }

    /** @return every tray any story of the plan can reach */
    Map<String, Set<String>> allTrays(int stories) {
        return expectedTrays(IntStream.range(0, stories).boxed().toList());
    }

    private List<String> members(String prefix, int first, int count, int pool) {
        List<String> members = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            members.add(run + "-" + prefix + ((first + k) % pool));
        }
        return members;
    }
}
