package dev.livemigrate.core.sync;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.Namespace;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Turns document change events into idempotent writes and applies a lane's batch in order:
 * insert and replace become an upsert-replace by document key; an update applies the absolute values of
 * its {@code updateDescription} ({@link Mode#DIFF}) or replaces the document with the looked-up one
 * ({@link Mode#FULL_DOCUMENT}); a delete tolerates a missing document. Replaying these writes from the
 * start point over any later snapshot converges to the source.
 */
final class ChangeApplier {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeApplier.class);
    private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true).bypassDocumentValidation(true);
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true).bypassDocumentValidation(true);

    enum Mode { DIFF, FULL_DOCUMENT }

    private final MongoClient source;
    private final MongoClient destination;
    private final Function<Namespace, Namespace> targets;
    private final Mode mode;
    private final boolean replaceByDeleteAndInsert;
    private final Predicate<Namespace> inOrder;
    private final Predicate<Namespace> capped;

    /**
     * @param targets maps a source namespace to its destination namespace, or to {@code null} when the
     *                namespace is not migrated
     * @param replaceByDeleteAndInsert write a replacement as a delete and an insert, for a destination whose
     *                replace keeps the old document's field order (MongoDB's does not)
     * @param inOrder the source namespaces whose events are written strictly in the order they came, not
     *                grouped by {@code _id} (a collection with a non-simple collation, where two
     *                {@code _id}s that differ in bytes may be one document)
     */
    ChangeApplier(MongoClient source, MongoClient destination, Function<Namespace, Namespace> targets, Settings settings) {
        this.source = source;
        this.destination = destination;
        this.targets = targets;
        this.mode = settings.mode();
        this.replaceByDeleteAndInsert = settings.replaceByDeleteAndInsert();
        this.inOrder = settings.inOrder();
        this.capped = settings.capped();
    }

    /**
     * How events are written: the parameters of the same names above, and {@code capped}, the source namespaces
     * that are capped collections (see {@link CappedReplay}).
     */
    record Settings(Mode mode, boolean replaceByDeleteAndInsert, Predicate<Namespace> inOrder, Predicate<Namespace> capped) {
    }

    /**
     * Applies a lane's events, each document's in order, batching consecutive events of one namespace into
     * one ordered bulk write (see {@link #inWaves}).
     */
    void apply(List<ChangeEvent> events) {
        int start = 0;
        while (start < events.size()) {
            Namespace ns = events.get(start).ns();
            int end = start;
            while (end < events.size() && events.get(end).ns().equals(ns)) {
                end++;
            }
            Namespace target = targets.apply(ns);
            if (target != null) {
                applyToCollection(destination.getDatabase(target.database())
                        .getCollection(target.collection(), RawBsonDocument.class), events.subList(start, end));
            }
            start = end;
        }
    }

    private void applyToCollection(MongoCollection<RawBsonDocument> collection, List<ChangeEvent> all) {
        List<ChangeEvent> events = capped.test(all.get(0).ns()) ? CappedReplay.withoutEvicted(source, mode, all) : all;
        List<WriteModel<RawBsonDocument>> models = new ArrayList<>();
        List<Integer> eventOfModel = new ArrayList<>();
        inWaves(events, models, eventOfModel);
        int from = 0;
        while (from < models.size()) {
            try {
                collection.bulkWrite(models.subList(from, models.size()), ORDERED);
                return;
            } catch (MongoBulkWriteException e) {
                if (e.getWriteErrors().isEmpty()) { // written, but the write concern was not confirmed
                    throw new MigrationException(ErrorCode.APPLY_FAILED, "the destination did not confirm the write concern of"
                            + " changes to " + collection.getNamespace() + " (" + e.getWriteConcernError().getMessage()
                            + "). Check the health of the destination's replica set, then resume the migration with the"
                            + " same id: the changes are applied again", e);
                }
                int failedModel = from + e.getWriteErrors().get(0).getIndex();
                int failedEvent = eventOfModel.get(failedModel);
                ChangeEvent event = events.get(failedEvent);
                if (!event.operationType().equals("update") || mode != Mode.DIFF) {
                    throw new MigrationException(ErrorCode.APPLY_FAILED, "applying the " + event.operationType()
                            + " of " + event.documentKey().toJson() + " in " + event.ns() + " to " + collection.getNamespace()
                            + " failed: " + e.getWriteErrors().get(0).getMessage()
                            + ". Fix the cause and resume the migration with the same id", e);
                }
                // the destination holds a state the diff does not fit (a newer one read by the copy): take
                // the document as the source has it now; later events bring it forward from there
                LOG.debug("update of {} in {} does not apply ({}); reading the document instead",
                        event.documentKey().toJson(), event.ns(), e.getWriteErrors().get(0).getMessage());
                List<WriteModel<RawBsonDocument>> fix = writes(event, true);
                if (!fix.isEmpty()) {
                    collection.bulkWrite(fix, ORDERED);
                }
                from = failedModel + 1;
                for (int m = models.size() - 1; m >= from; m--) { // the event's later writes (later waves) are replaced too
                    if (eventOfModel.get(m) == failedEvent) {
                        models.remove(m);
                        eventOfModel.remove(m);
                    }
                }
            }
        }
    }

    /**
     * Orders a batch's writes (all of one namespace) for few round trips while keeping each document's
     * writes in order. Documents are told apart by their {@link CanonicalId} (int 1 and long 1 are one
     * document, whatever the shard key says). Per document, only the events from its last whole-document
     * one (insert, replace, delete; any update in full-document mode) on matter, when every event before
     * it has the same key: that one leaves the same state whatever came before. Then wave k holds the
     * k-th write of every document; within a wave the documents differ, so its writes are grouped by kind
     * (deletes, inserts, replaces, updates): an ordered bulk write sends each run of one kind as one
     * command, and a batch of a thousand events over a thousand documents costs a handful of commands
     * instead of one per change of kind. A namespace {@code inOrder} names is written event by event, in
     * order.
     */
    void inWaves(List<ChangeEvent> events, List<WriteModel<RawBsonDocument>> models, List<Integer> eventOfModel) {
        if (!events.isEmpty() && inOrder.test(events.get(0).ns())) {
            for (int i = 0; i < events.size(); i++) {
                for (WriteModel<RawBsonDocument> m : writes(events.get(i), false)) {
                    models.add(m);
                    eventOfModel.add(i);
                }
            }
            return;
        }
        Map<Object, List<Integer>> byDocument = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent e = events.get(i);
            if (e.documentKey() == null) {
                continue; // nothing to write: see writes()
            }
            CanonicalId id = CanonicalId.ofKey(e.documentKey());
            List<Integer> ofDocument = byDocument.computeIfAbsent(id == null ? e.documentKey() : id, k -> new ArrayList<>());
            if (setsWholeDocument(e) && ofDocument.stream().allMatch(j -> events.get(j).documentKey().equals(e.documentKey()))) {
                ofDocument.clear();
            }
            ofDocument.add(i);
        }
        List<List<WriteModel<RawBsonDocument>>> documentModels = new ArrayList<>();
        List<List<Integer>> documentEvents = new ArrayList<>();
        for (List<Integer> ofDocument : byDocument.values()) {
            List<WriteModel<RawBsonDocument>> writes = new ArrayList<>();
            List<Integer> sources = new ArrayList<>();
            for (int i : ofDocument) {
                for (WriteModel<RawBsonDocument> m : writes(events.get(i), false)) {
                    writes.add(m);
                    sources.add(i);
                }
            }
            documentModels.add(writes);
            documentEvents.add(sources);
        }
        for (int wave = 0; ; wave++) {
            List<List<Integer>> kinds = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int d = 0; d < documentModels.size(); d++) {
                if (wave < documentModels.get(d).size()) {
                    kinds.get(kindOf(documentModels.get(d).get(wave))).add(d);
                }
            }
            if (kinds.stream().allMatch(List::isEmpty)) {
                return;
            }
            for (List<Integer> kind : kinds) {
                for (int d : kind) {
                    models.add(documentModels.get(d).get(wave));
                    eventOfModel.add(documentEvents.get(d).get(wave));
                }
            }
        }
    }

    private boolean setsWholeDocument(ChangeEvent e) {
        return switch (e.operationType()) {
            case "delete" -> true;
            case "insert", "replace" -> e.fullDocument() != null;
            case "update" -> mode == Mode.FULL_DOCUMENT && e.fullDocument() != null;
            default -> false;
        };
    }

    private static int kindOf(WriteModel<RawBsonDocument> model) {
        if (model instanceof DeleteOneModel) {
            return 0;
        }
        if (model instanceof InsertOneModel) {
            return 1;
        }
        return model instanceof ReplaceOneModel ? 2 : 3;
    }

    /** The writes that replay one event; {@code lookup} replaces the diff with the source's current document. */
    List<WriteModel<RawBsonDocument>> writes(ChangeEvent e, boolean lookup) {
        BsonDocument key = e.documentKey();
        if (key == null) {
            return List.of(); // an update whose document is gone at the source: its delete follows
        }
        switch (e.operationType()) {
            case "insert", "replace":
                return e.fullDocument() == null ? List.of() : replace(key, e.fullDocument());
            case "delete":
                return List.of(new DeleteOneModel<>(key));
            case "update":
                if (mode == Mode.FULL_DOCUMENT && !lookup) {
                    return e.fullDocument() == null ? List.of() : replace(key, e.fullDocument());
                }
                if (lookup || e.updateDescription() == null || UpdateDescriptions.hasAmbiguousPaths(e.updateDescription())) {
                    RawBsonDocument now = source.getDatabase(e.ns().database()).getCollection(e.ns().collection(), RawBsonDocument.class)
                            .find(key).first();
                    return now == null ? List.of(new DeleteOneModel<>(key)) : replace(key, now);
                }
                return UpdateDescriptions.diffWrites(key, e.updateDescription());
            default:
                throw new IllegalArgumentException("not a document event: " + e.operationType());
        }
    }

    /** An upsert that leaves exactly {@code document} under {@code key}. */
    private List<WriteModel<RawBsonDocument>> replace(BsonDocument key, RawBsonDocument document) {
        if (replaceByDeleteAndInsert) {
            return List.of(new DeleteOneModel<>(key), new InsertOneModel<>(document));
        }
        return List.of(new ReplaceOneModel<>(key, document, UPSERT));
    }
}
