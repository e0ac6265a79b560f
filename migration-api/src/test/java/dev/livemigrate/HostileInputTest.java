package dev.livemigrate;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Generated input, thousands of cases per kind from seeded generators (a failure names its case and can be
 * replayed): every connection string, duration and spec setting a person or a program may give is either taken
 * or refused with a coded {@link ConfigurationException}; nothing else escapes, and a refusal never repeats a
 * password.
 */
class HostileInputTest {

    private static final int CASES = 3000;
    private static final String URI_CHARS = "abcdefghij0123456789.:,/?=&@%[]-_ \"'\\\u00e9\u0000";

    @Test
    void aConnectionStringIsParsedOrRefusedWithItsCode() {
        // (mongodb+srv:// strings make the driver look up DNS records while parsing: one case below, not thousands)
        List<String> prefixes = List.of("mongodb://", "mongodb+srv:/", "mongodb://u:p@", "", "http://", "mongodb:/");
        forEachCase(r -> prefixes.get(r.nextInt(prefixes.size())) + text(r, URI_CHARS, 60), uri -> {
            Throwable t = catchThrowable(() -> ConnectionStrings.parse(uri, "source"));
            if (t != null) {
                assertThat(t).isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONNECTION_STRING)).hasMessageContaining("the source connection string");
            }
        });
    }

    /**
     * Found by generated strings: the driver looks up an SRV string's TXT record while parsing it, and a host that
     * is no DNS name ({@code "}) failed with the driver's own exception instead of a coded refusal.
     */
    @Test
    void anSrvStringWhoseRecordsCannotBeFoundIsRefusedWithItsCode() {
        Throwable t = catchThrowable(() -> ConnectionStrings.parse("mongodb+srv://migrator:Pw-hidden@\"", "destination"));

        assertThat(t).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONNECTION_STRING))
                .hasMessageContaining("the destination connection string").hasMessageNotContaining("Pw-hidden");
    }

    @Test
    void aRefusedConnectionStringNeverRepeatsItsPassword() {
        forEachCase(r -> "Pw" + text(r, "abcdefghijklmnopqrstuvwxyz0123456789", 12 + r.nextInt(12)) + "\n" + text(r, URI_CHARS, 60), c -> {
            String password = c.substring(0, c.indexOf('\n'));
            String uri = "mongodb://migrator:" + password + "@" + c.substring(c.indexOf('\n') + 1);
            Throwable t = catchThrowable(() -> ConnectionStrings.parse(uri, "source"));
            if (t != null) {
                assertThat(t.getMessage()).doesNotContain(password);
            }
        });
    }

    @Test
    void aDurationIsReadOrRefusedWithItsCode() {
        List<String> units = List.of("", "ms", "s", "m", "h", "d", "w", "S", " s", "sec");
        forEachCase(r -> r.nextBoolean() ? text(r, URI_CHARS + "-+smhd", 20)
                : text(r, "-+0123456789. ", 25) + units.get(r.nextInt(units.size())), text -> {
            Throwable t = catchThrowable(() -> Durations.parse(text));
            if (t == null) {
                assertThat(Durations.parse(text).isNegative()).isFalse();
            } else {
                assertThat(t).isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC)).hasMessageContaining("is not a duration");
            }
        });
    }

    @Test
    void aSpecIsBuiltOrRefusedWithItsCode() {
        Random r = new Random(7);
        for (int i = 0; i < CASES; i++) {
            String id = text(r, "abc-_XYZ019 .$\u00e9", r.nextInt(70));
            int lanes = r.nextInt(600) - 100;
            int parallelism = r.nextInt(600) - 100;
            long buffer = r.nextBoolean() ? r.nextLong() : r.nextInt(1 << 22);
            long seconds = r.nextInt(2_000_000) - 1000;
            Throwable t = catchThrowable(() -> MigrationSpec.builder().migrationId(id).source("mongodb://a:1").destination("mongodb://b:2")
                    .applyLanes(lanes).copyParallelism(parallelism).applyBufferBytes(buffer)
                    .lagThreshold(Duration.ofSeconds(seconds)).retryBudget(Duration.ofSeconds(seconds)).build());
            if (t != null) {
                assertThat(t).as("case %d: id '%s', lanes %d, parallelism %d, buffer %d, %d s", i, id, lanes, parallelism, buffer, seconds)
                        .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC));
            }
        }
    }

    /** Runs the check on {@value #CASES} generated cases; a failure names the case. */
    private static void forEachCase(Function<Random, String> generator, Consumer<String> check) {
        Random r = new Random(20261201);
        for (int i = 0; i < CASES; i++) {
            String c = generator.apply(r);
            try {
                check.accept(c);
            } catch (AssertionError e) {
                throw new AssertionError("case " + i + ": '" + c + "': " + e.getMessage(), e);
            }
        }
    }

    private static String text(Random r, String chars, int maxLength) {
        int length = r.nextInt(maxLength + 1);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(r.nextInt(10) == 0 ? (char) r.nextInt(0x3000) : chars.charAt(r.nextInt(chars.length())));
        }
        return b.toString();
    }
}
