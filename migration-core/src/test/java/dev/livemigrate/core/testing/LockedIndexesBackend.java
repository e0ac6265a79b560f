package dev.livemigrate.core.testing;

import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;

import java.util.List;

/**
 * The embedded server's in-memory backend with each collection's index list changed and read under the collection's
 * own lock. mongo-java-server 1.47 synchronizes a collection's document operations on the collection but not
 * {@code addIndex}/{@code dropIndex}/{@code getIndexes}, so an index built while another connection deletes a document
 * fails that delete with a ConcurrentModificationException ("Unknown error", code -1), which a real server never does
 * (index builds run beside writes). Seen once in CI: the catalog pass building an index on the destination while an
 * apply lane deleted there. Nothing else changes.
 */
final class LockedIndexesBackend extends MemoryBackend {

    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new MemoryDatabase(databaseName, getCursorRegistry()) {
            @Override
            protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
                return new MemoryCollection(this, collectionName, options, cursorRegistry) {
                    @Override
                    public synchronized void addIndex(Index<Integer> index) {
                        super.addIndex(index);
                    }

                    @Override
                    public synchronized void dropIndex(String indexName) {
                        super.dropIndex(indexName);
                    }

                    @Override
                    public synchronized List<Index<Integer>> getIndexes() {
                        return List.copyOf(super.getIndexes());
                    }
                };
            }
        };
    }
}
