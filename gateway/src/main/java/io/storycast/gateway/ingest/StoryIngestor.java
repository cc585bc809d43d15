package io.storycast.gateway.ingest;

import io.storycast.gateway.auth.ApiClient;
import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.story.StoryEvent;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ingest use case without HTTP: decode each event, check the producer may post for its platform,
 * append the good ones, and report every event's outcome. A bad event never costs a good neighbour its
 * place.
 */
public final class StoryIngestor {
    private final StoryEventDecoder decoder;
    private final StoryStreamAppender appender;

    public StoryIngestor(StoryEventDecoder decoder, StoryStreamAppender appender) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.appender = Objects.requireNonNull(appender, "appender");
    }

    /**
     * @param producer the authenticated producer
     * @param body     the request body
     * @param lines    where each event lies in {@code body}
     * @return one result per line, in line order; never a failed future
     */
    public Future<List<LineResult>> ingest(ApiClient producer, byte[] body, NdjsonLines lines) {
        LineResult[] results = new LineResult[lines.count()];
        List<StoryEvent> toAppend = new ArrayList<>(lines.count());
        int[] lineOfAppend = new int[lines.count()];
        for (int i = 0; i < lines.count(); i++) {
            int line = lines.lineNumber(i);
            DecodeResult decoded = decoder.decode(body, lines.offset(i), lines.length(i));
            if (!decoded.isValid()) {
                results[i] = new LineResult(line, LineResult.Status.INVALID, null, null, -1, decoded.problem());
            } else if (!producer.mayActFor(decoded.event().platform())) {
                results[i] = new LineResult(line, LineResult.Status.FORBIDDEN, decoded.event(), null, -1,
                        new FieldProblem("platform", "forbidden", "producer '" + producer.name() + "' may not post for "
                                + decoded.event().platform().wireName()));
            } else {
                lineOfAppend[toAppend.size()] = i;
                toAppend.add(decoded.event());
            }
        }
        if (toAppend.isEmpty()) {
            return Future.succeededFuture(List.of(results));
        }
        return appender.append(producer.name(), toAppend).map(outcomes -> {
            for (int k = 0; k < outcomes.size(); k++) {
                int i = lineOfAppend[k];
                AppendOutcome outcome = outcomes.get(k);
                StoryEvent event = toAppend.get(k);
                if (!outcome.stored()) {
                    results[i] = new LineResult(lines.lineNumber(i), LineResult.Status.UNAVAILABLE, event, null, -1, null);
                } else {
                    results[i] = new LineResult(lines.lineNumber(i),
                            outcome.appended() ? LineResult.Status.ACCEPTED : LineResult.Status.DUPLICATE,
                            event, outcome.entryId(), outcome.entryIndex(), null);
                }
            }
            return List.of(results);
        });
    }
}
