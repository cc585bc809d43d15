package io.storycast.gateway.http;

import io.storycast.gateway.audience.InvalidInputException;
import io.storycast.gateway.auth.ApiClient;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.story.Ids;
import io.storycast.gateway.story.Platform;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads and checks the path and query parameters of the audience, mute and cross-share routes. A bad
 * value throws {@link InvalidInputException} naming the parameter, which {@link ApiFailures} answers
 * with 400; a key not allowed for the platform throws {@link ForbiddenPlatformException} (403).
 */
final class PathInputs {
    private PathInputs() {
    }

    static Platform platform(RoutingContext context) {
        String name = context.pathParam("platform");
        Platform platform = Platform.fromWireName(name);
        if (platform == null) {
            throw new InvalidInputException(new FieldProblem("platform", "enum",
                    "platform must be one of " + Platform.wireNames() + ", was " + name));
        }
        return platform;
    }

    /** @return the platform of the path, once the caller's key is known to be allowed for it */
    static Platform allowedPlatform(RoutingContext context) {
        Platform platform = platform(context);
        ApiClient caller = context.get(ApiKeyAuthHandler.CLIENT);
        if (!caller.mayActFor(platform)) {
            throw new ForbiddenPlatformException(caller.name(), platform);
        }
        return platform;
    }

    static Audience list(RoutingContext context) {
        String name = context.pathParam("list");
        for (Audience list : Audience.values()) {
            if (list.wireName().equals(name)) {
                return list;
            }
        }
        throw new InvalidInputException(new FieldProblem("list", "enum",
                "list must be default or close_friends, was " + name));
    }

    /** @return the path parameter {@code name}, checked as an id */
    static String id(RoutingContext context, String name) {
        return checkedId(name, context.pathParam(name));
    }

    static String checkedId(String field, String value) {
        String rule = Ids.brokenRule(value, Ids.MAX_ID_LENGTH);
        if (rule != null) {
            throw new InvalidInputException(new FieldProblem(field, rule, Ids.explain(field, value, Ids.MAX_ID_LENGTH, rule)));
        }
        return value;
    }

    /** @return the query parameter {@code name} as an integer in {@code [1, max]}, or {@code fallback} when absent */
    static int intQuery(RoutingContext context, String name, int fallback, int max) {
        String text = context.queryParams().get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new InvalidInputException(new FieldProblem(name, "range", name + " must be an integer from 1 to " + max + ", was " + text));
    }

    /** Thrown when the caller's key does not list the platform of the path. */
    static final class ForbiddenPlatformException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ForbiddenPlatformException(String caller, Platform platform) {
            super("key '" + caller + "' is not allowed for " + platform.wireName(), null, false, false);
        }
    }
}
