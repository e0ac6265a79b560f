package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where the cutover drain ends, on command replies in the shapes MongoDB documents:
 * {@code appendOplogNote}'s reply carries {@code operationTime} like every command reply of a replica
 * set member (manual, "Command Response"); {@code hello}'s {@code lastWrite} is the example of
 * https://www.mongodb.com/docs/manual/reference/command/hello/ (replica set fields).
 */
class CutPointTest {

    private static final BsonDocument HELLO = BsonDocument.parse("""
            {topologyVersion: {processId: {$oid: '66be8a8e5e6b6f0b4c1d2e3f'}, counter: {$numberLong: '6'}},
             hosts: ['m1.example.net:27017', 'm2.example.net:27017', 'm3.example.net:27017'], setName: 'rs0', setVersion: 1,
             isWritablePrimary: true, secondary: false, primary: 'm1.example.net:27017', me: 'm1.example.net:27017',
             electionId: {$oid: '7fffffff0000000000000003'},
             lastWrite: {opTime: {ts: {$timestamp: {t: 1723763173, i: 4}}, t: {$numberLong: '3'}},
                         lastWriteDate: {$date: '2024-08-15T23:06:13Z'},
                         majorityOpTime: {ts: {$timestamp: {t: 1723763170, i: 1}}, t: {$numberLong: '3'}},
                         majorityWriteDate: {$date: '2024-08-15T23:06:10Z'}},
             maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000,
             localTime: {$date: '2024-08-15T23:06:13.978Z'}, logicalSessionTimeoutMinutes: 30, connectionId: 42,
             minWireVersion: 0, maxWireVersion: 21, readOnly: false, ok: 1,
             operationTime: {$timestamp: {t: 1723763173, i: 4}}}
            """);

    /*
     * hello from a mongos (manual, "hello", Sharded Instances) and listShards (manual, "listShards", its example output,
     * two of the three shards).
     */
    private static final BsonDocument MONGOS_HELLO = BsonDocument.parse("{isWritablePrimary: true, msg: 'isdbgrid',"
            + " maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000,"
            + " localTime: {$date: '2024-08-15T23:06:13.978Z'}, logicalSessionTimeoutMinutes: 30, connectionId: 7,"
            + " minWireVersion: 0, maxWireVersion: 13, readOnly: false, ok: 1}");
    private static final BsonDocument LIST_SHARDS = BsonDocument.parse("{shards: [{_id: 'shard01', host:"
            + " 'shard01/host1:27018,host2:27018,host3:27018', state: 1}, {_id: 'shard02', host:"
            + " 'shard02/host4:27018,host5:27018,host6:27018', tags: ['NYC'], state: 1}], ok: 1}");
    private static final CutPoint.Shards NO_SHARDS = (host, command) -> {
        throw new AssertionError("no shard is reached directly: " + host);
    };

    private final List<BsonDocument> sent = new ArrayList<>();

    /** A stream as the drain sees it. */
    private record Stream(BsonTimestamp position, long emptyAtNanos) implements StreamProgress {
        @Override
        public boolean caughtUpSince(long nanos) {
            return emptyAtNanos > nanos;
        }
    }

    @Test
    void aMajorityNoOpWriteIsTheCutPointWhereTheSourceAllowsIt() {
        CutPoint cut = CutPoint.take(replies(Map.of("appendOplogNote", BsonDocument.parse(
                "{ok: 1, $clusterTime: {clusterTime: {$timestamp: {t: 1723763175, i: 2}}, signature: {hash: {$binary:"
                        + " {base64: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', subType: '00'}}, keyId: 0}},"
                        + " operationTime: {$timestamp: {t: 1723763175, i: 2}}}"))), NO_SHARDS, "m1");

        assertThat(cut).isEqualTo(new CutPoint(new BsonTimestamp(1723763175, 2), "appendOplogNote"));
        BsonDocument note = sent.get(0);
        assertThat(note.getDocument("writeConcern")).isEqualTo(new BsonDocument("w", new BsonString("majority")));
        assertThat(note.getDocument("data").getString("migrationId").getValue()).isEqualTo("m1");
    }

    @Test
    void withoutTheNoOpTheNewestWriteIsTheCutPointNotTheMajorityCommitPoint() {
        CutPoint cut = CutPoint.take(replies(Map.of(
                "appendOplogNote", error(13, "Unauthorized", "not authorized on admin to execute command { appendOplogNote: 1 }"),
                "hello", HELLO)), NO_SHARDS, "m1");

        assertThat(cut).isEqualTo(new CutPoint(new BsonTimestamp(1723763173, 4), "hello lastWrite.opTime"));
    }

    @Test
    void aServerThatIsNoReplicaSetMemberGivesItsNewestOperation() {
        CutPoint cut = CutPoint.take(replies(Map.of(
                "appendOplogNote", error(59, "CommandNotFound", "no such command: 'appendOplogNote'"),
                "hello", error(59, "CommandNotFound", "no such command: 'hello'"),
                "replSetGetStatus", error(76, "NoReplicationEnabled", "not running with --replSet"),
                "find", BsonDocument.parse("{cursor: {firstBatch: [{ts: {$timestamp: {t: 1700000000, i: 3}}}], id: {$numberLong: '0'},"
                        + " ns: 'local.oplog.rs'}, ok: 1}"))), NO_SHARDS, "m1");

        assertThat(cut.time()).isEqualTo(new BsonTimestamp(1700000000, 3));
        assertThat(cut.method()).contains("no replica set");
    }

    @Test
    void aMongosOf60OrLaterWritesTheNoOpOnEveryShardAndTheLatestTimeIsTheCutPoint() {
        // the shape jstests/sharding/append_oplog_note_mongos.js (mongodb/mongo) checks: the shards' replies under raw,
        // by shard connection string; the mongos's operationTime is the latest its shards answered. A shard's reply that
        // carries a later one (not filtered out) still counts.
        CutPoint cut = CutPoint.take(replies(Map.of("appendOplogNote", BsonDocument.parse(
                "{raw: {'shard01/host1:27018,host2:27018,host3:27018': {ok: 1},"
                        + " 'shard02/host4:27018,host5:27018,host6:27018': {ok: 1, operationTime: {$timestamp: {t: 1723763177, i: 1}}}},"
                        + " ok: 1, operationTime: {$timestamp: {t: 1723763175, i: 9}},"
                        + " $clusterTime: {clusterTime: {$timestamp: {t: 1723763177, i: 1}}, signature: {hash: {$binary:"
                        + " {base64: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', subType: '00'}}, keyId: 0}}}"))), NO_SHARDS, "m1");

        assertThat(cut).isEqualTo(new CutPoint(new BsonTimestamp(1723763177, 1), "appendOplogNote on every shard (mongos)", true));
    }

    @Test
    void onAMongosOlderThan60TheNoOpIsWrittenOnEachShardDirectlyAndTheLatestTimeIsTheCutPoint() {
        Map<String, BsonDocument> toShards = new LinkedHashMap<>();
        CutPoint cut = CutPoint.take(replies(Map.of(
                // a mongos of 5.0 has no appendOplogNote
                "appendOplogNote", error(59, "CommandNotFound", "no such command: 'appendOplogNote'"),
                "hello", MONGOS_HELLO,
                "listShards", LIST_SHARDS)), (host, command) -> {
                    toShards.put(host, command);
                    return BsonDocument.parse(host.startsWith("shard01")
                            ? "{ok: 1, operationTime: {$timestamp: {t: 1723763180, i: 2}}}"
                            : "{ok: 1, operationTime: {$timestamp: {t: 1723763178, i: 7}}}");
                }, "m1");

        assertThat(cut).isEqualTo(new CutPoint(new BsonTimestamp(1723763180, 2), "appendOplogNote on each of 2 shard(s), reached directly", true));
        assertThat(toShards).containsOnlyKeys("shard01/host1:27018,host2:27018,host3:27018", "shard02/host4:27018,host5:27018,host6:27018");
        assertThat(toShards.values()).allSatisfy(c -> {
            assertThat(c.getFirstKey()).isEqualTo("appendOplogNote");
            assertThat(c.getDocument("writeConcern")).isEqualTo(new BsonDocument("w", new BsonString("majority")));
        });
    }

    @Test
    void aMongosThatKnowsOnlyIsMasterIsRecognisedToo() {
        // mongos 4.4.0 and 4.4.1 answer isMaster, not hello (manual, "hello": new in 4.4.2)
        CutPoint cut = CutPoint.take(replies(Map.of(
                "appendOplogNote", error(59, "CommandNotFound", "no such command: 'appendOplogNote'"),
                "isMaster", MONGOS_HELLO,
                "listShards", LIST_SHARDS)), (host, command) -> BsonDocument.parse("{ok: 1, operationTime: {$timestamp: {t: 1723763180, i: 2}}}"), "m1");

        assertThat(cut.sharded()).isTrue();
        assertThat(cut.time()).isEqualTo(new BsonTimestamp(1723763180, 2));
    }

    @Test
    void aShardThatCannotBeReachedFailsTheCutoverNamingItAndTheRemedy() {
        assertThatThrownBy(() -> CutPoint.take(replies(Map.of(
                "appendOplogNote", error(59, "CommandNotFound", "no such command: 'appendOplogNote'"),
                "hello", MONGOS_HELLO,
                "listShards", LIST_SHARDS)), (host, command) -> {
                    if (host.startsWith("shard02")) {
                        throw new MongoTimeoutException("Timed out while waiting for a server that matches ReadPreferenceServerSelector");
                    }
                    return BsonDocument.parse("{ok: 1, operationTime: {$timestamp: {t: 1723763180, i: 2}}}");
                }, "m1"))
                .isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.CUTOVER_FAILED))
                .hasMessageContaining("shard shard02 (shard02/host4:27018,host5:27018,host6:27018): Timed out")
                .hasMessageContaining("let the migration reach every member listShards names");
    }

    @Test
    void onAShardedSourceOnlyAPositionProvesAStreamReadPastTheCutPoint() {
        // a mongos holds back a shard's events until every shard has caught up: an empty batch proves nothing
        CutPoint cut = new CutPoint(new BsonTimestamp(1723763173, 4), "appendOplogNote on every shard (mongos)", true);
        Stream read = new Stream(new BsonTimestamp(1723763173, 5), 0);
        Stream emptyAfterCommit = new Stream(new BsonTimestamp(1723763100, 1), 1500);

        assertThat(cut.reachedBy(List.of(read, emptyAfterCommit), 1000)).isFalse();
        assertThat(cut.reachedBy(List.of(read, new Stream(new BsonTimestamp(1723763173, 4), 0)), 1000)).isTrue();
    }

    @Test
    void aStreamIsPastTheCutPointByItsPositionOrByAnEmptyBatchAfterTheCutPointWasCommitted() {
        CutPoint cut = new CutPoint(new BsonTimestamp(1723763173, 4), "hello lastWrite.opTime");
        Stream read = new Stream(new BsonTimestamp(1723763173, 5), 0);
        Stream emptyBeforeCommit = new Stream(new BsonTimestamp(1723763100, 1), 500);
        Stream emptyAfterCommit = new Stream(new BsonTimestamp(1723763100, 1), 1500);

        // the majority commit point has not reached the cut point: only a position proves anything
        assertThat(cut.reachedBy(List.of(read), -1)).isTrue();
        assertThat(cut.reachedBy(List.of(read, emptyAfterCommit), -1)).isFalse();
        // it reached it at 1000: an empty batch after that proves the stream read past it, one before does not
        assertThat(cut.reachedBy(List.of(read, emptyAfterCommit), 1000)).isTrue();
        assertThat(cut.reachedBy(List.of(read, emptyBeforeCommit), 1000)).isFalse();
    }

    private SourceClock.Commands replies(Map<String, BsonDocument> byCommand) {
        return (database, command) -> {
            sent.add(command);
            String name = command.getFirstKey();
            BsonDocument reply = byCommand.get(name);
            if (reply == null) {
                throw new MongoCommandException(error(59, "CommandNotFound", "no such command: '" + name + "'"), new ServerAddress());
            }
            if (reply.getNumber("ok", new BsonInt32(1)).intValue() == 0) {
                throw new MongoCommandException(reply, new ServerAddress());
            }
            return reply;
        };
    }

    private static BsonDocument error(int code, String name, String message) {
        return new BsonDocument("ok", new BsonInt32(0)).append("errmsg", new BsonString(message))
                .append("code", new BsonInt32(code)).append("codeName", new BsonString(name));
    }
}
