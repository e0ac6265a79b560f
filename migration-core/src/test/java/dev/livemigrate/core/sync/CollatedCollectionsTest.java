package dev.livemigrate.core.sync;

import dev.livemigrate.Namespace;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.ShardingPlan;
import dev.livemigrate.core.catalog.Topology;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which namespaces go to one lane, on the recorded {@code listCollections} reply shaped like MongoDB's
 * (src/test/resources/recorded/listCollections.json: {@code shop.contacts} has a French, strength-2
 * collation, {@code shop.events} is capped); the embedded server lists every collection with empty
 * options and cannot create capped collections.
 */
class CollatedCollectionsTest {

    private final Map<Namespace, CollectionInfo> catalog = recorded();
    private final AtomicInteger lookups = new AtomicInteger();
    private final CollatedCollections collated = new CollatedCollections(ns -> {
        lookups.incrementAndGet();
        return catalog.get(ns);
    });

    @Test
    void aCollectionWithANonSimpleDefaultCollationGoesInOrderOthersById() {
        assertThat(collated.test(Namespace.parse("shop.contacts"))).isTrue();
        assertThat(collated.test(Namespace.parse("shop.clustered"))).isFalse();
        assertThat(CollatedCollections.hasNonSimpleCollation(BsonDocument.parse("{collation: {locale: 'simple'}}"))).isFalse();
        assertThat(CollatedCollections.hasNonSimpleCollation(BsonDocument.parse("{}"))).isFalse();
    }

    /** Which documents a capped collection evicts depends on the order of inserts across documents. */
    @Test
    void aCappedCollectionGoesInOrder() {
        assertThat(collated.test(Namespace.parse("shop.events"))).isTrue();
    }

    /** A unique shard key is enforced while syncing: a key moving between documents must be applied in order. */
    @Test
    void aCollectionShardedOnTheDestinationOnAUniqueKeyGoesInOrder() {
        Namespace users = Namespace.parse("shop.clustered");
        Namespace orders = Namespace.parse("shop.weather");
        ShardingPlan sharding = new ShardingPlan(Map.of(
                users, new ShardingPlan.ShardKey(BsonDocument.parse("{email: 1}"), true, false, new BsonDocument(), "as on the source"),
                orders, new ShardingPlan.ShardKey(BsonDocument.parse("{region: 1}"), false, false, new BsonDocument(), "as on the source")),
                Map.of(), Map.of(), Topology.UNSHARDED, Topology.UNSHARDED);

        assertThat(collated.test(users)).as("by _id when not sharded so").isFalse();
        assertThat(collated.orUniqueShardKeys(sharding).test(users)).isTrue();
        assertThat(collated.orUniqueShardKeys(sharding).test(orders)).isFalse();
        assertThat(collated.orUniqueShardKeys(sharding).test(Namespace.parse("shop.contacts"))).isTrue();
    }

    @Test
    void aNamespaceTheSourceDoesNotListGoesInOrder() {
        assertThat(collated.test(Namespace.parse("shop.gone"))).isTrue();
    }

    @Test
    void theAnswerIsKeptUntilTheCollectionIsDroppedOrRenamed() {
        Namespace contacts = Namespace.parse("shop.contacts");
        assertThat(collated.test(contacts)).isTrue();
        catalog.remove(contacts);
        catalog.put(contacts, CollectionInfo.fromListCollections("shop", BsonDocument.parse("{name: 'contacts', options: {}}")));
        assertThat(collated.test(contacts)).as("kept while the collection lives: its events may be queued").isTrue();
        assertThat(lookups.get()).isEqualTo(1);

        collated.forget(contacts); // dropped, the lanes drained; a new collection of that name
        assertThat(collated.test(contacts)).isFalse();
        assertThat(lookups.get()).isEqualTo(2);
    }

    private static Map<Namespace, CollectionInfo> recorded() {
        try (InputStream in = CollatedCollectionsTest.class.getResourceAsStream("/recorded/listCollections.json")) {
            BsonDocument reply = BsonDocument.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            Map<Namespace, CollectionInfo> catalog = new HashMap<>();
            for (BsonValue entry : reply.getDocument("cursor").getArray("firstBatch")) {
                CollectionInfo info = CollectionInfo.fromListCollections("shop", entry.asDocument());
                catalog.put(info.namespace(), info);
            }
            return catalog;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
