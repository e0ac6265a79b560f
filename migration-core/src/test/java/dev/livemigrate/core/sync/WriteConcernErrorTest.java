package dev.livemigrate.core.sync;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bulk write whose reply carries only a write-concern error (the writes were made, their replication
 * was not confirmed) is a coded failure, not an index-out-of-bounds. The reply's shape is MongoDB's
 * ("Write Concern Errors" in the manual's write-concern specification: {@code writeConcernError} with
 * {@code code} 64 {@code WriteConcernFailed}, {@code errmsg} and {@code errInfo.wtimeout}).
 */
class WriteConcernErrorTest {

    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void aWriteConcernErrorAloneFailsTheBatchWithACode() {
        try (WireProxy proxy = WireProxy.inFrontOf(destination, (command, upstream) -> command.name().equals("update")
                ? WireProxy.bytes(BsonDocument.parse("{n: 1, nModified: 0, upserted: [{index: 0, _id: 1}], ok: 1,"
                        + " writeConcernError: {code: 64, codeName: 'WriteConcernFailed', errmsg: 'waiting for replication timed out',"
                        + " errInfo: {wtimeout: true}}}"))
                : upstream.forward());
             MongoClient client = MongoClients.create(proxy.connectionString())) {
            ChangeApplier applier = new ChangeApplier(client, client, ns -> ns,
                    new ChangeApplier.Settings(ChangeApplier.Mode.FULL_DOCUMENT, false, ns -> false, ns -> false));
            ChangeEvent insert = new ChangeEvent("s", 0, new BsonDocument(), new BsonTimestamp(1, 1), "insert",
                    Namespace.parse("shop.orders"), null, BsonDocument.parse("{_id: 1}"), RawBsonDocument.parse("{_id: 1, n: 1}"),
                    null, null);

            assertThatThrownBy(() -> applier.apply(List.of(insert))).isInstanceOfSatisfying(MigrationException.class,
                    e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.APPLY_FAILED))
                    .hasMessageContaining("did not confirm the write concern").hasMessageContaining("waiting for replication timed out");
        }
    }
}
