package dev.livemigrate.core.testing;

import com.mongodb.client.MongoDatabase;
import org.bson.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.util.*;

class EmbeddedProbeTest {
    @RegisterExtension final EmbeddedMongo m = new EmbeddedMongo();

    @Test
    void probe() {
        MongoDatabase db = m.client().getDatabase("p");
        var c = db.getCollection("c", BsonDocument.class);
        for (int i = 0; i < 20; i++) c.insertOne(new BsonDocument("_id", new BsonInt32(i)));
        c.insertOne(new BsonDocument("_id", new BsonString("s")));
        c.insertOne(new BsonDocument("_id", new BsonDouble(Double.NaN)));
        c.insertOne(new BsonDocument("_id", new BsonInt64(7_000_000_000L)));
        c.insertOne(new BsonDocument("_id", new BsonDocument("a", new BsonInt32(1))));
        c.createIndex(new BsonDocument("x", new BsonInt32(1)));
        run(() -> c.find(BsonDocument.parse("{_id: {$type: [1,16,18,19]}}")).into(new ArrayList<>()).size());
        run(() -> c.find(BsonDocument.parse("{_id: {$type: [1,16,18,19], $gte: 5, $not: {$gte: 10}}}")).into(new ArrayList<>()));
        run(() -> c.find(BsonDocument.parse("{_id: {$type: [1,16,18,19], $not: {$gte: 3}}}")).into(new ArrayList<>()));
        run(() -> c.find(BsonDocument.parse("{_id: {$type: [-1]}}")).into(new ArrayList<>()));
        run(() -> c.find(BsonDocument.parse("{_id: {$type: [127]}}")).into(new ArrayList<>()));
        run(() -> c.find(BsonDocument.parse("{_id: {$type: [2, 14]}}")).into(new ArrayList<>()));
        run(() -> c.aggregate(List.of(BsonDocument.parse("{$sample: {size: 10}}"), BsonDocument.parse("{$project: {_id: 1}}"), BsonDocument.parse("{$sort: {_id: 1}}"))).into(new ArrayList<>()));
        run(() -> db.runCommand(BsonDocument.parse("{collStats: 'c'}")));
        run(() -> db.runCommand(BsonDocument.parse("{dbStats: 1}")));
        run(() -> db.listCollections(BsonDocument.class).into(new ArrayList<>()));
        run(() -> c.listIndexes(BsonDocument.class).into(new ArrayList<>()));
        run(() -> db.runCommand(BsonDocument.parse("{createIndexes: 'c', indexes: [{key: {y: 1}, name: 'y_1', unique: true}]}")));
        run(() -> db.runCommand(BsonDocument.parse("{create: 'v', viewOn: 'c', pipeline: []}")));
        run(() -> db.runCommand(BsonDocument.parse("{create: 'c'}")));
        run(() -> m.client().getDatabase("admin").runCommand(BsonDocument.parse("{ping: 1}")));
    }

    static void run(java.util.concurrent.Callable<?> r) {
        try { System.out.println("OK  " + r.call()); } catch (Exception e) { System.out.println("ERR " + e); }
    }
}
