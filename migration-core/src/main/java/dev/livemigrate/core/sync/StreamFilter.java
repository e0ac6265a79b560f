package dev.livemigrate.core.sync;

import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The server-side filter of a cluster-wide change stream: only events of the databases the include patterns can
 * select ({@code ns.db}, or {@code to.db} for a rename into one) reach the engine, instead of every event of the
 * cluster. Events without a namespace pass. Excludes and collection parts are left to the engine (cheap, and a
 * collection may appear in a selected database at any time). No include, no filter.
 */
final class StreamFilter {

    private StreamFilter() {
    }

    /** The {@code $match} stage for these include patterns, or {@code null} when every database is selected. */
    static BsonDocument of(List<String> includes) {
        if (includes.isEmpty()) {
            return null;
        }
        Set<String> databases = new LinkedHashSet<>();
        for (String pattern : includes) {
            int dot = pattern.indexOf('.');
            databases.add(regex(dot < 0 ? pattern : pattern.substring(0, dot)));
        }
        if (databases.contains(".*")) {
            return null;
        }
        BsonString regex = new BsonString("^(?:" + String.join("|", databases) + ")$");
        return new BsonDocument("$match", new BsonDocument("$or", new BsonArray(List.of(
                new BsonDocument("ns", new BsonDocument("$exists", BsonBoolean.FALSE)),
                new BsonDocument("ns.db", new BsonDocument("$regex", regex)),
                new BsonDocument("to.db", new BsonDocument("$regex", regex))))));
    }

    /** A database glob ({@code *} any run of characters) as a regular expression, every other character literal. */
    private static String regex(String glob) {
        StringBuilder b = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                b.append(".*");
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                b.append(c);
            } else {
                b.append('\\').append(c);
            }
        }
        return b.toString();
    }
}
