package dev.livemigrate.core.catalog;

import dev.livemigrate.Namespace;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NamespaceMapperTest {

    private static final List<Namespace> SOURCE = List.of(ns("sales.orders"), ns("sales.items"), ns("sales.tmp_a"),
            ns("sales.system.views"), ns("hr.people"), ns("admin.users"), ns("config.x"), ns("logs.app.v1"));

    @Test
    void noRulesSelectsEverythingButInternalNamespaces() {
        assertThat(mapper(List.of(), List.of(), Map.of()).map(SOURCE).keySet())
                .containsExactly(ns("hr.people"), ns("logs.app.v1"), ns("sales.items"), ns("sales.orders"), ns("sales.tmp_a"));
    }

    @Test
    void wildcardsMatchEitherPart() {
        assertThat(mapper(List.of("*.people", "sales.*"), List.of("*.tmp_*"), Map.of()).map(SOURCE).keySet())
                .containsExactly(ns("hr.people"), ns("sales.items"), ns("sales.orders"));
        assertThat(mapper(List.of("logs.app.*"), List.of(), Map.of()).map(SOURCE).keySet()).containsExactly(ns("logs.app.v1"));
    }

    @Test
    void theMostSpecificRenameWins() {
        Map<String, String> renames = new LinkedHashMap<>();
        renames.put("sales.*", "shop.*");
        renames.put("sales.orders", "archive.orders");
        Map<Namespace, Namespace> mapping = mapper(List.of("sales.*"), List.of(), renames).map(SOURCE);

        assertThat(mapping).containsEntry(ns("sales.orders"), ns("archive.orders"))
                .containsEntry(ns("sales.items"), ns("shop.items"))
                .containsEntry(ns("sales.tmp_a"), ns("shop.tmp_a"));
    }

    private static NamespaceMapper mapper(List<String> in, List<String> out, Map<String, String> renames) {
        return new NamespaceMapper(in, out, renames);
    }

    private static Namespace ns(String s) {
        return Namespace.parse(s);
    }
}
