package dev.livemigrate.core.catalog;

import dev.livemigrate.ConfigurationException;
import dev.livemigrate.ErrorCode;
import dev.livemigrate.MigrationSpec;
import dev.livemigrate.Namespace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Applies a spec's include, exclude and rename rules to source namespaces. Rules are checked when the
 * mapper is built; {@link #map(Collection)} checks them against the source (every rule must match, no two
 * namespaces may land on one target).
 */
public final class NamespaceMapper {

    /** Databases never copied: MongoDB's own and the engine's metadata. */
    public static final Set<String> INTERNAL_DATABASES = Namespace.SYSTEM_DATABASES;

    private final List<Glob> includes = new ArrayList<>();
    private final List<Glob> excludes = new ArrayList<>();
    private final List<Rename> renames = new ArrayList<>();

    public NamespaceMapper(List<String> includes, List<String> excludes, Map<String, String> renames) {
        includes.forEach(p -> this.includes.add(Glob.parse(p, "include")));
        excludes.forEach(p -> this.excludes.add(Glob.parse(p, "exclude")));
        renames.forEach((from, to) -> this.renames.add(Rename.parse(from, to)));
    }

    public static NamespaceMapper of(MigrationSpec spec) {
        return new NamespaceMapper(spec.includes(), spec.excludes(), spec.renames());
    }

    /** Whether a namespace is one the engine never copies ({@code admin}, {@code system.*}, ...). */
    public static boolean isInternal(Namespace ns) {
        return ns.isSystem();
    }

    /**
     * Maps source namespaces to destination namespaces, in source order, leaving out internal and excluded
     * ones.
     *
     * @throws ConfigurationException when a rule matches nothing or two namespaces map to one target
     */
    public Map<Namespace, Namespace> map(Collection<Namespace> sourceNamespaces) {
        List<Namespace> candidates = sourceNamespaces.stream().filter(ns -> !isInternal(ns)).sorted().toList();
        List<String> unmatched = new ArrayList<>();
        for (Glob g : includes) {
            if (candidates.stream().noneMatch(g::matches)) {
                unmatched.add("include '" + g.text + "'");
            }
        }
        for (Glob g : excludes) {
            if (candidates.stream().noneMatch(g::matches)) {
                unmatched.add("exclude '" + g.text + "'");
            }
        }
        Map<Namespace, Namespace> mapping = new LinkedHashMap<>();
        for (Namespace ns : candidates) {
            select(ns).ifPresent(target -> mapping.put(ns, target));
        }
        for (Rename r : renames) {
            if (mapping.keySet().stream().noneMatch(r::matches)) {
                unmatched.add("rename '" + r.from + "'");
            }
        }
        if (!unmatched.isEmpty()) {
            throw new ConfigurationException(ErrorCode.PATTERN_MATCHES_NOTHING,
                    String.join(", ", unmatched) + (unmatched.size() == 1 ? " matches" : " match")
                            + " no namespace of the source (" + describe(candidates)
                            + "): correct the pattern or remove it");
        }
        Map<Namespace, List<Namespace>> byTarget = new TreeMap<>();
        mapping.forEach((src, dst) -> byTarget.computeIfAbsent(dst, k -> new ArrayList<>()).add(src));
        List<String> collisions = new ArrayList<>();
        byTarget.forEach((dst, srcs) -> {
            if (srcs.size() > 1) {
                collisions.add(srcs + " -> " + dst);
            }
        });
        if (!collisions.isEmpty()) {
            throw new ConfigurationException(ErrorCode.RENAME_CONFLICT,
                    "several source namespaces would be written to one destination namespace: "
                            + String.join("; ", collisions) + ". Change the renames so each target is unique");
        }
        return mapping;
    }

    /**
     * Where a source namespace goes if the rules select it: also for namespaces that appear on the source
     * after the migration started.
     */
    public Optional<Namespace> select(Namespace ns) {
        boolean included = includes.isEmpty() || includes.stream().anyMatch(g -> g.matches(ns));
        if (isInternal(ns) || !included || excludes.stream().anyMatch(g -> g.matches(ns))) {
            return Optional.empty();
        }
        return Optional.of(target(ns));
    }

    /** Where a source namespace goes; the most specific rename wins. */
    public Namespace target(Namespace ns) {
        Optional<Rename> exact = renames.stream().filter(r -> r.exact() && r.matches(ns)).findFirst();
        if (exact.isPresent()) {
            return exact.get().apply(ns);
        }
        return renames.stream().filter(r -> r.matches(ns)).findFirst().map(r -> r.apply(ns)).orElse(ns);
    }

    private static String describe(List<Namespace> candidates) {
        if (candidates.isEmpty()) {
            return "it has none besides internal ones";
        }
        List<String> names = candidates.stream().limit(10).map(Namespace::fullName).toList();
        return "it has " + String.join(", ", names) + (candidates.size() > 10 ? " and " + (candidates.size() - 10) + " more" : "");
    }

    private static ConfigurationException invalid(String what, String pattern, String remedy) {
        return new ConfigurationException(ErrorCode.INVALID_PATTERN,
                "the " + what + " pattern '" + pattern + "' is not valid: " + remedy);
    }

    /** {@code database.collection} with {@code *} as a wildcard in either part. */
    private record Glob(String text, Pattern database, Pattern collection) {

        static Glob parse(String text, String what) {
            int dot = text.indexOf('.');
            if (dot <= 0 || dot == text.length() - 1 || text.chars().anyMatch(Character::isWhitespace)) {
                throw invalid(what, text, "write it as database.collection, for example sales.* or sales.orders");
            }
            return new Glob(text, compile(text.substring(0, dot)), compile(text.substring(dot + 1)));
        }

        private static Pattern compile(String glob) {
            StringBuilder regex = new StringBuilder();
            for (String part : glob.split("\\*", -1)) {
                if (regex.length() > 0) {
                    regex.append(".*");
                }
                regex.append(Pattern.quote(part));
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        }

        boolean matches(Namespace ns) {
            return database.matcher(ns.database()).matches() && collection.matcher(ns.collection()).matches();
        }
    }

    /** {@code db.coll -> db2.coll2} or {@code db.* -> db2.*}. */
    private record Rename(String from, String to, Namespace fromNs, Namespace toNs, String fromDb, String toDb) {

        static Rename parse(String from, String to) {
            boolean fromWild = from.endsWith(".*");
            boolean toWild = to.endsWith(".*");
            if (fromWild != toWild) {
                throw invalid("rename", from + "=" + to,
                        "rename a database with db.*=newdb.* or a collection with db.coll=newdb.newcoll");
            }
            if (fromWild) {
                String fromDb = from.substring(0, from.length() - 2);
                String toDb = to.substring(0, to.length() - 2);
                checkDatabase(fromDb, from, to);
                checkDatabase(toDb, from, to);
                return new Rename(from, to, null, null, fromDb, toDb);
            }
            try {
                Namespace f = Namespace.parse(from);
                Namespace t = Namespace.parse(to);
                if (from.contains("*") || to.contains("*")) {
                    throw new IllegalArgumentException("wildcard");
                }
                checkDatabase(t.database(), from, to);
                if (t.collection().contains("$") || t.collection().indexOf('\0') >= 0 || t.collection().startsWith("system.")) {
                    throw invalid("rename", from + "=" + to, "'" + t.collection() + "' is not a collection name MongoDB accepts"
                            + " (no '$', no null character, not system.*)");
                }
                return new Rename(from, to, f, t, null, null);
            } catch (IllegalArgumentException e) {
                throw invalid("rename", from + "=" + to,
                        "rename a database with db.*=newdb.* or a collection with db.coll=newdb.newcoll");
            }
        }

        /** MongoDB's restrictions on database names (the manual's "Naming Restrictions", the stricter Windows set). */
        private static void checkDatabase(String db, String from, String to) {
            if (db.isEmpty() || db.chars().anyMatch(c -> "/\\. \"$*<>:|?\0".indexOf(c) >= 0)
                    || db.getBytes(StandardCharsets.UTF_8).length >= 64) {
                throw invalid("rename", from + "=" + to, "'" + db + "' is not a database name MongoDB accepts (fewer than"
                        + " 64 bytes, none of /\\. \"$*<>:|?)");
            }
            if (INTERNAL_DATABASES.contains(db)) {
                throw invalid("rename", from + "=" + to, "'" + db + "' is reserved; choose another database");
            }
        }

        boolean exact() {
            return fromNs != null;
        }

        boolean matches(Namespace ns) {
            return exact() ? fromNs.equals(ns) : fromDb.equals(ns.database());
        }

        Namespace apply(Namespace ns) {
            return exact() ? toNs : new Namespace(toDb, ns.collection());
        }
    }
}
