package dev.livemigrate.core.copy;

import dev.livemigrate.core.catalog.ShardedCollections.Chunk;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Copy partitions along a sharded collection's chunks ({@code config.chunks} ranges as the manual's config database page
 * shows them: {@code min} inclusive, {@code max} exclusive, the first from MinKey, the last to MaxKey).
 */
class ChunkPartitionsTest {

    @Test
    void moreChunksThanPartitionsWantedAreMergedEvenlyAlongTheirBoundaries() {
        List<Chunk> chunks = new ArrayList<>();
        String[] bounds = {"{$minKey: 1}", "10", "20", "30", "40", "50", "60", "70", "{$maxKey: 1}"};
        for (int i = 0; i + 1 < bounds.length; i++) {
            chunks.add(chunk(bounds[i], bounds[i + 1], i % 2 == 0 ? "shard01" : "shard02"));
        }

        List<Partition> plan = ChunkPartitions.plan("k", chunks, 4, bracket -> false);

        assertThat(plan).extracting(Partition::filter).containsExactly(
                BsonDocument.parse("{k: {$type: [1, 16, 18, 19], $not: {$gte: 20}}}"),
                BsonDocument.parse("{k: {$type: [1, 16, 18, 19], $gte: 20, $not: {$gte: 40}}}"),
                BsonDocument.parse("{k: {$type: [1, 16, 18, 19], $gte: 40, $not: {$gte: 60}}}"),
                BsonDocument.parse("{k: {$type: [1, 16, 18, 19], $gte: 60}}"));
    }

    @Test
    void bracketsNoBoundaryFallsInAreProbedAndMissingKeysFallInTheNullBracket() {
        List<Chunk> chunks = List.of(chunk("{$minKey: 1}", "'m'", "shard01"), chunk("'m'", "{$maxKey: 1}", "shard02"));

        List<Partition> plan = ChunkPartitions.plan("k", chunks, 2, bracket -> bracket == IdBracket.NULL || bracket == IdBracket.DATE);

        assertThat(plan).extracting(Partition::filter).containsExactly(
                BsonDocument.parse("{k: {$eq: null}}"),
                BsonDocument.parse("{k: {$gte: '', $not: {$gte: 'm'}}}"),
                BsonDocument.parse("{k: {$gte: 'm'}}"),
                BsonDocument.parse("{k: {$type: 9}}"));
    }

    @Test
    void onlyASingleRangedFieldIsAKeyWhoseRangesAreQueries() {
        assertThat(ChunkPartitions.ranged(BsonDocument.parse("{k: 1}"))).isTrue();
        assertThat(ChunkPartitions.ranged(BsonDocument.parse("{k: 'hashed'}"))).isFalse();
        assertThat(ChunkPartitions.ranged(BsonDocument.parse("{k: 1, _id: 1}"))).isFalse();
    }

    private static Chunk chunk(String min, String max, String shard) {
        return new Chunk(BsonDocument.parse("{k: " + min + "}"), BsonDocument.parse("{k: " + max + "}"), shard);
    }
}
