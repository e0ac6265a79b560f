package dev.livemigrate.validation;

import com.google.auto.service.AutoService;
import com.mongodb.MongoException;
import dev.livemigrate.ValidationFinding;
import dev.livemigrate.spi.CommandRunner;
import dev.livemigrate.spi.ValidationContext;
import dev.livemigrate.spi.Validator;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;

import java.util.ArrayList;
import java.util.List;

/**
 * The balancer of each sharded side ({@code balancerStatus} on its mongos), which should be stopped while the
 * migration copies and syncs. On the source, chunk migrations move documents between shards while the copy
 * reads them and leave orphaned copies behind on the shards they left (which are deleted later, by more writes
 * on the source); on the destination they move chunks the copy is filling, competing with its writes and
 * undoing the placement the engine pre-split for. Neither loses data, so a running balancer is a WARNING, with
 * how to stop it and start it again after cutover. A balancer whose mode is {@code "off"} but which is still in
 * a round ({@code inBalancerRound}: the server lets a round finish) is reported too; a status that cannot be
 * read is a WARNING that says so.
 */
@AutoService(Validator.class)
public final class BalancerValidator implements Validator {

    @Override
    public String name() {
        return "balancer";
    }

    /** It only warns: a balancer left running loses nothing. */
    @Override
    public boolean canFindErrors() {
        return false;
    }

    @Override
    public List<ValidationFinding> validate(ValidationContext context) {
        List<ValidationFinding> findings = new ArrayList<>();
        check(context.source(), "source", "chunk migrations move documents between the source's shards while the copy"
                + " reads them, slow the copy and the change stream, and leave orphaned documents behind", findings);
        check(context.destination(), "destination", "chunk migrations move chunks the copy is filling, compete with its"
                + " writes and undo the placement along the source's chunk boundaries", findings);
        return findings;
    }

    private static void check(CommandRunner side, String name, String why, List<ValidationFinding> findings) {
        if (!Sharding.isMongos(side)) {
            return;
        }
        String code = name.toUpperCase();
        String remedy = "stop it on the " + name + "'s mongos for the migration with sh.stopBalancer() (or"
                + " db.adminCommand({balancerStop: 1})), and start it again after cutover with sh.startBalancer()";
        BsonDocument status;
        try {
            status = side.run("admin", Commands.command("balancerStatus"));
        } catch (MongoException e) {
            findings.add(ValidationFinding.warning(code + "_BALANCER_UNKNOWN", "the " + name + "'s balancer state could not be"
                    + " read: " + Commands.reason(e), "check it with sh.getBalancerState() and, if it runs, " + remedy));
            return;
        }
        String mode = status.getString("mode", new BsonString("")).getValue();
        boolean inRound = status.getBoolean("inBalancerRound", BsonBoolean.FALSE).getValue();
        if (!mode.equals("off")) {
            findings.add(ValidationFinding.warning(code + "_BALANCER_RUNNING", "the " + name + "'s balancer is running (mode "
                    + mode + "): " + why, remedy));
        } else if (inRound) {
            findings.add(ValidationFinding.warning(code + "_BALANCER_RUNNING", "the " + name + "'s balancer is stopped but its"
                    + " last round is still moving chunks: " + why, "wait until sh.isBalancerRunning() reports inBalancerRound:"
                    + " false before starting the migration"));
        }
    }
}
