package io.storycast.gateway.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A Lua script shipped as a class-path resource, called by its SHA-1 ({@code EVALSHA}); when Redis does not
 * know it (a restart or {@code SCRIPT FLUSH} emptied its cache) the same call is sent once more with the
 * script's text ({@code EVAL}), which also caches it again. Immutable and thread-safe.
 */
public final class LuaScript {
    private final String name;
    private final String text;
    private final String sha1;

    private LuaScript(String name, String text) {
        this.name = name;
        this.text = text;
        this.sha1 = sha1Hex(text);
    }

    /**
     * @param owner    the class whose package holds the script
     * @param resource the script's file name beside {@code owner}, e.g. {@code "append-stories.lua"}
     * @throws IllegalStateException when the resource is missing
     */
    public static LuaScript load(Class<?> owner, String resource) {
        Objects.requireNonNull(owner, "owner");
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path beside " + owner.getName());
            }
            return new LuaScript(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Calls the script.
     *
     * @param redis         where to send it
     * @param keysAndArgs   appends {@code numkeys}, the keys and the arguments to a request that already holds
     *                      the command and the script; it may run twice (the second time for {@code EVAL})
     * @return the script's answer
     */
    public Future<Response> call(Redis redis, Consumer<Request> keysAndArgs) {
        return redis.send(request(Command.EVALSHA, sha1, keysAndArgs))
                .recover(failure -> isMissingScript(failure)
                        ? redis.send(request(Command.EVAL, text, keysAndArgs))
                        : Future.failedFuture(failure));
    }

    private static Request request(Command command, String script, Consumer<Request> keysAndArgs) {
        Request request = Request.cmd(command).arg(script);
        keysAndArgs.accept(request);
        return request;
    }

    private static boolean isMissingScript(Throwable failure) {
        String message = failure.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + sha1 + ")";
    }
}
