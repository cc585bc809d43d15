package io.storycast.gateway.live;

import io.storycast.gateway.story.Platform;
import io.storycast.gateway.trays.TrayCursor;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a push sends on a WebSocket: the documented message, encoded once however many connections send it. */
class LivePushTest {
    private static final JsonObject ENTRY = new JsonObject().put("storyId", "s-1").put("sourcePlatform", "instagram")
            .put("caption", "quotes \" and \\ and é and \u2028 survive").put("media", new JsonObject().put("id", "m-1"));

    private static LivePush push(long score, String member) {
        return new LivePush("story", Platform.FACEBOOK, new TrayCursor(score, member), ENTRY, ENTRY.toBuffer().getBytes(),
                2_000_000_000_000L, 1_000, 2_000);
    }

    @Test
    void theWebSocketMessageIsTheStoryWithItsResumeIdAsJson() {
        LivePush push = push(1_795_318_263_000L, "instagram:s-1");
        JsonObject message = new JsonObject(push.webSocketMessage(push.eventId()));
        assertThat(message).isEqualTo(new JsonObject().put("type", "story").put("id", push.cursor().encode()).put("story", ENTRY));
        assertThat(TrayCursor.decode(message.getString("id"))).isEqualTo(push.cursor());
    }

    @Test
    void everyConnectionSendingTheStorysOwnIdSharesOneEncodedMessage() {
        LivePush push = push(1_795_318_263_000L, "instagram:s-1");
        assertThat(push.webSocketMessage(push.eventId())).isSameAs(push.webSocketMessage(push.eventId()));
    }

    @Test
    void aConnectionThatSentANewerStoryKeepsThatStorysIdInTheMessage() {
        LivePush older = push(1_000L, "instagram:old");
        String newerId = new TrayCursor(2_000L, "instagram:new").encode();
        JsonObject message = new JsonObject(older.webSocketMessage(newerId));
        assertThat(message.getString("id")).isEqualTo(newerId);
        assertThat(message.getJsonObject("story")).isEqualTo(ENTRY);
    }
}
