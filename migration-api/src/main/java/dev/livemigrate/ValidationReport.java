package dev.livemigrate;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.util.List;

/**
 * Every finding of every pre-flight check, at once.
 *
 * @since 0.1
 */
public record ValidationReport(List<ValidationFinding> findings) {

    public ValidationReport {
        findings = List.copyOf(findings);
    }

    public List<ValidationFinding> errors() {
        return findings.stream().filter(f -> f.severity() == ValidationFinding.Severity.ERROR).toList();
    }

    public boolean hasErrors() {
        return !errors().isEmpty();
    }

    /** The report as one line of JSON. */
    public String toJson() {
        BsonArray array = new BsonArray();
        findings.forEach(f -> array.add(new BsonDocument("code", new BsonString(f.code()))
                .append("severity", new BsonString(f.severity().name()))
                .append("message", new BsonString(f.message()))
                .append("remedy", new BsonString(f.remedy()))));
        return new BsonDocument("type", new BsonString("validation")).append("findings", array).toJson();
    }
}
