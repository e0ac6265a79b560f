package dev.livemigrate.benchmarks;

import dev.livemigrate.core.copy.CopyBatcher;
import org.bson.BsonBinaryReader;
import org.bson.BsonBinaryWriter;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.DocumentCodec;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.RawBsonDocumentCodec;
import org.bson.io.BasicOutputBuffer;
import org.bson.types.ObjectId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The copy path, micro: moving one cursor batch of documents (as the bytes a reply carries) into an insert
 * batch, as raw bytes (what the engine does) against decoding to {@code Document} and encoding again
 * (what a hand-written copy does). Score: documents per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CopyPathBenchmark {

    static final int BATCH = 1000;

    @Param({"200", "4000"})
    public int documentBytes;

    private List<byte[]> reply;

    @Setup
    public void prepare() {
        reply = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            Document d = new Document("_id", new ObjectId()).append("n", i).append("price", 12.5 * i)
                    .append("tags", List.of("a", "b")).append("nested", new Document("x", i).append("y", "z"));
            int filler = Math.max(0, documentBytes - 130);
            d.append("pad", "p".repeat(filler));
            BasicOutputBuffer out = new BasicOutputBuffer();
            new DocumentCodec().encode(new BsonBinaryWriter(out), d, EncoderContext.builder().build());
            reply.add(out.toByteArray());
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawBytes(Blackhole bh) {
        RawBsonDocumentCodec codec = new RawBsonDocumentCodec();
        CopyBatcher batcher = new CopyBatcher(16 * 1024 * 1024);
        for (byte[] bytes : reply) {
            RawBsonDocument d = codec.decode(new BsonBinaryReader(ByteBuffer.wrap(bytes)), DecoderContext.builder().build());
            List<RawBsonDocument> full = batcher.add(d);
            if (full != null) {
                bh.consume(encode(codec, full));
            }
        }
        bh.consume(encode(codec, batcher.take()));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void decodeAndEncode(Blackhole bh) {
        DocumentCodec codec = new DocumentCodec();
        List<Document> batch = new ArrayList<>(BATCH);
        for (byte[] bytes : reply) {
            batch.add(codec.decode(new BsonBinaryReader(ByteBuffer.wrap(bytes)), DecoderContext.builder().build()));
        }
        BasicOutputBuffer out = new BasicOutputBuffer();
        for (Document d : batch) {
            codec.encode(new BsonBinaryWriter(out), d, EncoderContext.builder().isEncodingCollectibleDocument(true).build());
        }
        bh.consume(out.getSize());
    }

    private static int encode(RawBsonDocumentCodec codec, List<RawBsonDocument> batch) {
        BasicOutputBuffer out = new BasicOutputBuffer();
        for (RawBsonDocument d : batch) {
            codec.encode(new BsonBinaryWriter(out), d, EncoderContext.builder().isEncodingCollectibleDocument(true).build());
        }
        return out.getSize();
    }
}
