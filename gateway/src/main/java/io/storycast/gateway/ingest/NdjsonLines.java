package io.storycast.gateway.ingest;

/**
 * The non-blank lines of an NDJSON body, found without copying: each line is an offset and a length into
 * the body array. Line numbers count every line, blank ones included, from 1, so they match what the
 * producer sent. {@code \n} ends a line; a {@code \r} before it is dropped.
 */
public final class NdjsonLines {
    private final int[] lineNumbers;
    private final int[] offsets;
    private final int[] lengths;
    private final int count;

    private NdjsonLines(int[] lineNumbers, int[] offsets, int[] lengths, int count) {
        this.lineNumbers = lineNumbers;
        this.offsets = offsets;
        this.lengths = lengths;
        this.count = count;
    }

    /**
     * @param body     the whole request body
     * @param maxLines most non-blank lines allowed
     * @return the lines, or {@code null} when there are more than {@code maxLines}
     */
    public static NdjsonLines split(byte[] body, int maxLines) {
        int capacity = Math.min(maxLines, 64);
        int[] lineNumbers = new int[capacity];
        int[] offsets = new int[capacity];
        int[] lengths = new int[capacity];
        int count = 0;
        int lineNumber = 0;
        int start = 0;
        while (start <= body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            if (start == body.length && end == start) {
                break; // the body ended with a newline: no further line
            }
            lineNumber++;
            int contentEnd = end > start && body[end - 1] == '\r' ? end - 1 : end;
            if (!isBlank(body, start, contentEnd)) {
                if (count == maxLines) {
                    return null;
                }
                if (count == offsets.length) {
                    int grown = Math.min(maxLines, offsets.length * 2);
                    lineNumbers = java.util.Arrays.copyOf(lineNumbers, grown);
                    offsets = java.util.Arrays.copyOf(offsets, grown);
                    lengths = java.util.Arrays.copyOf(lengths, grown);
                }
                lineNumbers[count] = lineNumber;
                offsets[count] = start;
                lengths[count] = contentEnd - start;
                count++;
            }
            start = end + 1;
        }
        return new NdjsonLines(lineNumbers, offsets, lengths, count);
    }

    /**
     * A single-event body: one line (number 1) spanning the whole body, or no line when it is blank.
     */
    public static NdjsonLines single(byte[] body) {
        if (isBlank(body, 0, body.length)) {
            return new NdjsonLines(new int[0], new int[0], new int[0], 0);
        }
        return new NdjsonLines(new int[] {1}, new int[] {0}, new int[] {body.length}, 1);
    }

    /** @return the number of non-blank lines */
    public int count() {
        return count;
    }

    /** @return the 1-based line number of non-blank line {@code i} in the body */
    public int lineNumber(int i) {
        return lineNumbers[i];
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    private static boolean isBlank(byte[] body, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
