package io.storycast.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mains' command lines: typed values with defaults, and no option that nothing reads. */
class ArgumentsTest {

    @Test
    void readsGivenValuesByTypeAndDefaultsForTheRest() {
        Arguments options = Arguments.parse(new String[] {"--seconds", "4", "--rate", "2.5", "--quick", "--out", "x/y"});

        assertThat(options.integer("seconds", 10)).isEqualTo(4);
        assertThat(options.decimal("rate", 1)).isEqualTo(2.5);
        assertThat(options.bool("quick", false)).as("a bare --name is a flag").isTrue();
        assertThat(options.path("out", "target")).isEqualTo(Path.of("x/y"));
        assertThat(options.integer("warmup", 3)).isEqualTo(3);
        assertThat(options.string("redis-config", null)).isNull();
        options.requireKnown();
    }

    @Test
    void refusesAValueThatDoesNotParseNamingTheOption() {
        Arguments options = Arguments.parse(new String[] {"--seconds", "ten", "--bare", "yes"});

        assertThatThrownBy(() -> options.integer("seconds", 10)).hasMessageContaining("--seconds").hasMessageContaining("'ten'");
        assertThatThrownBy(() -> options.bool("bare", true)).hasMessageContaining("--bare must be true or false");
    }

    @Test
    void refusesAnOptionThatNothingReadsListingTheKnownOnes() {
        Arguments options = Arguments.parse(new String[] {"--secnds", "4"});
        options.integer("seconds", 10);

        assertThatThrownBy(options::requireKnown).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option --secnds; the options are --seconds");
    }

    @Test
    void givenValuesWinOverDefaultsAndEveryCopyCountsAsRead() {
        Arguments given = Arguments.parse(new String[] {"--seconds", "4", "--partitions", "8"});
        Arguments options = given.withDefaults(Map.of("seconds", "10", "warmup", "3"));

        assertThat(options.integer("seconds", 0)).isEqualTo(4);
        assertThat(options.integer("warmup", 0)).as("a default where nothing was given").isEqualTo(3);
        assertThat(options.with("bare", "true").integer("partitions", 16)).as("read through a copy").isEqualTo(8);
        given.requireKnown();
    }

    @Test
    void anOptionACopyFixesIsStillUnknownWhenNothingElseReadsIt() {
        Arguments options = Arguments.parse(new String[] {"--bare", "false", "--followers", "5"});
        Arguments section = options.with("bare", "true").with("followers", "100");

        assertThat(section.bool("bare", false)).as("the fixed value, whatever was given").isTrue();
        assertThat(section.integer("followers", 0)).isEqualTo(100);
        options.integer("followers", 0); // another section reads the option itself

        assertThatThrownBy(options::requireKnown).hasMessageStartingWith("unknown option --bare;");
    }

    @Test
    void refusesWhatIsNotAnOption() {
        assertThatThrownBy(() -> Arguments.parse(new String[] {"seconds", "4"})).hasMessageContaining("'seconds'");
    }
}
