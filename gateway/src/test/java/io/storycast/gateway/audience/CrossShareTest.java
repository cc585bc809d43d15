package io.storycast.gateway.audience;

import io.storycast.gateway.story.Audience;
import io.storycast.gateway.story.Platform;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrossShareTest {
    private final CrossShare preference = CrossShare.fromJson(new JsonObject(
            "{\"instagram\":[\"facebook\",\"whatsapp\"],\"facebook\":[\"instagram\"],\"whatsapp\":[]}"));

    @Test
    void sendsAStoryToThePreferredTargetsOfItsSource() {
        assertThat(preference.targetsOf(Platform.INSTAGRAM, Audience.DEFAULT, null))
                .containsExactlyInAnyOrder(Platform.FACEBOOK, Platform.WHATSAPP);
        assertThat(preference.targetsOf(Platform.FACEBOOK, Audience.DEFAULT, null)).containsExactly(Platform.INSTAGRAM);
    }

    @Test
    void keepsAStoryOnItsSourceWhenTheSourceHasNoPreference() {
        assertThat(preference.targetsOf(Platform.WHATSAPP, Audience.DEFAULT, null)).isEmpty();
        assertThat(preference.targetsOf(Platform.MESSENGER, Audience.DEFAULT, null)).isEmpty();
        assertThat(CrossShare.NONE.targetsOf(Platform.INSTAGRAM, Audience.DEFAULT, null)).isEmpty();
    }

    @Test
    void letsShareToNarrowThePreferenceButNeverWidenIt() {
        assertThat(preference.targetsOf(Platform.INSTAGRAM, Audience.DEFAULT, EnumSet.of(Platform.WHATSAPP, Platform.MESSENGER)))
                .containsExactly(Platform.WHATSAPP);
        assertThat(preference.targetsOf(Platform.INSTAGRAM, Audience.DEFAULT, Set.of())).isEmpty();
    }

    @Test
    void neverCrossSharesACloseFriendsStory() {
        assertThat(preference.targetsOf(Platform.INSTAGRAM, Audience.CLOSE_FRIENDS, null)).isEmpty();
    }

    @Test
    void leavesOutSourcesWithoutTargetsWhenWritten() {
        assertThat(preference.toJson()).isEqualTo(new JsonObject(
                "{\"instagram\":[\"facebook\",\"whatsapp\"],\"facebook\":[\"instagram\"]}"));
        assertThat(CrossShare.fromJson(preference.toJson())).isEqualTo(preference);
    }

    @Test
    void rejectsASelfShare() {
        assertThatThrownBy(() -> CrossShare.fromJson(new JsonObject("{\"facebook\":[\"whatsapp\",\"facebook\"]}")))
                .isInstanceOfSatisfying(InvalidInputException.class, invalid -> {
                    assertThat(invalid.problem().field()).isEqualTo("facebook[1]");
                    assertThat(invalid.problem().rule()).isEqualTo("self-share");
                });
    }

    @Test
    void rejectsAnUnknownSourceOrTarget() {
        assertThatThrownBy(() -> CrossShare.fromJson(new JsonObject("{\"myspace\":[\"facebook\"]}")))
                .isInstanceOfSatisfying(InvalidInputException.class, invalid -> {
                    assertThat(invalid.problem().field()).isEqualTo("myspace");
                    assertThat(invalid.problem().rule()).isEqualTo("enum");
                });
        assertThatThrownBy(() -> CrossShare.fromJson(new JsonObject("{\"instagram\":[\"orkut\"]}")))
                .isInstanceOfSatisfying(InvalidInputException.class, invalid -> {
                    assertThat(invalid.problem().field()).isEqualTo("instagram[0]");
                    assertThat(invalid.problem().rule()).isEqualTo("enum");
                });
    }

    @Test
    void rejectsTargetsThatAreNotAListAndTargetsNamedTwice() {
        assertThatThrownBy(() -> CrossShare.fromJson(new JsonObject("{\"instagram\":\"facebook\"}")))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        invalid -> assertThat(invalid.problem().rule()).isEqualTo("type"));
        assertThatThrownBy(() -> CrossShare.fromJson(new JsonObject("{\"instagram\":[\"facebook\",\"facebook\"]}")))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        invalid -> assertThat(invalid.problem().rule()).isEqualTo("duplicate"));
    }
}
