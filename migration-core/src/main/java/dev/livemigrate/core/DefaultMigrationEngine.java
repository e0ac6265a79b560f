package dev.livemigrate.core;

import com.google.auto.service.AutoService;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ConnectionStrings;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationException;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;
import dev.livemigrate.Secrets;
import dev.livemigrate.ValidationException;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.ValidationReport;
import dev.livemigrate.VerificationReport;
import dev.livemigrate.core.catalog.CollectionInfo;
import dev.livemigrate.core.catalog.NamespaceMapper;
import dev.livemigrate.core.catalog.Selection;
import dev.livemigrate.core.catalog.ShardingPlan;
import dev.livemigrate.core.catalog.SourceCatalog;
import dev.livemigrate.core.state.MetadataStore;
import dev.livemigrate.core.sync.RecordedWatermark;
import dev.livemigrate.core.sync.SourceClock;
import dev.livemigrate.spi.MigrationEngine;
import dev.livemigrate.spi.Source;
import dev.livemigrate.spi.SourceProvider;
import dev.livemigrate.spi.SyncWatermark;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The engine behind {@link dev.livemigrate.Migrations}. {@link #start} runs every check that can fail on
 * bad input before it writes anything to the destination, then hands over to a
 * {@link DefaultMigrationSession} that works in the background.
 */
@AutoService(MigrationEngine.class)
public final class DefaultMigrationEngine implements MigrationEngine {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultMigrationEngine.class);

    @Override
    public MigrationSession start(MigrationSpec spec) {
        Sides sides = Sides.of(spec);
        Source source = sides.source();
        MongoClientSettings sourceSettings = sides.sourceSettings();
        MongoClientSettings destinationSettings = sides.destinationSettings();
        String destinationDescription = sides.destinationDescription();

        MongoClient sourceClient = null;
        MongoClient destinationClient = null;
        try {
            sourceClient = Clients.create(Clients.stalling(sourceSettings, spec.stallTimeout()));
            destinationClient = Clients.create(Clients.stalling(destinationSettings, spec.stallTimeout()));
            Reachability.require(sourceClient, source.description(), destinationClient, destinationDescription);

            // the start point of change capture, taken before anything is read (also fails early on a standalone)
            BsonTimestamp startAt = spec.continuousSync() ? SourceClock.now(sourceClient) : null;
            Map<Namespace, CollectionInfo> catalog = SourceCatalog.list(sourceClient);
            NamespaceMapper mapper = NamespaceMapper.of(spec);
            Map<Namespace, Namespace> mapping = mapper.map(catalog.keySet());
            Map<Namespace, CollectionInfo> selected = new LinkedHashMap<>();
            mapping.keySet().forEach(ns -> selected.put(ns, catalog.get(ns)));
            ShardingPlan sharding = ShardingPlan.make(spec.sharding(), sourceClient, destinationClient, selected);
            MetadataStore metadata = new MetadataStore(destinationClient);
            BsonDocument fingerprint = fingerprint(spec);
            // read only what exists: some servers create a database when it is merely read
            Set<String> destinationDatabases = destinationClient.listDatabaseNames().into(new HashSet<>());
            Optional<BsonDocument> recorded = destinationDatabases.contains(MetadataStore.DATABASE)
                    ? metadata.migration(spec.migrationId()) : Optional.empty();
            recorded.ifPresent(existing -> checkResumable(spec, existing, fingerprint));
            List<Namespace> conflicts = conflicts(destinationClient, destinationDatabases, mapping, spec.migrationId());
            ValidationReport validation = Validation.run(spec, sides, sourceClient, destinationClient,
                    mapper::select, conflictFindings(conflicts, spec.clearDestination()));
            validation.findings().forEach(f -> LOG.info("pre-flight {} {}: {}", f.severity(), f.code(), f.message()));
            if (validation.hasErrors()) {
                throw refusal(validation);
            }
            Recopy.resolve(spec, selected, recorded.isPresent()); // refused before anything is written
            RunContext run = new RunContext(spec, new Connections(source, sourceClient, destinationClient, sourceSettings,
                    destinationSettings), metadata, new Selection(mapper, selected, mapping, conflicts, sharding), startAt);
            DefaultMigrationSession session = new DefaultMigrationSession(run);
            session.begin();
            return session;
        } catch (RuntimeException e) {
            closeQuietly(sourceClient);
            closeQuietly(destinationClient);
            source.close();
            throw e;
        }
    }

    @Override
    public ValidationReport validate(MigrationSpec spec) {
        Sides sides;
        try {
            sides = Sides.of(spec);
        } catch (ConfigurationException e) {
            if (e.errorCode() != ErrorCode.CA_FILE_UNREADABLE && e.errorCode() != ErrorCode.CA_FILE_NOT_PEM) {
                throw e;
            }
            // the source cannot be opened: say why, and still check the destination
            List<ValidationFinding> findings = new ArrayList<>();
            findings.add(ValidationFinding.error(e.errorCode().name(), e.getMessage(), "give the path of the CA certificate"
                    + " (PEM) that signed the source's server certificates"));
            MongoClientSettings destination = Clients.settings(ConnectionStrings.parse(spec.destination(), "destination"), spec.connectTimeout());
            try (MongoClient d = Clients.create(destination)) {
                Reachability.check(d, "destination", Secrets.redactConnectionString(spec.destination()))
                        .ifPresent(f -> findings.add(f.finding()));
            }
            return new ValidationReport(findings);
        }
        Source source = sides.source();
        try (MongoClient s = Clients.create(sides.sourceSettings()); MongoClient d = Clients.create(sides.destinationSettings())) {
            List<ValidationFinding> unreachable = Reachability.checkBoth(s, source.description(), d, sides.destinationDescription())
                    .stream().map(Reachability.Failure::finding).toList();
            if (!unreachable.isEmpty()) {
                return new ValidationReport(unreachable);
            }
            NamespaceMapper mapper = NamespaceMapper.of(spec);
            List<ValidationFinding> engine = new ArrayList<>();
            try {
                Map<Namespace, CollectionInfo> catalog = SourceCatalog.list(s);
                Map<Namespace, Namespace> mapping = mapper.map(catalog.keySet());
                Set<String> databases = d.listDatabaseNames().into(new HashSet<>());
                engine.addAll(conflictFindings(conflicts(d, databases, mapping, spec.migrationId()), spec.clearDestination()));
                Map<Namespace, CollectionInfo> selected = new LinkedHashMap<>();
                mapping.keySet().forEach(ns -> selected.put(ns, catalog.get(ns)));
                ShardingPlan.make(spec.sharding(), s, d, selected);
            } catch (MigrationException e) { // bad rules or sharding entries, or a sharded source whose metadata is unreadable
                engine.add(ValidationFinding.error(e.errorCode().name(), e.getMessage(), switch (e.errorCode()) {
                    case INVALID_SHARDING_ENTRY -> "correct or remove the sharding entry";
                    case SHARDING_METADATA_UNREADABLE -> "grant the migration's user clusterMonitor on the source";
                    default -> "correct the namespace rules";
                }));
            }
            return Validation.run(spec, sides, s, d, mapper::select, engine);
        } finally {
            source.close();
        }
    }

    /** The destination namespaces the migration would overwrite: an ERROR, or INFO when they are to be cleared. */
    private static List<ValidationFinding> conflictFindings(List<Namespace> conflicts, boolean clear) {
        if (conflicts.isEmpty()) {
            return List.of();
        }
        String names = conflicts.stream().map(Namespace::fullName).collect(Collectors.joining(", "));
        if (clear) {
            return List.of(ValidationFinding.info("DESTINATION_NAMESPACES_CLEARED", "the destination's " + names
                    + " will be dropped before the copy (clear-destination is set)"));
        }
        return List.of(ValidationFinding.error(ErrorCode.DESTINATION_NAMESPACE_CONFLICT.name(), "the destination already holds "
                + conflicts.size() + " namespace" + (conflicts.size() == 1 ? "" : "s") + " the migration would write: " + names,
                "drop them, exclude or rename them, or set clear-destination to drop them"));
    }

    /**
     * The exception a refused start throws: the code of its errors when they all share one the API knows
     * (a namespace conflict, say), {@link ErrorCode#VALIDATION_FAILED} otherwise; the message names every error.
     */
    private static ValidationException refusal(ValidationReport report) {
        List<ValidationFinding> errors = report.errors();
        Set<String> codes = errors.stream().map(ValidationFinding::code).collect(Collectors.toSet());
        ErrorCode code = ErrorCode.VALIDATION_FAILED;
        if (codes.size() == 1) {
            String only = codes.iterator().next();
            code = Arrays.stream(ErrorCode.values()).filter(c -> c.name().equals(only)).findFirst().orElse(code);
        }
        return new ValidationException(code, errors.size() + " pre-flight check(s) failed: " + errors.stream()
                .map(f -> f.code() + ": " + f.message() + " (" + f.remedy() + ")").collect(Collectors.joining("; ")), report);
    }

    @Override
    public VerificationReport verify(MigrationSpec spec) {
        Sides sides = Sides.of(spec);
        try (MongoClient s = Clients.create(sides.sourceSettings()); MongoClient d = Clients.create(sides.destinationSettings())) {
            Reachability.require(s, sides.source().description(), d, sides.destinationDescription());
            Map<Namespace, CollectionInfo> catalog = SourceCatalog.list(s);
            catalog.values().removeIf(CollectionInfo::isView);
            Map<Namespace, Namespace> namespaces = NamespaceMapper.of(spec).map(catalog.keySet());
            // a migration still syncing into the destination under this id is waited for before a difference is reported
            SyncWatermark live = RecordedWatermark.of(new MetadataStore(d), spec.migrationId(), s);
            return Verification.run(sides.sourceSettings(), sides.destinationSettings(), namespaces, live);
        } finally {
            sides.source().close();
        }
    }

    static SourceProvider provider(String kind) {
        List<SourceProvider> providers = ServiceLoader.load(SourceProvider.class).stream().map(ServiceLoader.Provider::get).toList();
        return providers.stream().filter(p -> p.name().equals(kind)).findFirst()
                .orElseThrow(() -> new ConfigurationException(ErrorCode.UNKNOWN_SOURCE_PROVIDER,
                        "no source provider named '" + kind + "' is on the class path; available: "
                                + providers.stream().map(SourceProvider::name).sorted().collect(Collectors.joining(", "))
                                + ". Use one of those kinds or add the provider's jar"));
    }

    /** The settings that must not change when a migration resumes: which namespaces go where. */
    static BsonDocument fingerprint(MigrationSpec spec) {
        BsonArray includes = new BsonArray();
        spec.includes().stream().sorted().forEach(p -> includes.add(new BsonString(p)));
        BsonArray excludes = new BsonArray();
        spec.excludes().stream().sorted().forEach(p -> excludes.add(new BsonString(p)));
        BsonDocument renames = new BsonDocument();
        new TreeMap<>(spec.renames()).forEach((k, v) -> renames.append(k, new BsonString(v)));
        return new BsonDocument("includes", includes).append("excludes", excludes).append("renames", renames);
    }

    private static void checkResumable(MigrationSpec spec, BsonDocument existing, BsonDocument fingerprint) {
        if ("COMPLETED".equals(existing.getString("state", new BsonString("")).getValue())) {
            throw new ConfigurationException(ErrorCode.MIGRATION_ID_CONFLICT,
                    "migration '" + spec.migrationId() + "' already completed on this destination:"
                            + " choose a new migration id to migrate again");
        }
        if (!fingerprint.equals(existing.getDocument("fingerprint"))) {
            throw new ConfigurationException(ErrorCode.MIGRATION_ID_CONFLICT,
                    "migration '" + spec.migrationId() + "' was started with other namespace rules ("
                            + existing.getDocument("fingerprint").toJson() + ", now " + fingerprint.toJson()
                            + "): resume it with the same includes, excludes and renames, or choose a new migration id");
        }
    }

    /**
     * Targets that exist on the destination and were not created by this migration (those it created are
     * its own to resume into).
     */
    private static List<Namespace> conflicts(MongoClient destination, Set<String> databases,
                                             Map<Namespace, Namespace> mapping, String migrationId) {
        Set<Namespace> ours = new HashSet<>();
        if (databases.contains(MetadataStore.DATABASE)) {
            new MetadataStore(destination).collections(migrationId).values().forEach(r -> ours.add(r.target()));
        }
        Map<String, Set<String>> existing = new TreeMap<>();
        List<Namespace> conflicts = new ArrayList<>();
        for (Namespace target : new TreeSet<>(mapping.values())) {
            Set<String> names = existing.computeIfAbsent(target.database(), db -> databases.contains(db)
                    ? destination.getDatabase(db).listCollectionNames().into(new HashSet<>()) : Set.of());
            if (names.contains(target.collection()) && !ours.contains(target)) {
                conflicts.add(target);
            }
        }
        return conflicts;
    }

    private static void closeQuietly(MongoClient client) {
        if (client != null) {
            client.close();
        }
    }
}
