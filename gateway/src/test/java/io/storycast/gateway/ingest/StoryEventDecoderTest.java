package io.storycast.gateway.ingest;

import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.config.IngestConfig;
import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.MediaKind;
import io.storycast.gateway.story.Platform;
import io.storycast.gateway.story.StoryEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class StoryEventDecoderTest {
    private static final long NOW = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();
    private static final IngestConfig LIMITS = new IngestConfig(16, 1000, 10, 86_400, 300, 1);
    private final StoryEventDecoder decoder = new StoryEventDecoder(LIMITS, () -> NOW);

    private static JsonObject validEvent() {
        return new JsonObject()
                .put("platform", "facebook")
                .put("storyId", "s-1")
                .put("authorId", "a:42")
                .put("createdAt", "2026-11-21T11:00:00+01:00")
                .put("audience", "default")
                .put("media", new JsonObject().put("id", "m.1").put("kind", "video"))
                .put("caption", "hi")
                .put("shareTo", new JsonArray().add("instagram").add("whatsapp"));
    }

    private DecodeResult decode(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return decoder.decode(bytes, 0, bytes.length);
    }

    @Test
    void decodesEveryFieldOfAValidEvent() {
        DecodeResult result = decode(validEvent().encode());

        assertThat(result.problem()).isNull();
        StoryEvent event = result.event();
        assertThat(event.platform()).isEqualTo(Platform.FACEBOOK);
        assertThat(event.storyId()).isEqualTo("s-1");
        assertThat(event.authorId()).isEqualTo("a:42");
        assertThat(event.createdAtMillis()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z").toEpochMilli());
        assertThat(event.expiresAtMillis()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli());
        assertThat(event.audience()).isEqualTo(Audience.DEFAULT);
        assertThat(event.mediaId()).isEqualTo("m.1");
        assertThat(event.mediaKind()).isEqualTo(MediaKind.VIDEO);
        assertThat(event.caption()).isEqualTo("hi");
        assertThat(event.shareTo()).isEqualTo(Set.of(Platform.INSTAGRAM, Platform.WHATSAPP));
    }

    @Test
    void keepsAnExplicitExpiryWithinTheLifetime() {
        DecodeResult result = decode(validEvent().put("expiresAt", "2026-11-21T18:00:00Z").encode());

        assertThat(result.event().expiresAtMillis()).isEqualTo(Instant.parse("2026-11-21T18:00:00Z").toEpochMilli());
    }

    @Test
    void treatsNullOptionalFieldsAsAbsent() {
        DecodeResult result = decode(validEvent().putNull("caption").putNull("shareTo").putNull("expiresAt").encode());

        assertThat(result.event().caption()).isNull();
        assertThat(result.event().shareTo()).isNull();
    }

    @Test
    void reportsMalformedJsonAsABodyProblem() {
        DecodeResult result = decode("{\"platform\": \"instagram\", ");

        assertThat(result.problem().field()).isEqualTo("body");
        assertThat(result.problem().rule()).isEqualTo("json");
    }

    @Test
    void rejectsANonObjectDocument() {
        assertThat(decode("[1,2]").problem()).extracting(FieldProblem::field, FieldProblem::rule).containsExactly("body", "type");
    }

    @Test
    void rejectsTrailingContentAfterTheEvent() {
        assertThat(decode(validEvent().encode() + " {}").problem().rule()).isEqualTo("json");
    }

    static Stream<Arguments> brokenEvents() {
        return Stream.of(
                broken("rejectsEventWithoutPlatform", e -> e.remove("platform"), "platform", "required"),
                broken("rejectsUnknownPlatform", e -> e.put("platform", "myspace"), "platform", "enum"),
                broken("rejectsPlatformOfWrongType", e -> e.put("platform", 7), "platform", "type"),
                broken("rejectsEventWithoutStoryId", e -> e.remove("storyId"), "storyId", "required"),
                broken("rejectsEmptyStoryId", e -> e.put("storyId", ""), "storyId", "length"),
                broken("rejectsOverlongStoryId", e -> e.put("storyId", "x".repeat(129)), "storyId", "length"),
                broken("rejectsStoryIdWithBraces", e -> e.put("storyId", "a{b}"), "storyId", "pattern"),
                broken("rejectsEventWithoutAuthor", e -> e.remove("authorId"), "authorId", "required"),
                broken("rejectsAuthorOfWrongType", e -> e.put("authorId", 42), "authorId", "type"),
                broken("rejectsEventWithoutCreatedAt", e -> e.remove("createdAt"), "createdAt", "required"),
                broken("rejectsCreatedAtWithoutOffset", e -> e.put("createdAt", "2026-11-21T11:00:00"), "createdAt", "rfc3339"),
                broken("rejectsCreatedAtWithoutSeconds", e -> e.put("createdAt", "2026-11-21T11:00Z"), "createdAt", "rfc3339"),
                broken("rejectsCreatedAtAsNumber", e -> e.put("createdAt", 1763722800000L), "createdAt", "type"),
                broken("rejectsCreatedAtFarInTheFuture", e -> e.put("createdAt", "2026-11-21T12:06:00Z"), "createdAt", "range"),
                broken("rejectsStoryAlreadyExpired", e -> e.put("createdAt", "2026-11-20T11:00:00Z"), "createdAt", "expired"),
                broken("rejectsExpiryBeforeCreation", e -> e.put("expiresAt", "2026-11-21T09:00:00Z"), "expiresAt", "range"),
                broken("rejectsExpiryBeyondTheLifetime", e -> e.put("expiresAt", "2026-11-22T10:00:01Z"), "expiresAt", "range"),
                broken("rejectsExpiryInThePast", e -> e.put("expiresAt", "2026-11-21T11:30:00Z"), "expiresAt", "expired"),
                broken("rejectsMalformedExpiry", e -> e.put("expiresAt", "tomorrow"), "expiresAt", "rfc3339"),
                broken("rejectsEventWithoutAudience", e -> e.remove("audience"), "audience", "required"),
                broken("rejectsUnknownAudience", e -> e.put("audience", "everyone"), "audience", "enum"),
                broken("rejectsEventWithoutMedia", e -> e.remove("media"), "media", "required"),
                broken("rejectsMediaOfWrongType", e -> e.put("media", "m.1"), "media", "type"),
                broken("rejectsMediaWithoutId", e -> e.getJsonObject("media").remove("id"), "media.id", "required"),
                broken("rejectsMediaWithoutKind", e -> e.getJsonObject("media").remove("kind"), "media.kind", "required"),
                broken("rejectsUnknownMediaKind", e -> e.getJsonObject("media").put("kind", "gif"), "media.kind", "enum"),
                broken("rejectsUnknownMediaField", e -> e.getJsonObject("media").put("url", "x"), "media.url", "unknown"),
                broken("rejectsOverlongCaption", e -> e.put("caption", "12345678901"), "caption", "length"),
                broken("rejectsCaptionOfWrongType", e -> e.put("caption", true), "caption", "type"),
                broken("rejectsShareToOfWrongType", e -> e.put("shareTo", "instagram"), "shareTo", "type"),
                broken("rejectsUnknownShareToPlatform", e -> e.put("shareTo", new JsonArray().add("tiktok")), "shareTo[0]", "enum"),
                broken("rejectsShareToRepeatingAPlatform", e -> e.put("shareTo", new JsonArray().add("instagram").add("instagram")), "shareTo[1]", "unique"),
                broken("rejectsShareToNamingTheSource", e -> e.put("shareTo", new JsonArray().add("facebook")), "shareTo", "source"),
                broken("rejectsCrossSharingACloseFriendsStory", e -> e.put("audience", "close_friends"), "shareTo", "privacy"),
                broken("rejectsUnknownField", e -> e.put("colour", "red"), "colour", "unknown"));
    }

    private static Arguments broken(String name, Consumer<JsonObject> change, String field, String rule) {
        return Arguments.of(name, change, field, rule);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenEvents")
    void rejectsEachBrokenRuleNamingTheField(String name, Consumer<JsonObject> change, String field, String rule) {
        JsonObject event = validEvent();
        change.accept(event);

        DecodeResult result = decode(event.encode());

        assertThat(result.isValid()).as("%s should be refused", event.encode()).isFalse();
        assertThat(result.problem().field()).isEqualTo(field);
        assertThat(result.problem().rule()).isEqualTo(rule);
        assertThat(result.problem().detail()).contains(field.replaceAll("\\[.*", ""));
    }

    @Test
    void rejectsARepeatedField() {
        String json = validEvent().encode().replaceFirst("\\{", "{\"storyId\":\"first\",");

        assertThat(decode(json).problem()).extracting(FieldProblem::field, FieldProblem::rule).containsExactly("storyId", "duplicate");
    }

    @Test
    void allowsACloseFriendsStoryThatIsNotShared() {
        DecodeResult result = decode(validEvent().put("audience", "close_friends").put("shareTo", new JsonArray()).encode());

        assertThat(result.event().audience()).isEqualTo(Audience.CLOSE_FRIENDS);
    }

    @Test
    void countsCaptionLengthInCodePointsNotUtf16Units() {
        String tenEmoji = "\uD83D\uDE00".repeat(10);

        assertThat(decode(validEvent().put("caption", tenEmoji).encode()).isValid()).isTrue();
    }

    @Test
    void decodesAnEventInsideALargerBuffer() {
        byte[] event = validEvent().encode().getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[event.length + 20];
        buffer[0] = 'x';
        System.arraycopy(event, 0, buffer, 10, event.length);

        assertThat(decoder.decode(buffer, 10, event.length).isValid()).isTrue();
    }

    @Test
    void encoderWritesWhatTheDecoderReadsBack() {
        StoryEvent event = decode(validEvent().encode()).event();
        byte[] canonical = new StoryEventEncoder().encode(event);

        assertThat(decoder.decode(canonical, 0, canonical.length).event()).isEqualTo(event);
    }
}
