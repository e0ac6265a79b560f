package dev.livemigrate.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The demo's sample data: several databases, secondary indexes of every kind, mixed {@code _id} types. */
final class DemoData {

    private DemoData() {
    }

    static void seed(MongoClient client, int orders) {
        Random random = new Random(42);
        MongoDatabase shop = client.getDatabase("shop");

        List<BsonDocument> customers = new ArrayList<>();
        for (int i = 0; i < Math.max(10, orders / 10); i++) {
            customers.add(new BsonDocument("_id", new BsonString("c" + i))
                    .append("email", new BsonString("customer" + i + "@example.com"))
                    .append("name", new BsonString("Customer " + i))
                    .append("since", new BsonDateTime(1_500_000_000_000L + i * 86_400_000L))
                    .append("vip", BsonBoolean.valueOf(i % 17 == 0)));
        }
        insert(shop.getCollection("customers", BsonDocument.class), customers);
        shop.getCollection("customers").createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));

        List<BsonDocument> batch = new ArrayList<>();
        MongoCollection<BsonDocument> orderCollection = shop.getCollection("orders", BsonDocument.class);
        for (int i = 0; i < orders; i++) {
            BsonArray items = new BsonArray();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                items.add(new BsonDocument("sku", new BsonString("sku-" + random.nextInt(500)))
                        .append("qty", new BsonInt32(1 + random.nextInt(5)))
                        .append("price", new BsonDecimal128(new Decimal128(BigDecimal.valueOf(random.nextInt(100_00), 2)))));
            }
            batch.add(new BsonDocument("_id", new BsonObjectId(new ObjectId(new java.util.Date(1_600_000_000_000L + i * 1000L), i)))
                    .append("customer", new BsonString("c" + random.nextInt(customers.size())))
                    .append("items", items)
                    .append("status", new BsonString(List.of("new", "paid", "shipped", "returned").get(random.nextInt(4))))
                    .append("placedAt", new BsonDateTime(1_600_000_000_000L + i * 1000L)));
            if (batch.size() == 1000) {
                insert(orderCollection, batch);
                batch = new ArrayList<>();
            }
        }
        insert(orderCollection, batch);
        shop.getCollection("orders").createIndex(Indexes.compoundIndex(Indexes.ascending("customer"), Indexes.descending("placedAt")));
        shop.getCollection("orders").createIndex(Indexes.ascending("status"),
                new IndexOptions().partialFilterExpression(new org.bson.Document("status", "returned")));

        // products: one collection, many _id types
        List<BsonDocument> products = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            BsonValue id = switch (i % 5) {
                case 0 -> new BsonInt32(i);
                case 1 -> new BsonString("sku-" + i);
                case 2 -> new BsonBinary(new UUID(42, i));
                case 3 -> new BsonDocument("vendor", new BsonInt32(i % 7)).append("code", new BsonInt32(i));
                default -> new BsonInt64(10_000_000_000L + i);
            };
            products.add(new BsonDocument("_id", id).append("title", new BsonString("Product " + i + " for the demo"))
                    .append("weight", new BsonDouble(random.nextDouble() * 10)));
        }
        insert(shop.getCollection("products", BsonDocument.class), products);
        shop.getCollection("products").createIndex(Indexes.text("title"));

        MongoDatabase analytics = client.getDatabase("analytics");
        List<BsonDocument> events = new ArrayList<>();
        for (int i = 0; i < orders / 2; i++) {
            events.add(new BsonDocument("_id", new BsonInt64(i)).append("type", new BsonString("view"))
                    .append("at", new BsonDateTime(1_700_000_000_000L + i)).append("session", new BsonInt32(random.nextInt(1000))));
        }
        insert(analytics.getCollection("events", BsonDocument.class), events);
        analytics.getCollection("events").createIndex(Indexes.ascending("at"), new IndexOptions().expireAfter(30L, TimeUnit.DAYS));
        analytics.getCollection("events").createIndex(Indexes.hashed("session"));
        analytics.createCollection("empty");

        MongoDatabase inventory = client.getDatabase("inventory");
        List<BsonDocument> stock = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            stock.add(new BsonDocument("_id", new BsonString("sku-" + i)).append("onHand", new BsonInt32(random.nextInt(100)))
                    .append("bin", new BsonString(i % 3 == 0 ? "A" + i : "")));
        }
        insert(inventory.getCollection("stock", BsonDocument.class), stock);
        inventory.getCollection("stock").createIndex(Indexes.ascending("bin"), new IndexOptions().sparse(true));
    }

    /** The demo's application: updates orders and records events until stopped. */
    static final class Writer implements Runnable {
        private final MongoCollection<BsonDocument> orders;
        private final MongoCollection<BsonDocument> events;
        private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

        Writer(MongoClient client) {
            this.orders = client.getDatabase("shop").getCollection("orders", BsonDocument.class);
            this.events = client.getDatabase("analytics").getCollection("events", BsonDocument.class);
        }

        void stop() {
            running.set(false);
        }

        long writes() {
            return writes.get();
        }

        @Override
        public void run() {
            Random random = new Random(7);
            List<String> statuses = List.of("paid", "shipped", "returned");
            for (long i = 0; running.get(); i++) {
                orders.updateOne(new BsonDocument("status", new BsonString("new")),
                        new BsonDocument("$set", new BsonDocument("status", new BsonString(statuses.get(random.nextInt(3)))))
                                .append("$inc", new BsonDocument("revision", new BsonInt32(1))));
                events.insertOne(new BsonDocument("_id", new BsonInt64(10_000_000L + i)).append("type", new BsonString("checkout"))
                        .append("at", new BsonDateTime(1_700_000_000_000L + i)).append("session", new BsonInt32(random.nextInt(1000))));
                writes.addAndGet(2);
            }
        }
    }

    private static void insert(MongoCollection<BsonDocument> collection, List<BsonDocument> docs) {
        if (!docs.isEmpty()) {
            collection.insertMany(docs);
        }
    }
}
