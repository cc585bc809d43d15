package io.storycast.gateway.http;

import io.storycast.gateway.story.FieldProblem;
import io.storycast.gateway.story.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The members of one bulk add or remove, gathered into chunks of at most {@code chunkSize} that are
 * written one at a time: the caller stops reading while a full chunk is written, so a request of any
 * length holds about one chunk in memory. Bad lines are counted and the first
 * {@code maxReportedProblems} described; good lines are kept. Confined to one event loop.
 */
final class BulkMemberUpload {
    private final int chunkSize;
    private final int maxReportedProblems;
    private final Function<List<String>, Future<Long>> writeChunk;
    private final JsonArray problems = new JsonArray();
    private List<String> chunk;
    private long received;
    private long rejected;
    private long changed;

    /**
     * @param writeChunk writes one chunk and answers how many members it changed (added or removed)
     */
    BulkMemberUpload(int chunkSize, int maxReportedProblems, Function<List<String>, Future<Long>> writeChunk) {
        this.chunkSize = chunkSize;
        this.maxReportedProblems = maxReportedProblems;
        this.writeChunk = Objects.requireNonNull(writeChunk, "writeChunk");
        this.chunk = new ArrayList<>(chunkSize);
    }

    /**
     * Takes one NDJSON line: a JSON string holding a subscriber id. Blank lines are skipped.
     *
     * @param lineNumber the line's number in the body, from 1
     * @param line       the line without its newline
     * @return true when the chunk is full and must be {@linkplain #writeChunk() written} before more lines
     */
    boolean acceptLine(int lineNumber, String line) {
        String text = line.strip();
        if (text.isEmpty()) {
            return false;
        }
        if (text.length() < 2 || text.charAt(0) != '"' || text.charAt(text.length() - 1) != '"') {
            return reject("line", lineNumber, FieldProblem.type("member", "a JSON string holding a subscriber id"));
        }
        return accept("line", lineNumber, text.substring(1, text.length() - 1));
    }

    /**
     * Takes one element of a JSON array body.
     *
     * @return true when the chunk is full and must be {@linkplain #writeChunk() written} before more elements
     */
    boolean acceptElement(int index, Object element) {
        if (!(element instanceof String member)) {
            return reject("index", index, FieldProblem.type("member", "a string holding a subscriber id"));
        }
        return accept("index", index, member);
    }

    private boolean accept(String position, int number, String member) {
        String rule = Ids.brokenRule(member, Ids.MAX_ID_LENGTH);
        if (rule != null) {
            return reject(position, number, new FieldProblem("member", rule, Ids.explain("member", member, Ids.MAX_ID_LENGTH, rule)));
        }
        received++;
        chunk.add(member);
        return chunk.size() >= chunkSize;
    }

    private boolean reject(String position, int number, FieldProblem problem) {
        received++;
        rejected++;
        if (problems.size() < maxReportedProblems) {
            problems.add(new JsonObject().put(position, number).put("field", problem.field())
                    .put("rule", problem.rule()).put("detail", problem.detail()));
        }
        return false;
    }

    /** Writes the members gathered so far, if any; the next chunk starts empty. */
    Future<Void> writeChunk() {
        if (chunk.isEmpty()) {
            return Future.succeededFuture();
        }
        List<String> full = chunk;
        chunk = new ArrayList<>(chunkSize);
        return writeChunk.apply(full).map(count -> {
            changed += count;
            return null;
        });
    }

    /**
     * @param changedName what the change is called in the answer, {@code added} or {@code removed}
     * @return the answer: counts, and the first bad lines
     */
    JsonObject report(String changedName) {
        return new JsonObject().put("received", received).put(changedName, changed)
                .put("unchanged", received - rejected - changed).put("rejected", rejected)
                .put("problems", problems).put("problemsOmitted", rejected - problems.size());
    }
}
