package dev.livemigrate.verify;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

/** Opens the two clients a verifier compares through. */
final class Clients implements AutoCloseable {

    final MongoClient source;
    final MongoClient destination;

    Clients(MongoClientSettings source, MongoClientSettings destination) {
        this.source = MongoClients.create(source);
        this.destination = MongoClients.create(destination);
    }

    @Override
    public void close() {
        source.close();
        destination.close();
    }
}
