package dev.livemigrate.cli;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.MongosProxy;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.livemigrate.core.testing.DataAssertions.assertSameDocuments;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --shard} and {@code --create-supporting-indexes}: a replica set migrated to "a sharded cluster" (a
 * {@link MongosProxy} in front of an embedded server, MongoDB 7.0 as its {@code buildInfo} says) with the
 * collection sharded as the option asks before the copy writes into it; a malformed entry refused by name with
 * exit 2 before anything is written.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShardOptionTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aShardOptionShardsTheRenamedCollectionBeforeTheCopyAndTheReportSaysSo() {
        for (int i = 0; i < 20; i++) {
            source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", i).append("region", "r" + (i % 3)));
        }
        StringWriter out = new StringWriter();
        int exit;
        try (MongosProxy to = MongosProxy.empty(destination, 7, 0, 2)) {
            exit = LivemigrateCommand.execute(new String[] {"run", "--source", source.connectionString(), "--destination",
                    to.connectionString(), "--rename", "shop.orders=archive.orders", "--shard", "shop.orders={\"region\": 1}",
                    "--create-supporting-indexes", "--cutover", "auto", "--yes"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));

            List<WireProxy.Command> sent = to.commands();
            List<String> names = sent.stream().map(WireProxy.Command::name).toList();
            int shard = names.indexOf("shardCollection");
            assertThat(sent.get(shard).body().getString("shardCollection").getValue()).isEqualTo("archive.orders");
            assertThat(sent.get(shard).body().getDocument("key")).isEqualTo(BsonDocument.parse("{region: 1}"));
            int firstInsert = -1;
            for (int i = 0; i < sent.size() && firstInsert < 0; i++) {
                if (sent.get(i).name().equals("insert") && sent.get(i).body().getString("insert").getValue().equals("orders")) {
                    firstInsert = i;
                }
            }
            assertThat(shard).isLessThan(firstInsert);
        }

        assertThat(exit).isEqualTo(0);
        assertThat(out.toString()).contains("  sharding           shop.orders={\"region\": 1} (supporting indexes created where missing)",
                "  sharding           archive.orders: sharded on {\"region\": 1} as the sharding entry asks");
        assertSameDocuments(source.client(), Namespace.parse("shop.orders"), destination.client(), Namespace.parse("archive.orders"));
    }

    @Test
    void aMalformedShardOptionExitsTwoNamingItAndWritesNothing() {
        source.client().getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 1));
        StringWriter err = new StringWriter();

        int exit = LivemigrateCommand.execute(new String[] {"run", "--source", source.connectionString(), "--destination",
                destination.connectionString(), "--shard", "shop.orders={\"region\": -1}", "--cutover", "auto", "--yes"},
                new PrintWriter(new StringWriter()), new PrintWriter(err, true));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("error: [INVALID_SHARDING_ENTRY] sharding entry shop.orders={\"region\": -1}: field 'region'"
                + " is BsonInt32{value=-1}; use 1 (ranged) or \"hashed\" for each field.");
        assertThat(destination.client().listDatabaseNames()).containsExactly("local");
    }
}
