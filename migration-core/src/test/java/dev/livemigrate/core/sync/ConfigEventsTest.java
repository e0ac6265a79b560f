package dev.livemigrate.core.sync;

import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.Connections;
import dev.livemigrate.core.RunContext;
import dev.livemigrate.core.catalog.NamespaceMapper;
import dev.livemigrate.core.catalog.Selection;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events of the {@code config} database (where the balancer's splits and moves, the changelog and the sessions
 * live) and of {@code admin} are never replayed: {@link ChangeSync} skips every event whose namespace has no
 * target, and no rule can give these one. MongoDB's cluster-wide stream leaves those databases out already
 * ({@code Mongo.watch()}: "all its non-system collections across its databases, with the exception of the admin,
 * local, and the config databases", https://www.mongodb.com/docs/manual/reference/method/Mongo.watch/), so this
 * is the engine's own guard should one arrive. Chunk migrations' own inserts and deletes on the shards are not
 * shown through mongos at all ({@code showMigrationEvents} is refused there, SERVER-88167), and the engine never
 * asks for them.
 */
class ConfigEventsTest {

    @RegisterExtension
    final EmbeddedMongo source = new EmbeddedMongo();
    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void eventsOfTheConfigAndAdminDatabasesHaveNoTargetEvenWithoutRules() {
        MigrationSpec spec = MigrationSpec.builder().migrationId("cfg").source(source.connectionString())
                .destination(destination.connectionString()).build(); // no include: every database is selected
        MetadataStore metadata = new MetadataStore(destination.client());
        RunContext run = new RunContext(spec, new Connections(null, source.client(), destination.client(), null, null), metadata,
                new Selection(NamespaceMapper.of(spec), Map.of(), Map.of(), List.of()), null);
        SyncTargets targets = new SyncTargets(run);

        // the change events' shapes (insert, update, delete) of https://www.mongodb.com/docs/manual/reference/change-events/
        List<ChangeEvent> events = List.of(
                event("{operationType: 'update', ns: {db: 'config', coll: 'chunks'}, documentKey: {_id: {$oid: '63a5537d7c71b9f73c26d76a'}},"
                        + " updateDescription: {updatedFields: {shard: 'shard02', lastmod: {$timestamp: {t: 3, i: 0}}}, removedFields: [],"
                        + " truncatedArrays: []}}"),
                event("{operationType: 'insert', ns: {db: 'config', coll: 'changelog'}, documentKey: {_id: 'host-2026-12-01T10:00:00.000+00:00-1'},"
                        + " fullDocument: {_id: 'host-2026-12-01T10:00:00.000+00:00-1', what: 'moveChunk.commit', ns: 'shop.orders'}}"),
                event("{operationType: 'delete', ns: {db: 'config', coll: 'system.sessions'}, documentKey: {_id: {id: 1}}}"),
                event("{operationType: 'insert', ns: {db: 'admin', coll: 'system.version'}, documentKey: {_id: 'x'}, fullDocument: {_id: 'x'}}"),
                event("{operationType: 'insert', ns: {db: 'shop', coll: 'orders'}, documentKey: {region: 'eu', _id: 1},"
                        + " fullDocument: {_id: 1, region: 'eu'}}"));

        assertThat(events).extracting(e -> targets.targetOf(e.ns()))
                .containsExactly(null, null, null, null, Namespace.parse("shop.orders"));
        assertThat(metadata.collections("cfg")).containsOnlyKeys(Namespace.parse("shop.orders"));
    }

    private static ChangeEvent event(String json) {
        String withId = "{_id: {_data: '8265F0A1B2000000012B022C0100296E5A1004'}, clusterTime: {$timestamp: {t: 1764583200, i: 1}}, "
                + json.substring(1);
        return ChangeEvent.parse("cluster", 0, RawBsonDocument.parse(withId), null, false);
    }
}
