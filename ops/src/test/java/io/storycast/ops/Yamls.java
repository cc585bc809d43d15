package io.storycast.ops;

import java.util.List;
import java.util.Map;

/** Walks parsed YAML or JSON (maps and lists) by path, failing with the path when a step is missing. */
final class Yamls {
    private Yamls() {
    }

    /**
     * @param path keys separated by dots; a number is a list index ({@code spec.template.spec.containers.0})
     * @return the value there
     */
    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String path) {
        Object current = node;
        for (String step : path.split("\\.")) {
            if (current instanceof Map<?, ?> map && map.containsKey(step)) {
                current = map.get(step);
            } else if (current instanceof List<?> list && step.chars().allMatch(Character::isDigit)
                    && Integer.parseInt(step) < list.size()) {
                current = list.get(Integer.parseInt(step));
            } else {
                throw new AssertionError("no '" + step + "' on the way to '" + path + "' in " + node);
            }
        }
        return (T) current;
    }

    /** @return the map at the path */
    static Map<String, Object> map(Object node, String path) {
        return at(node, path);
    }

    /** @return the list at the path */
    static List<Object> list(Object node, String path) {
        return at(node, path);
    }
}
