package dev.livemigrate.core.catalog;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import dev.livemigrate.Namespace;
import dev.livemigrate.core.testing.EmbeddedMongo;
import dev.livemigrate.core.testing.WireProxy;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.livemigrate.core.testing.DataAssertions.indexes;
import static org.assertj.core.api.Assertions.assertThat;

class IndexRelaxationTest {

    private static final Namespace USERS = Namespace.parse("app.users");

    @RegisterExtension
    final EmbeddedMongo destination = new EmbeddedMongo();

    @Test
    void relaxesUniqueAndTtlButKeepsEveryOtherIndexOption() {
        BsonDocument unique = BsonDocument.parse("{key: {email: 1}, name: 'email_1', unique: true, sparse: true,"
                + " partialFilterExpression: {email: {$exists: true}}, collation: {locale: 'fr', strength: 2}}");
        BsonDocument ttl = BsonDocument.parse("{key: {at: 1}, name: 'at_1', expireAfterSeconds: 60, hidden: false}");

        for (BsonDocument original : List.of(unique, ttl)) {
            BsonDocument relaxed = IndexRelaxation.relax(original);
            assertThat(IndexRelaxation.needsRelaxing(original)).isTrue();
            assertThat(IndexRelaxation.needsRelaxing(relaxed)).as("relaxed %s", relaxed).isFalse();
            BsonDocument expected = original.clone();
            expected.remove("unique");
            expected.remove("expireAfterSeconds");
            assertThat(relaxed).isEqualTo(expected);
        }
        assertThat(IndexRelaxation.needsRelaxing(BsonDocument.parse("{key: {a: 1}, name: 'a_1', sparse: true}"))).isFalse();
    }

    /** The README: capped collections are created with at least twice the size (and 64 MiB more) and no maximum. */
    @ParameterizedTest
    @ValueSource(longs = {4096, 1_048_576, 100L * 1024 * 1024, 5L * 1024 * 1024 * 1024})
    void aCappedCollectionIsCreatedLargeEnoughNeverToEvictBeforeTheSource(long size) {
        BsonDocument create = new BsonDocument("create", new BsonString("log")).append("capped", BsonBoolean.TRUE)
                .append("size", size < Integer.MAX_VALUE ? new BsonInt32((int) size) : new BsonInt64(size))
                .append("max", new BsonInt32(10)).append("validator", BsonDocument.parse("{a: {$exists: true}}"));

        BsonDocument relaxed = IndexRelaxation.relaxCreate(create);

        assertThat(relaxed.getNumber("size").longValue()).isGreaterThanOrEqualTo(2 * size)
                .isGreaterThanOrEqualTo(size + 64L * 1024 * 1024);
        assertThat(relaxed).doesNotContainKey("max");
        BsonDocument rest = relaxed.clone();
        rest.remove("size");
        BsonDocument expectedRest = create.clone();
        expectedRest.remove("size");
        expectedRest.remove("max");
        assertThat(rest).isEqualTo(expectedRest);
    }

    @Test
    void aCollectionThatIsNotCappedIsCreatedAsReported() {
        BsonDocument create = BsonDocument.parse("{create: 'log', validator: {a: {$exists: true}}, max: 3}");
        assertThat(IndexRelaxation.relaxCreate(create)).isEqualTo(create);
    }

    @Test
    void restoresIndexesWhoseKeysAreUnique() {
        MongoCollection<BsonDocument> users = users("{_id: 1, email: 'a', at: {$date: 0}}", "{_id: 2, email: 'b'}");
        List<BsonDocument> originals = List.of(
                BsonDocument.parse("{key: {email: 1}, name: 'email_1', unique: true}"),
                BsonDocument.parse("{key: {at: 1}, name: 'at_1', expireAfterSeconds: 3600}"));
        originals.forEach(o -> users.createIndex(IndexRelaxation.relax(o).getDocument("key"),
                new IndexOptions().name(o.getString("name").getValue())));

        IndexRelaxation.RestoreReport report = IndexRelaxation.restore(destination.client(), USERS, originals);

        assertThat(report.clean()).isTrue();
        assertThat(report.restored()).containsExactly("email_1", "at_1");
        assertThat(indexes(destination.client(), USERS).get("email_1").getBoolean("unique").getValue()).isTrue();
        assertThat(indexes(destination.client(), USERS).get("at_1").getNumber("expireAfterSeconds").intValue()).isEqualTo(3600);
    }

    /**
     * On a server with {@code collMod} (MongoDB 6.0+ for {@code prepareUnique}/{@code unique}), indexes are
     * restored in place. The embedded server rejects {@code collMod}, so a proxy answers it with the reply
     * MongoDB documents (https://www.mongodb.com/docs/manual/reference/command/collMod/: the changed option
     * as {@code <option>_old}/{@code <option>_new} and {@code ok: 1}) and records what was sent.
     */
    @Test
    void restoresByCollModWhereTheServerHasIt() {
        users("{_id: 1, email: 'a', at: {$date: 0}, both: 1}", "{_id: 2, email: 'b', both: 2}");
        try (WireProxy proxy = WireProxy.inFrontOf(destination, (command, upstream) -> command.name().equals("collMod")
                ? WireProxy.bytes(collModReply(command.body().getDocument("index"))) : upstream.forward());
             MongoClient client = MongoClients.create(proxy.connectionString())) {
            List<BsonDocument> originals = List.of(
                    BsonDocument.parse("{key: {email: 1}, name: 'email_1', unique: true}"),
                    BsonDocument.parse("{key: {at: 1}, name: 'at_1', expireAfterSeconds: 3600}"));

            IndexRelaxation.RestoreReport report = IndexRelaxation.restore(client, USERS, originals);

            assertThat(report.restored()).containsExactly("email_1", "at_1");
            assertThat(proxy.commands().stream().map(WireProxy.Command::name)).doesNotContain("dropIndexes", "createIndexes");
            assertThat(proxy.commands("collMod").stream().map(c -> withoutDb(c.body()))).containsExactly(
                    BsonDocument.parse("{collMod: 'users', index: {name: 'email_1', prepareUnique: true}}"),
                    BsonDocument.parse("{collMod: 'users', index: {name: 'email_1', unique: true}}"),
                    BsonDocument.parse("{collMod: 'users', index: {name: 'at_1', expireAfterSeconds: 3600}}"));
        }
    }

    @Test
    void rebuildsWhereCollModIsRefused() {
        MongoCollection<BsonDocument> users = users("{_id: 1, email: 'a'}", "{_id: 2, email: 'b'}");
        users.createIndex(BsonDocument.parse("{email: 1}"), new IndexOptions().name("email_1"));
        try (WireProxy proxy = WireProxy.recording(destination); MongoClient client = MongoClients.create(proxy.connectionString())) {
            IndexRelaxation.RestoreReport report = IndexRelaxation.restore(client, USERS,
                    List.of(BsonDocument.parse("{key: {email: 1}, name: 'email_1', unique: true}")));

            assertThat(report.restored()).containsExactly("email_1");
            assertThat(proxy.commands().stream().map(WireProxy.Command::name)).containsSubsequence("collMod", "dropIndexes", "createIndexes");
        }
        assertThat(indexes(destination.client(), USERS).get("email_1").getBoolean("unique").getValue()).isTrue();
    }

    private static BsonDocument collModReply(BsonDocument index) {
        BsonDocument reply = new BsonDocument();
        for (String option : List.of("prepareUnique", "unique")) {
            if (index.containsKey(option)) {
                reply.append(option + "_new", index.get(option));
            }
        }
        if (index.containsKey("expireAfterSeconds")) {
            reply.append("expireAfterSeconds_old", new BsonInt32(0)).append("expireAfterSeconds_new", index.get("expireAfterSeconds"));
        }
        return reply.append("ok", new BsonInt32(1));
    }

    private static BsonDocument withoutDb(BsonDocument body) {
        BsonDocument copy = new BsonDocument();
        copy.putAll(body);
        copy.remove("$db");
        copy.remove("lsid");
        return copy;
    }

    /**
     * Conflicts are what the unique index itself refuses, which a {@code $group} on the field values missed:
     * two arrays sharing an element (multikey), and a missing field next to an explicit null (both index as
     * null). The embedded server builds unique indexes and refuses duplicates as MongoDB does, with a
     * duplicate-key error; the index is left as it was for syncing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"{_id: 1, tags: ['a', 'b']}|{_id: 2, tags: ['b', 'c']}", "{_id: 1}|{_id: 2, tags: null}"})
    void aConflictIsWhatTheUniqueIndexItselfRefusesAndTheIndexStaysRelaxed(String documents) {
        MongoCollection<BsonDocument> users = users(documents.split("\\|"));
        users.createIndex(BsonDocument.parse("{tags: 1}"), new IndexOptions().name("tags_1"));
        BsonDocument relaxed = indexes(destination.client(), USERS).get("tags_1");

        IndexRelaxation.RestoreReport report = IndexRelaxation.restore(destination.client(), USERS,
                List.of(BsonDocument.parse("{key: {tags: 1}, name: 'tags_1', unique: true}")));

        assertThat(report.restored()).isEmpty();
        assertThat(report.conflicts()).containsOnlyKeys("tags_1");
        assertThat(report.conflicts().get("tags_1")).hasSize(1);
        assertThat(report.conflicts().get("tags_1").get(0).getString("error").getValue()).contains("duplicate key");
        assertThat(indexes(destination.client(), USERS).get("tags_1")).isEqualTo(relaxed);
    }

    /**
     * A rebuild refused with MongoDB's duplicate-key error reports its key pattern, key value and collation
     * (the fields {@code DuplicateKeyErrorInfo} adds to the error, mongodb/mongo
     * src/mongo/db/storage/duplicate_key_error_info.cpp, MongoDB 4.4+; code 11000 "DuplicateKey",
     * https://www.mongodb.com/docs/manual/reference/error-codes/): here two emails equal under a
     * case-insensitive collation, which the embedded server does not apply. The relaxed index is built again.
     */
    @Test
    void reportsTheDuplicateKeyTheServerNamesWhenARebuildIsRefused() {
        users("{_id: 1, email: 'A@x'}", "{_id: 2, email: 'a@x'}");
        BsonDocument original = BsonDocument.parse("{key: {email: 1}, name: 'email_1', unique: true,"
                + " collation: {locale: 'en', strength: 2}}");
        BsonDocument duplicate = BsonDocument.parse("{ok: 0, errmsg: 'Index build failed: 4f0c6d2e-1b1a-4c1e-9a53-2f3c1d2e4b5a:"
                + " Collection app.users ( 4f0c6d2e-1b1a-4c1e-9a53-2f3c1d2e4b5a ) :: caused by :: E11000 duplicate key error"
                + " collection: app.users index: email_1 collation: { locale: \"en\", strength: 2 } dup key: { email: \"a@x\" }',"
                + " code: 11000, codeName: 'DuplicateKey', keyPattern: {email: 1}, keyValue: {email: 'a@x'},"
                + " collation: {locale: 'en', strength: 2}}");
        try (WireProxy proxy = WireProxy.inFrontOf(destination, (command, upstream) -> command.name().equals("createIndexes")
                && command.body().getArray("indexes").get(0).asDocument().containsKey("unique")
                ? WireProxy.bytes(duplicate) : upstream.forward());
             MongoClient client = MongoClients.create(proxy.connectionString())) {
            IndexRelaxation.RestoreReport report = IndexRelaxation.restore(client, USERS, List.of(original));

            assertThat(report.restored()).isEmpty();
            assertThat(report.conflicts().get("email_1")).containsExactly(BsonDocument.parse(
                    "{keyPattern: {email: 1}, keyValue: {email: 'a@x'}, collation: {locale: 'en', strength: 2}}"));
            assertThat(proxy.commands("createIndexes").stream().map(c -> c.body().getArray("indexes").get(0)))
                    .containsExactly(original, IndexRelaxation.relax(original));
        }
        assertThat(indexes(destination.client(), USERS).get("email_1")).doesNotContainKey("unique");
    }

    /**
     * Where {@code collMod} converts the index in place, a refused conversion comes back as
     * CannotConvertIndexToUnique (code 359) with {@code violations: [{ids: [...]}]} (the shape of
     * https://www.mongodb.com/docs/manual/core/index-unique/convert-to-unique/ and of the specifications'
     * collection-management test modifyCollection-errorResponse); those are reported, and
     * {@code prepareUnique} is taken back so syncing can go on.
     */
    @Test
    void reportsTheViolationsOfARefusedCollModConversionAndTakesPrepareUniqueBack() {
        users("{_id: 1, email: 'a'}", "{_id: 2, email: 'a'}");
        BsonDocument refused = BsonDocument.parse("{ok: 0, errmsg: 'Cannot convert the index to unique. Please resolve"
                + " conflicting documents before running collMod again.', code: 359, codeName: 'CannotConvertIndexToUnique',"
                + " violations: [{ids: [1, 2]}]}");
        try (WireProxy proxy = WireProxy.inFrontOf(destination, (command, upstream) -> !command.name().equals("collMod")
                ? upstream.forward() : command.body().getDocument("index").containsKey("unique")
                ? WireProxy.bytes(refused) : WireProxy.bytes(collModReply(command.body().getDocument("index"))));
             MongoClient client = MongoClients.create(proxy.connectionString())) {
            IndexRelaxation.RestoreReport report = IndexRelaxation.restore(client, USERS,
                    List.of(BsonDocument.parse("{key: {email: 1}, name: 'email_1', unique: true}")));

            assertThat(report.restored()).isEmpty();
            assertThat(report.conflicts().get("email_1")).containsExactly(BsonDocument.parse("{ids: [1, 2]}"));
            assertThat(proxy.commands("collMod").stream().map(c -> withoutDb(c.body()))).containsExactly(
                    BsonDocument.parse("{collMod: 'users', index: {name: 'email_1', prepareUnique: true}}"),
                    BsonDocument.parse("{collMod: 'users', index: {name: 'email_1', unique: true}}"),
                    BsonDocument.parse("{collMod: 'users', index: {name: 'email_1', prepareUnique: false}}"));
            assertThat(proxy.commands().stream().map(WireProxy.Command::name)).doesNotContain("dropIndexes", "createIndexes");
        }
    }

    private MongoCollection<BsonDocument> users(String... docs) {
        MongoCollection<BsonDocument> users = destination.client().getDatabase("app").getCollection("users", BsonDocument.class);
        for (String d : docs) {
            users.insertOne(BsonDocument.parse(d));
        }
        return users;
    }
}
