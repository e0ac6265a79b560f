package dev.livemigrate.core;

import dev.livemigrate.spi.CommandRunner;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link CommandRunner} that runs each read-only catalog command ({@link #SHARED}) once per pre-flight run
 * and hands every validator the same reply (or the same failure), so that thousands of collections are listed
 * once, not once per validator. A {@code listCollections} cursor is read to its end with {@code getMore} and
 * answered as one first batch with cursor id 0, so a second reader never meets an exhausted cursor. Every other
 * command goes to the server each time.
 */
final class OnceReplies implements CommandRunner {

    static final Set<String> SHARED = Set.of("listDatabases", "listCollections", "dbStats", "collStats", "buildInfo",
            "isMaster", "hello", "connectionStatus", "getParameter");

    private final CommandRunner runner;
    private final Map<String, CompletableFuture<BsonDocument>> replies = new ConcurrentHashMap<>();

    OnceReplies(CommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public BsonDocument run(String database, BsonDocument command) {
        if (!SHARED.contains(command.getFirstKey())) {
            return runner.run(database, command);
        }
        CompletableFuture<BsonDocument> mine = new CompletableFuture<>();
        CompletableFuture<BsonDocument> reply = replies.putIfAbsent(database + " " + command.toJson(), mine);
        if (reply == null) {
            try {
                mine.complete(whole(database, command));
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            }
            reply = mine;
        }
        try {
            return reply.join().clone();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private BsonDocument whole(String database, BsonDocument command) {
        BsonDocument reply = runner.run(database, command);
        if (!reply.isDocument("cursor")) {
            return reply;
        }
        BsonDocument cursor = reply.getDocument("cursor");
        BsonArray all = new BsonArray();
        all.addAll(cursor.getArray("firstBatch", new BsonArray()));
        long id = cursor.getNumber("id", new BsonInt64(0)).longValue();
        String ns = cursor.getString("ns", new BsonString(database + ".$cmd")).getValue();
        BsonDocument next = cursor;
        while (id != 0) {
            next = runner.run(database, new BsonDocument("getMore", new BsonInt64(id))
                    .append("collection", new BsonString(ns.substring(database.length() + 1)))).getDocument("cursor");
            all.addAll(next.getArray("nextBatch", new BsonArray()));
            id = next.getNumber("id").longValue();
        }
        BsonDocument whole = reply.clone();
        BsonDocument wholeCursor = new BsonDocument();
        for (Map.Entry<String, BsonValue> e : cursor.entrySet()) {
            wholeCursor.put(e.getKey(), e.getKey().equals("firstBatch") ? all : e.getKey().equals("id") ? new BsonInt64(0) : e.getValue());
        }
        whole.put("cursor", wholeCursor);
        return whole;
    }
}
