package dev.livemigrate.core.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where T0 comes from, on command replies recorded in the shapes MongoDB documents. The
 * {@code replSetGetStatus} reply is the primary's example output of
 * https://www.mongodb.com/docs/v7.0/reference/command/replSetGetStatus/ (optimes trimmed to the fields the
 * clock reads and made to differ, as they do under load: applied ahead of the majority commit point).
 */
class SourceClockTest {

    private static final BsonDocument REPLICA_SET_STATUS = BsonDocument.parse("""
            {set: 'replset', date: {$date: '2024-08-15T23:06:13.978Z'}, myState: 1, term: {$numberLong: '3'},
             syncSourceHost: '', syncSourceId: -1, heartbeatIntervalMillis: {$numberLong: '2000'},
             majorityVoteCount: 2, writeMajorityCount: 2, votingMembersCount: 3, writableVotingMembersCount: 3,
             optimes: {
               lastCommittedOpTime: {ts: {$timestamp: {t: 1723763170, i: 1}}, t: {$numberLong: '3'}},
               lastCommittedWallTime: {$date: '2024-08-15T23:06:10.000Z'},
               readConcernMajorityOpTime: {ts: {$timestamp: {t: 1723763170, i: 1}}, t: {$numberLong: '3'}},
               appliedOpTime: {ts: {$timestamp: {t: 1723763173, i: 4}}, t: {$numberLong: '3'}},
               durableOpTime: {ts: {$timestamp: {t: 1723763173, i: 4}}, t: {$numberLong: '3'}},
               lastAppliedWallTime: {$date: '2024-08-15T23:06:13.978Z'},
               lastDurableWallTime: {$date: '2024-08-15T23:06:13.978Z'}},
             members: [{_id: 0, name: 'm1.example.net:27017', health: 1, state: 1, stateStr: 'PRIMARY',
                        optime: {ts: {$timestamp: {t: 1723763173, i: 4}}, t: {$numberLong: '3'}}, self: true}],
             ok: 1,
             $clusterTime: {clusterTime: {$timestamp: {t: 1723763173, i: 4}},
                            signature: {hash: {$binary: {base64: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=', subType: '00'}}, keyId: 0}},
             operationTime: {$timestamp: {t: 1723763173, i: 4}}}
            """);

    private final List<BsonDocument> sent = new ArrayList<>();

    @Test
    void onAReplicaSetT0IsTheMajorityCommitPointNotTheNewestAppliedOperation() {
        BsonTimestamp t0 = SourceClock.now(replies(Map.of("replSetGetStatus", REPLICA_SET_STATUS)));

        assertThat(t0).isEqualTo(new BsonTimestamp(1723763170, 1));
    }

    @Test
    void whereReplSetGetStatusIsRefusedT0IsTheOperationTimeOfAMajorityRead() {
        // mongos: "no such command"; the find's reply as a mongod/mongos sends it, with operationTime
        BsonTimestamp t0 = SourceClock.now(replies(Map.of(
                "replSetGetStatus", error(59, "CommandNotFound", "no such cmd: replSetGetStatus"),
                "find", BsonDocument.parse("{cursor: {firstBatch: [], id: {$numberLong: '0'}, ns: 'admin.livemigrate_clock'},"
                        + " ok: 1, operationTime: {$timestamp: {t: 1723763170, i: 7}}}"))));

        assertThat(t0).isEqualTo(new BsonTimestamp(1723763170, 7));
        BsonDocument find = sent.stream().filter(c -> c.containsKey("find")).findFirst().orElseThrow();
        assertThat(find.getDocument("readConcern")).isEqualTo(BsonDocument.parse("{level: 'majority'}"));
    }

    @Test
    void aServerThatReportsNoOperationTimeGivesTheNewestOplogEntry() {
        // the embedded test server: no replication, no operationTime, but an oplog
        BsonTimestamp t0 = SourceClock.now((database, command) -> {
            sent.add(command);
            if (command.containsKey("replSetGetStatus")) {
                throw new MongoCommandException(error(76, "NoReplicationEnabled", "not running with --replSet"), new ServerAddress());
            }
            return database.equals("local")
                    ? BsonDocument.parse("{cursor: {firstBatch: [{ts: {$timestamp: {t: 1700000000, i: 3}}, op: 'i',"
                    + " ns: 'shop.orders', o: {_id: 1}}], id: {$numberLong: '0'}, ns: 'local.oplog.rs'}, ok: 1}")
                    : BsonDocument.parse("{cursor: {firstBatch: [], id: {$numberLong: '0'}, ns: 'admin.livemigrate_clock'}, ok: 1}");
        });

        assertThat(t0).isEqualTo(new BsonTimestamp(1700000000, 3));
    }

    @Test
    void aStandaloneWithoutAnOplogIsRefused() {
        SourceClock.Commands standalone = (database, command) -> {
            if (command.containsKey("replSetGetStatus")) {
                throw new MongoCommandException(error(76, "NoReplicationEnabled", "not running with --replSet"), new ServerAddress());
            }
            return BsonDocument.parse("{cursor: {firstBatch: [], id: {$numberLong: '0'}, ns: '" + database + ".x'}, ok: 1}");
        };

        assertThatThrownBy(() -> SourceClock.now(standalone)).isInstanceOfSatisfying(MigrationException.class,
                e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.SOURCE_HAS_NO_CHANGE_HISTORY));
    }

    private SourceClock.Commands replies(Map<String, BsonDocument> byCommand) {
        return (database, command) -> {
            sent.add(command);
            BsonDocument reply = byCommand.get(command.getFirstKey());
            if (reply == null || reply.getNumber("ok").intValue() == 0) {
                throw new MongoCommandException(reply == null ? error(59, "CommandNotFound", "unexpected") : reply, new ServerAddress());
            }
            return reply;
        };
    }

    private static BsonDocument error(int code, String codeName, String message) {
        return new BsonDocument("ok", new BsonDouble(0)).append("errmsg", new BsonString(message))
                .append("code", new BsonInt32(code)).append("codeName", new BsonString(codeName));
    }
}
