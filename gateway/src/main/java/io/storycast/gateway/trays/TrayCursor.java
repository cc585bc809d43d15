package io.storycast.gateway.trays;

import io.storycast.gateway.audience.InvalidInputException;
import io.storycast.gateway.story.FieldProblem;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Where a tray page ended: the score (createdAt) and member of its last story. Opaque to clients
 * (base64url), so its form may change; the next page starts strictly after it, so stories with equal
 * times are neither skipped nor repeated.
 *
 * @param score  the last story's createdAt, epoch ms
 * @param member the last story's tray member
 */
public record TrayCursor(long score, String member) {
    public TrayCursor {
        Objects.requireNonNull(member, "member");
    }

    /**
     * @return whether this cursor comes after {@code other} in the order of a tray read from oldest to newest: a later
     *         createdAt, or the same one and a greater member (a tray page lists the reverse, newest first)
     */
    public boolean isAfter(TrayCursor other) {
        return score != other.score ? score > other.score : member.compareTo(other.member) > 0;
    }

    /** @return the cursor as sent to clients */
    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((score + "/" + member).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param text a cursor from {@link #encode}, or {@code null}
     * @return the cursor, or {@code null} for none
     * @throws InvalidInputException (field {@code cursor}) when the text is not a cursor
     */
    public static TrayCursor decode(String text) {
        if (text == null) {
            return null;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int slash = plain.indexOf('/');
            if (slash > 0 && slash < plain.length() - 1) {
                return new TrayCursor(Long.parseLong(plain.substring(0, slash)), plain.substring(slash + 1));
            }
        } catch (IllegalArgumentException notACursor) {
            // answered below (NumberFormatException is one too)
        }
        throw new InvalidInputException(new FieldProblem("cursor", "format",
                "cursor must be the 'next' value of a previous page of this tray"));
    }
}
