package io.storycast.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.util.Objects;

/**
 * Reads a request body line by line with backpressure: when the line handler answers with a future
 * (work that must finish before more lines), the request is paused and the rest of the current buffer
 * waits with it; reading resumes when the future succeeds. At most one partial line of
 * {@code maxLineBytes} is carried between buffers, so memory stays bounded whatever the body's length.
 * {@code RecordParser} does not fit: while paused it keeps buffering and counts the buffered lines
 * against its record limit.
 *
 * <p>On a failure (a line too long, the handler's future failing, the connection breaking) reading
 * stops, the rest of the body is drained and discarded, and the future of {@link #start()} fails.
 */
final class NdjsonLineReader {
    /** Thrown when a line exceeds the limit; carries its line number, from 1. */
    static final class LineTooLongException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int lineNumber;

        LineTooLongException(int lineNumber, int maxLineBytes) {
            super("line " + lineNumber + " is longer than " + maxLineBytes + " bytes", null, false, false);
            this.lineNumber = lineNumber;
        }
    }

    /** Takes a line (its number from 1, its text without the newline); answers null, or work to wait for. */
    interface LineHandler {
        Future<Void> line(int lineNumber, String line);
    }

    private final HttpServerRequest request;
    private final int maxLineBytes;
    private final LineHandler handler;
    private final Promise<Void> done = Promise.promise();
    private Buffer carry = Buffer.buffer();
    private int position;
    private int lineNumber;
    private boolean waiting;
    private boolean ended;

    NdjsonLineReader(HttpServerRequest request, int maxLineBytes, LineHandler handler) {
        this.request = Objects.requireNonNull(request, "request");
        this.maxLineBytes = maxLineBytes;
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** Starts reading; the future completes after the last line was handled and its work finished. */
    Future<Void> start() {
        request.handler(buffer -> {
            carry = position == carry.length() ? buffer : carry.getBuffer(position, carry.length()).appendBuffer(buffer);
            position = 0;
            readLines();
        });
        request.endHandler(ignored -> {
            ended = true;
            readLines();
        });
        request.exceptionHandler(this::fail);
        request.resume();
        return done.future();
    }

    private void readLines() {
        while (!waiting && !done.future().isComplete()) {
            int newline = indexOfNewline();
            if (newline < 0) {
                if (carry.length() - position > maxLineBytes) {
                    fail(new LineTooLongException(lineNumber + 1, maxLineBytes));
                } else if (ended) {
                    if (position < carry.length() && !handleLine(carry.length())) {
                        continue;
                    }
                    done.tryComplete();
                }
                return;
            }
            if (newline - position > maxLineBytes) {
                fail(new LineTooLongException(lineNumber + 1, maxLineBytes));
                return;
            }
            handleLine(newline);
        }
    }

    /** @return false when the handler asked to wait */
    private boolean handleLine(int end) {
        String line = carry.getString(position, end, "UTF-8");
        position = end < carry.length() ? end + 1 : end;
        Future<Void> work = handler.line(++lineNumber, line);
        if (work == null) {
            return true;
        }
        waiting = true;
        request.pause();
        work.onComplete(finished -> {
            waiting = false;
            if (finished.failed()) {
                fail(finished.cause());
                return;
            }
            request.resume();
            readLines();
        });
        return false;
    }

    private int indexOfNewline() {
        for (int i = position; i < carry.length(); i++) {
            if (carry.getByte(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void fail(Throwable failure) {
        if (done.tryFail(failure)) {
            // Drain and discard the rest, so no buffer stays queued in a paused request.
            request.handler(ignored -> { });
            request.resume();
        }
    }
}
