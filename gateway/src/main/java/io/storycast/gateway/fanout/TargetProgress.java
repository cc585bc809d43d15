package io.storycast.gateway.fanout;

import io.storycast.gateway.story.Platform;

import java.util.Map;
import java.util.Objects;

/**
 * The fan-out progress of one story on one target platform, kept in the story's hash beside its record
 * so a redelivered story resumes after the last chunk written instead of starting over. Fields, per
 * target: {@code state:<platform>}, {@code route:<platform>} (push or outbox), {@code written:<platform>}
 * (writes so far: tray writes, or links when an outbox's audience is being linked),
 * {@code cursor:<platform>} (the last audience member of the last chunk written),
 * {@code reason:<platform>} (why the last attempt failed) and {@code finishedAt:<platform>} (when it was done).
 *
 * @param state   where the fan-out stands
 * @param route   the way the story goes to the platform, or {@code null} before the first progress write
 * @param written writes done so far, at least 0
 * @param cursor  the audience member after which the next chunk starts, or {@code null} to start at the first
 * @param reason  why the last attempt failed, or {@code null}
 */
public record TargetProgress(State state, Route route, long written, String cursor, String reason) {

    /** Where a story's fan-out to one platform stands. */
    public enum State {
        PENDING("pending"), IN_PROGRESS("in_progress"), DONE("done"), FAILED("failed");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static State fromWireName(String name) {
            for (State state : values()) {
                if (state.wireName.equals(name)) {
                    return state;
                }
            }
            return PENDING;
        }
    }

    /**
     * The way a story goes to a platform (the hybrid fan-out): pushed into every member's tray, or written
     * once into the author's outbox, which the members' tray reads merge.
     */
    public enum Route {
        PUSH("push"), OUTBOX("outbox");

        private final String wireName;

        Route(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Route fromWireName(String name) {
            for (Route route : values()) {
                if (route.wireName.equals(name)) {
                    return route;
                }
            }
            return null;
        }
    }

    public static final TargetProgress PENDING = new TargetProgress(State.PENDING, null, 0, null, null);

    public TargetProgress {
        Objects.requireNonNull(state, "state");
    }

    public static String stateField(Platform target) {
        return "state:" + target.wireName();
    }

    public static String routeField(Platform target) {
        return "route:" + target.wireName();
    }

    public static String writtenField(Platform target) {
        return "written:" + target.wireName();
    }

    public static String cursorField(Platform target) {
        return "cursor:" + target.wireName();
    }

    /** When the last write of the platform's fan-out was confirmed, epoch ms; written with the state done. */
    public static String finishedAtField(Platform target) {
        return "finishedAt:" + target.wireName();
    }

    public static String reasonField(Platform target) {
        return "reason:" + target.wireName();
    }

    /** @return the progress of {@code target} in a story hash's fields; {@link #PENDING} when it has none */
    public static TargetProgress of(Map<String, String> storyHash, Platform target) {
        String state = storyHash.get(stateField(target));
        if (state == null) {
            return PENDING;
        }
        String written = storyHash.get(writtenField(target));
        String cursor = storyHash.get(cursorField(target));
        long writtenSoFar = written == null ? 0 : Long.parseLong(written);
        Route route = Route.fromWireName(storyHash.get(routeField(target)));
        if (route == null && (cursor != null || writtenSoFar > 0)) {
            route = Route.PUSH; // progress from before routes were recorded was always a push
        }
        return new TargetProgress(State.fromWireName(state), route, writtenSoFar,
                storyHash.get(cursorField(target)), storyHash.get(reasonField(target)));
    }

    public boolean isDone() {
        return state == State.DONE;
    }
}
