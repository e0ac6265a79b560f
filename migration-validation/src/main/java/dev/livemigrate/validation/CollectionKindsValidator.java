package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collections the engine cannot migrate faithfully to this destination, named one by one: time-series
 * collections to a destination before MongoDB 5.0, or in a live migration at all (change streams do not
 * cover them: an ERROR; a one-time copy takes them with a WARNING), queryable-encryption collections to
 * one before 7.0 (a destination's features are those of the lower of its binary version and its
 * featureCompatibilityVersion: a 7.0 server at FCV 6.0 cannot create a 7.0 queryable-encryption
 * collection), and views whose source collection does not exist. Only the namespaces the migration
 * selects are looked at.
 */
@AutoService(Validator.class)
public final class CollectionKindsValidator implements Validator {

    @Override
    public String name() {
        return "collection-kinds";
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        int[] destination = Commands.featureVersion(context.destination());
        boolean live = context.spec().continuousSync();
        List<ValidationFinding> findings = new ArrayList<>();
        SourceData source = SourceData.read(context);
        source.collections().forEach((name, collections) -> {
            Set<String> names = new HashSet<>();
            collections.forEach(c -> names.add(c.getString("name").getValue()));
            for (BsonDocument c : collections) {
                if (!source.selected(name, c)) {
                    continue;
                }
                String ns = name + "." + c.getString("name").getValue();
                String type = c.getString("type", new BsonString("collection")).getValue();
                BsonDocument options = c.getDocument("options", new BsonDocument());
                if (type.equals("timeseries") && destination[0] < 5) {
                    findings.add(ValidationFinding.error("UNSUPPORTED_TIME_SERIES", "the time-series collection " + ns
                            + " cannot be created on the destination, whose features are those of MongoDB " + destination[0] + "."
                            + destination[1], "migrate to MongoDB 5.0 or newer (featureCompatibilityVersion 5.0 or"
                            + " higher), or exclude " + ns));
                } else if (type.equals("timeseries") && live) {
                    findings.add(ValidationFinding.error("TIME_SERIES_NOT_SYNCED", "the time-series collection " + ns
                            + " cannot be synced: change streams do not report writes to time-series collections, so every"
                            + " write after the start would be lost", "exclude " + ns + " from the live migration and move it"
                            + " with a one-time copy (continuous sync off) once writes to it have stopped"));
                } else if (type.equals("timeseries")) {
                    findings.add(ValidationFinding.warning("TIME_SERIES_COPIED_ONCE", "the time-series collection " + ns
                            + " is copied as it is when its copy runs; writes made to it afterwards are not copied",
                            "stop writes to " + ns + " before the copy, or copy it again afterwards"));
                }
                if (options.containsKey("encryptedFields") && destination[0] < 7) {
                    findings.add(ValidationFinding.error("UNSUPPORTED_QUERYABLE_ENCRYPTION", "the queryable-encryption collection "
                            + ns + " needs MongoDB 7.0 or newer on the destination, with featureCompatibilityVersion 7.0 or higher; the"
                            + " destination's features are those of " + destination[0] + "." + destination[1], "upgrade the"
                            + " destination and set its featureCompatibilityVersion, or exclude " + ns));
                }
                if (type.equals("view") && options.isString("viewOn") && !names.contains(options.getString("viewOn").getValue())) {
                    findings.add(ValidationFinding.warning("VIEW_WITHOUT_SOURCE", "the view " + ns + " reads "
                            + name + "." + options.getString("viewOn").getValue() + ", which does not exist",
                            "create the missing collection or drop or exclude the view; it is migrated as defined"));
                }
            }
        });
        return findings;
    }
}
