package dev.livemigrate.core.sync;

import com.mongodb.client.MongoCollection;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;

class IndexRelaxationTest {

    private static final Namespace USERS = Namespace.parse("app.users");

    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void relaxesUniqueAndTtlAndCappedSize() {
        assertThat(IndexRelaxation.relax(BsonDocument.parse("{key: {email: 1}, name: 'email_1', unique: true, sparse: true}")))
                .isEqualTo(BsonDocument.parse("{key: {email: 1}, name: 'email_1', sparse: true}"));
        assertThat(IndexRelaxation.relax(BsonDocument.parse("{key: {at: 1}, name: 'at_1', expireAfterSeconds: 60}")))
                .isEqualTo(BsonDocument.parse("{key: {at: 1}, name: 'at_1'}"));
        assertThat(IndexRelaxation.needsRelaxing(BsonDocument.parse("{key: {a: 1}, name: 'a_1'}"))).isFalse();
        assertThat(IndexRelaxation.relaxCreate(BsonDocument.parse("{create: 'log', capped: true, size: 4096, max: 10}")))
                .isEqualTo(BsonDocument.parse("{create: 'log', capped: true, size: {$numberLong: '67112960'}}"));
    }

    @Test
    void restoresIndexesWhoseKeysAreUnique() {
        MongoCollection<BsonDocument> users = users("{_id: 1, email: 'a', at: {$date: 0}}", "{_id: 2, email: 'b'}");
        List<BsonDocument> originals = List.of(
                BsonDocument.parse("{key: {email: 1}, name: 'email_1', unique: true}"),
                BsonDocument.parse("{key: {at: 1}, name: 'at_1', expireAfterSeconds: 3600}"));
        originals.forEach(o -> users.createIndex(IndexRelaxation.relax(o).getDocument("key"),
                new com.mongodb.client.model.IndexOptions().name(o.getString("name").getValue())));

        IndexRelaxation.RestoreReport report = IndexRelaxation.restore(destination.client(), USERS, originals);

        assertThat(report.clean()).isTrue();
        assertThat(report.restored()).containsExactly("email_1", "at_1");
        assertThat(indexes(destination.client(), USERS).get("email_1").getBoolean("unique").getValue()).isTrue();
        assertThat(indexes(destination.client(), USERS).get("at_1").getNumber("expireAfterSeconds").intValue()).isEqualTo(3600);
    }

    @Test
    void reportsTheKeysThatBreakAUniqueIndexAndLeavesItRelaxed() {
        MongoCollection<BsonDocument> users = users("{_id: 1, email: 'a'}", "{_id: 2, email: 'a'}", "{_id: 3, email: 'b'}");
        users.createIndex(BsonDocument.parse("{email: 1}"), new com.mongodb.client.model.IndexOptions().name("email_1"));

        IndexRelaxation.RestoreReport report = IndexRelaxation.restore(destination.client(), USERS,
                List.of(BsonDocument.parse("{key: {email: 1}, name: 'email_1', unique: true}")));

        assertThat(report.restored()).isEmpty();
        assertThat(report.conflicts()).containsOnlyKeys("email_1");
        assertThat(report.conflicts().get("email_1")).containsExactly(BsonDocument.parse("{key: {email: 'a'}, ids: [1, 2]}"));
        assertThat(indexes(destination.client(), USERS).get("email_1").containsKey("unique")).isFalse();
    }

    private MongoCollection<BsonDocument> users(String... docs) {
        MongoCollection<BsonDocument> users = destination.client().getDatabase("app").getCollection("users", BsonDocument.class);
        for (String d : docs) {
            users.insertOne(BsonDocument.parse(d));
        }
        return users;
    }
}
