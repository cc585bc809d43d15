package io.storycast.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs of a command line; a {@code --name} followed by another option or by nothing is a flag ("true"). */
final class Arguments {
    private Arguments() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || args[i].length() == 2) {
                throw new IllegalArgumentException("expected --name value pairs or --flag, got '" + args[i] + "'");
            }
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            options.put(args[i].substring(2), flag ? "true" : args[++i]);
        }
        return options;
    }
}
