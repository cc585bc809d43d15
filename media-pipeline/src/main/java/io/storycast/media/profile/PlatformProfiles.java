package io.storycast.media.profile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every platform's renditions, from {@code platform-profiles.json}: the shipped file, or an operator's copy.
 * Each rendition carries its {@code source}: the published number it follows, or why we chose it.
 *
 * @param platforms by platform name ({@code instagram}, {@code facebook}, {@code whatsapp}, {@code messenger})
 */
public record PlatformProfiles(Map<String, PlatformProfile> platforms) {
    /** The shipped file's resource name beside this class. */
    public static final String SHIPPED = "platform-profiles.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    public PlatformProfiles {
        platforms = new TreeMap<>(Objects.requireNonNull(platforms, "platforms"));
        if (platforms.isEmpty()) {
            throw new IllegalArgumentException("no platform has a profile");
        }
    }

    /** @return the profile of a platform, if it has one */
    public Optional<PlatformProfile> of(String platform) {
        return Optional.ofNullable(platforms.get(platform));
    }

    /** @return the profiles shipped with the pipeline */
    public static PlatformProfiles shipped() {
        try (InputStream in = PlatformProfiles.class.getResourceAsStream(SHIPPED)) {
            if (in == null) {
                throw new IllegalStateException(SHIPPED + " is missing from the class path");
            }
            return parse(in, SHIPPED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param file an operator's profiles file
     * @throws IllegalArgumentException naming the file, the field and the problem
     */
    public static PlatformProfiles load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static PlatformProfiles parse(InputStream in, String name) throws IOException {
        try {
            return MAPPER.readValue(in, PlatformProfiles.class);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new IllegalArgumentException(name + ": " + e.getPathReference() + ": "
                    + (cause == e ? e.getOriginalMessage() : cause.getMessage()), e);
        }
    }
}
