package io.storycast.gateway.audience;

import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.story.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * An author's cross-share preference: for each source platform, the other platforms its stories also go
 * to. A source that is absent shares nowhere (its stories stay on their own platform). Immutable.
 *
 * <p>JSON: {@code {"instagram": ["facebook", "whatsapp"], "facebook": ["instagram"]}}.
 */
public final class CrossShare {
    /** No preference: every story stays on its source platform. */
    public static final CrossShare NONE = new CrossShare(new EnumMap<>(Platform.class));

    private final Map<Platform, Set<Platform>> targetsBySource;

    private CrossShare(EnumMap<Platform, Set<Platform>> targetsBySource) {
        this.targetsBySource = Collections.unmodifiableMap(targetsBySource);
    }

    /**
     * @param source   the platform a story was posted on
     * @param audience the story's audience on its source platform
     * @param shareTo  the event's narrowing of the preference, or {@code null} for none
     * @return the other platforms the story goes to: the preference for {@code source}, narrowed by
     *         {@code shareTo} (never widened); none for a close-friends story, which is never cross-shared
     */
    public Set<Platform> targetsOf(Platform source, Audience audience, Set<Platform> shareTo) {
        Set<Platform> preferred = targetsBySource.get(source);
        if (audience == Audience.CLOSE_FRIENDS || preferred == null) {
            return Set.of();
        }
        EnumSet<Platform> targets = EnumSet.copyOf(preferred);
        if (shareTo != null) {
            targets.retainAll(shareTo);
        }
        return Collections.unmodifiableSet(targets);
    }

    /** @return the platforms a source's stories go to besides itself; empty when none */
    public Set<Platform> targetsOf(Platform source) {
        return targetsBySource.getOrDefault(source, Set.of());
    }

    /** @return the preference as JSON, sources and targets in platform order, sources without targets left out */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        targetsBySource.forEach((source, targets) -> {
            JsonArray names = new JsonArray();
            targets.forEach(target -> names.add(target.wireName()));
            json.put(source.wireName(), names);
        });
        return json;
    }

    /**
     * Reads and checks a preference.
     *
     * @param json the document, e.g. {@code {"instagram": ["facebook"]}}
     * @return the preference
     * @throws InvalidInputException naming the field and rule of the first problem: an unknown platform
     *                               ({@code enum}), a value that is not a list of names ({@code type}),
     *                               a platform that targets itself ({@code self-share}) or a target
     *                               named twice ({@code duplicate})
     */
    public static CrossShare fromJson(JsonObject json) {
        EnumMap<Platform, Set<Platform>> targetsBySource = new EnumMap<>(Platform.class);
        for (Map.Entry<String, Object> entry : json) {
            String field = entry.getKey();
            Platform source = Platform.fromWireName(field);
            if (source == null) {
                throw new InvalidInputException(new FieldProblem(field, "enum",
                        field + " is not a platform; expected one of " + Platform.wireNames()));
            }
            if (!(entry.getValue() instanceof JsonArray names)) {
                throw new InvalidInputException(FieldProblem.type(field, "a list of target platforms"));
            }
            EnumSet<Platform> targets = EnumSet.noneOf(Platform.class);
            for (int i = 0; i < names.size(); i++) {
                String path = field + "[" + i + "]";
                Object name = names.getValue(i);
                Platform target = name instanceof String text ? Platform.fromWireName(text) : null;
                if (target == null) {
                    throw new InvalidInputException(new FieldProblem(path, "enum",
                            path + " must be one of " + Platform.wireNames() + ", was " + name));
                }
                if (target == source) {
                    throw new InvalidInputException(new FieldProblem(path, "self-share",
                            path + ": a platform never targets itself (" + field + ")"));
                }
                if (!targets.add(target)) {
                    throw new InvalidInputException(new FieldProblem(path, "duplicate",
                            path + ": " + target.wireName() + " is named twice"));
                }
            }
            if (!targets.isEmpty()) {
                targetsBySource.put(source, Collections.unmodifiableSet(targets));
            }
        }
        return new CrossShare(targetsBySource);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CrossShare that && targetsBySource.equals(that.targetsBySource);
    }

    @Override
    public int hashCode() {
        return targetsBySource.hashCode();
    }

    @Override
    public String toString() {
        return toJson().encode();
    }
}
