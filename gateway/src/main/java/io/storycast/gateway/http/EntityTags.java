package io.storycast.gateway.http;

/** Entity-tag comparison for conditional requests (RFC 9110, sections 8.8.3 and 13.1). */
final class EntityTags {
    private EntityTags() {
    }

    /**
     * {@code If-None-Match}: {@code *}, or a comma-separated list of tags, each compared weakly (a
     * {@code W/} prefix on either side is ignored).
     *
     * @param ifNoneMatch the header, or null
     * @param etag        the representation's tag, quoted, e.g. {@code "abc"}
     * @return true when the header matches, so the answer is 304
     */
    static boolean noneMatchFails(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        String opaque = withoutWeakPrefix(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || withoutWeakPrefix(tag).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code If-Range} with an entity tag: the range is served only when the tag matches strongly;
     * a date or a weak tag never matches here, so the whole representation is sent.
     *
     * @param ifRange the header, or null
     * @return true when the {@code Range} header may be honoured
     */
    static boolean rangeMayBeServed(String ifRange, String etag) {
        return ifRange == null || ifRange.trim().equals(etag);
    }

    private static String withoutWeakPrefix(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
