package dev.livemigrate.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.livemigrate.MigrationListener;
import dev.livemigrate.MigrationReport;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.MigrationState;
import dev.livemigrate.Migrations;
import dev.livemigrate.Namespace;
import org.bson.RawBsonDocument;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Starts two embedded MongoDB-wire servers, seeds the source with a sample data set and migrates it
 * through the public API while an application keeps writing: copy, sync, ready, writes stop, cutover,
 * report, and a byte-for-byte comparison of every collection.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Migrates a sample data set between two embedded servers while it is written to, cuts over, and prints the report.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--documents", defaultValue = "20000", description = "Orders to seed (default: ${DEFAULT-VALUE}).")
    int documents;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        MongoServer sourceServer = startServer();
        MongoServer destinationServer = startServer();
        String source = "mongodb://127.0.0.1:" + sourceServer.getLocalAddress().getPort();
        String destination = "mongodb://127.0.0.1:" + destinationServer.getLocalAddress().getPort();
        try (MongoClient src = MongoClients.create(source); MongoClient dst = MongoClients.create(destination)) {
            out.println("source      " + source + " (embedded)");
            out.println("destination " + destination + " (embedded)");
            out.print("seeding the source ... ");
            out.flush();
            DemoData.seed(src, documents);
            out.println("done");

            ProgressRenderer renderer = new ProgressRenderer(out, System.console() != null);
            CountDownLatch ready = new CountDownLatch(1);
            MigrationSpec migration = MigrationSpec.builder()
                    .migrationId("demo")
                    .source(source)
                    .destination(destination)
                    .partitionSizeBytes(1024 * 1024)
                    .lagThreshold(Duration.ofSeconds(2))
                    .listener(renderer)
                    .listener(new MigrationListener() {
                        @Override
                        public void stateChanged(MigrationState from, MigrationState to) {
                            if (to == MigrationState.READY_TO_CUTOVER || to.isTerminal()) {
                                ready.countDown();
                            }
                        }
                    })
                    .build();
            DemoData.Writer writer = new DemoData.Writer(src);
            Thread writing = new Thread(writer, "demo-writer");
            writing.start();
            renderer.line("an application keeps writing to the source while it migrates");
            MigrationReport report;
            try (MigrationSession session = Migrations.start(migration)) {
                ready.await();
                writer.stop();
                writing.join();
                renderer.line("the application stopped writing after " + writer.writes() + " writes; cutting over");
                report = session.state() == MigrationState.READY_TO_CUTOVER
                        ? session.cutover(false) : session.awaitCompletion(Duration.ofMinutes(1));
            } finally {
                writer.stop();
            }
            renderer.endLine();
            out.println();
            out.println(RunCommand.render(report));
            out.println();
            int differences = summarize(out, src, dst, report);
            return differences == 0 ? 0 : 3;
        } finally {
            sourceServer.shutdownNow();
            destinationServer.shutdownNow();
        }
    }

    private static MongoServer startServer() {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.enableOplog();
        server.bind("127.0.0.1", 0);
        return server;
    }

    /** Prints the report and a per-collection comparison; returns how many collections differ. */
    private static int summarize(PrintWriter out, MongoClient src, MongoClient dst, MigrationReport report) {
        out.printf(Locale.ROOT, "%-22s %10s %10s %8s  %s%n", "namespace", "source", "dest", "indexes", "content");
        int differences = 0;
        for (Namespace ns : namespaces(src)) {
            MongoCollection<RawBsonDocument> a = raw(src, ns);
            MongoCollection<RawBsonDocument> b = raw(dst, ns);
            String digestA = digest(a);
            String digestB = digest(b);
            int indexesA = a.listIndexes().into(new ArrayList<>()).size();
            int indexesB = b.listIndexes().into(new ArrayList<>()).size();
            boolean same = digestA.equals(digestB) && indexesA == indexesB;
            differences += same ? 0 : 1;
            out.printf(Locale.ROOT, "%-22s %,10d %,10d %3d/%-4d  %s%n", ns, a.countDocuments(), b.countDocuments(),
                    indexesB, indexesA, same ? "identical bytes (sha-256 " + digestA.substring(0, 12) + ")" : "DIFFERENT");
        }
        out.println();
        out.println(differences == 0 ? "every collection arrived byte for byte" : differences + " collection(s) differ");
        return differences;
    }

    private static List<Namespace> namespaces(MongoClient client) {
        List<Namespace> found = new ArrayList<>();
        for (String db : client.listDatabaseNames()) {
            if (!List.of("admin", "local", "config").contains(db)) {
                client.getDatabase(db).listCollectionNames().forEach(c -> found.add(new Namespace(db, c)));
            }
        }
        found.sort(null);
        return found;
    }

    private static MongoCollection<RawBsonDocument> raw(MongoClient client, Namespace ns) {
        return client.getDatabase(ns.database()).getCollection(ns.collection(), RawBsonDocument.class);
    }

    /** SHA-256 over the sorted SHA-256 digests of the documents' raw bytes: independent of document order. */
    private static String digest(MongoCollection<RawBsonDocument> collection) {
        TreeSet<String> hashes = new TreeSet<>();
        try {
            for (RawBsonDocument d : collection.find()) {
                byte[] bytes = new byte[d.getByteBuffer().remaining()];
                d.getByteBuffer().get(bytes);
                hashes.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            }
            MessageDigest all = MessageDigest.getInstance("SHA-256");
            hashes.forEach(h -> all.update(h.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            return HexFormat.of().formatHex(all.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
