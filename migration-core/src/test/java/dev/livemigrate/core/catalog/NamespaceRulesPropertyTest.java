package dev.livemigrate.core.catalog;

import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.Namespace;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Generated include, exclude and rename rules, thousands of sets from seeded generators, over a fixed source
 * catalog: the rules are taken or refused with a coded {@link ConfigurationException}, and a mapping that is
 * taken only names destination namespaces MongoDB accepts, so a bad rule is refused before anything is
 * written, never by a failing {@code create} halfway through a copy. (The generated rules found renames to
 * {@code sales.$} and to a database named {@code /\b} taken as valid.)
 */
class NamespaceRulesPropertyTest {

    private static final int CASES = 3000;
    private static final List<Namespace> CATALOG = List.of(Namespace.parse("sales.orders"), Namespace.parse("sales.items"),
            Namespace.parse("crm.people"), Namespace.parse("crm.people.archive"), Namespace.parse("logs.2024"));
    private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.INVALID_PATTERN, ErrorCode.PATTERN_MATCHES_NOTHING,
            ErrorCode.RENAME_CONFLICT);
    private static final String ODD = "ab*$. /\"\\:\u0000<>|?";
    private static final List<String> PARTS = List.of("sales", "crm", "logs", "orders", "items", "people", "*", "x", "",
            "system.x", "$cmd", "a b", "/\\b", "admin", "__livemigrate");

    @Test
    void rulesAreTakenOrRefusedWithTheirCode() {
        Random r = new Random(11);
        for (int i = 0; i < CASES; i++) {
            List<String> includes = patterns(r, r.nextInt(3));
            List<String> excludes = patterns(r, r.nextInt(2));
            Map<String, String> renames = new LinkedHashMap<>();
            patterns(r, r.nextInt(3)).forEach(from -> renames.put(from, pattern(r)));
            check("case " + i + ": includes " + includes + ", excludes " + excludes + ", renames " + renames,
                    new ArrayList<>(includes), excludes, renames);
        }
    }

    @Test
    void aRenameIsTakenOnlyToANamespaceMongoAccepts() {
        Random r = new Random(12);
        for (int i = 0; i < CASES; i++) {
            String target = pattern(r);
            Map<String, String> rename = r.nextBoolean() ? Map.of("crm.*", target.replaceAll("\\..*", "") + ".*")
                    : Map.of("sales.orders", target);
            check("case " + i + ": rename " + rename, List.of(), List.of(), rename);
        }
    }

    private static void check(String name, List<String> includes, List<String> excludes, Map<String, String> renames) {
        Throwable t = catchThrowable(() -> new NamespaceMapper(includes, excludes, renames).map(CATALOG)
                .values().forEach(target -> assertMongoAccepts(name, target)));
        if (t instanceof AssertionError a) {
            throw a;
        }
        if (t != null) {
            assertThat(t).as(name).isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.errorCode()).isIn(REFUSALS));
        }
    }

    /** MongoDB's naming restrictions (manual, "Naming Restrictions"): database and collection names it refuses. */
    private static void assertMongoAccepts(String name, Namespace target) {
        assertThat(target.database()).as("%s: database of %s", name, target).doesNotContainPattern("[/\\\\. \"$*<>:|?\\x00]");
        assertThat(target.database().getBytes(StandardCharsets.UTF_8).length).as("%s: database of %s", name, target).isLessThan(64);
        assertThat(target.collection()).as("%s: collection of %s", name, target).doesNotContain("$").doesNotContain("\u0000")
                .doesNotStartWith("system.");
    }

    private static List<String> patterns(Random r, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(pattern(r));
        }
        return out;
    }

    private static String pattern(Random r) {
        int parts = 1 + r.nextInt(3);
        StringBuilder b = new StringBuilder(part(r));
        for (int i = 1; i < parts; i++) {
            b.append('.').append(part(r));
        }
        return b.toString();
    }

    private static String part(Random r) {
        return switch (r.nextInt(4)) {
            case 0, 1 -> PARTS.get(r.nextInt(PARTS.size()));
            case 2 -> "x".repeat(r.nextInt(3)) + ODD.charAt(r.nextInt(ODD.length())) + "x".repeat(r.nextInt(3));
            default -> "d".repeat(40 + r.nextInt(40));
        };
    }
}
