package dev.livemigrate.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livemigrate.MigrationProgress;
import dev.livemigrate.MigrationSession;
import dev.livemigrate.MigrationState;

import java.time.Instant;
import java.util.Optional;

/**
 * The migration resource as the API shows it (names after Atlas's Cloud Migration Service and mongosync's
 * progress): {@code {id, status, state, lagTimeSeconds, readyForCutover, canWrite, cutoverWindowExpiresAt,
 * progress: {...}, warnings: [], error?, createdAt, migration}}, {@code migration} being the body with passwords
 * hidden. {@code status} maps the engine's state: CREATED and VALIDATING are NEW; COPYING, SYNCING,
 * READY_TO_CUTOVER, CUTTING_OVER, FINALIZING and VERIFYING are WORKING; PAUSED, FAILED, EXPIRED and CANCELLED keep
 * their names; COMPLETED is COMPLETE; STOPPED (nothing runs it in this process) is NEW while the server resumes it
 * and FAILED when resuming failed. {@code canWrite} is true from VERIFYING on: the engine counts the application's
 * downtime until the end of finalizing, when the destination's indexes are restored.
 */
final class MigrationView {

    private MigrationView() {
    }

    static String status(MigrationState state, ManagedMigration m) {
        return switch (state) {
            case CREATED, VALIDATING -> "NEW";
            case COPYING, SYNCING, READY_TO_CUTOVER, CUTTING_OVER, FINALIZING, VERIFYING -> "WORKING";
            case PAUSED -> "PAUSED";
            case COMPLETED -> "COMPLETE";
            case CANCELLED -> "CANCELLED";
            case EXPIRED -> "EXPIRED";
            case FAILED -> "FAILED";
            case STOPPED -> m.resuming || m.failure == null ? "NEW" : "FAILED";
        };
    }

    static ObjectNode of(ManagedMigration m) {
        MigrationState state = m.state();
        MigrationSession session = m.session;
        MigrationProgress p = m.progress();
        ObjectNode view = JsonSupport.object().put("id", m.id).put("status", status(state, m)).put("state", state.name());
        if (p == null || p.lag() == null) {
            view.putNull("lagTimeSeconds");
        } else {
            view.put("lagTimeSeconds", p.lag().toSeconds());
        }
        view.put("lagThresholdSeconds", m.body.lagThreshold().toSeconds());
        view.put("readyForCutover", state == MigrationState.READY_TO_CUTOVER && !m.cutoverRunning.get());
        view.put("canWrite", state == MigrationState.VERIFYING || state == MigrationState.COMPLETED);
        Optional<Instant> expires = session == null ? Optional.empty() : session.cutoverWindowExpiresAt();
        if (expires.isPresent() && !state.isTerminal()) {
            view.put("cutoverWindowExpiresAt", expires.get().toString());
        } else {
            view.putNull("cutoverWindowExpiresAt");
        }
        if (p == null) {
            view.putNull("progress");
        } else {
            view.putObject("progress").put("copiedBytes", p.copiedBytes()).put("totalBytes", p.totalBytes())
                    .put("copiedDocuments", p.copiedDocuments()).put("totalDocuments", p.totalDocuments())
                    .put("collectionsDone", p.collectionsDone()).put("collectionsTotal", p.collectionsTotal())
                    .put("indexesBuilt", p.indexesBuilt()).put("eventsApplied", p.eventsApplied())
                    .put("eventsPerSecond", Math.round(p.eventsPerSecond() * 10) / 10.0).put("retries", p.retries());
        }
        if (p == null || p.retrying() == null) {
            view.putNull("retrying");
        } else {
            view.putObject("retrying").put("what", p.retrying().what()).put("code", p.retrying().code())
                    .put("attempt", p.retrying().attempt()).put("since", p.retrying().since().toString());
        }
        ArrayNode warnings = view.putArray("warnings");
        if (p != null) {
            p.indexConflicts().forEach((index, keys) -> warnings.add("unique index " + index
                    + " could not be restored at cutover: the destination holds duplicate keys " + keys));
        }
        if (session instanceof RemoteSession remote && !state.isTerminal() && !remote.hostOnline()) {
            warnings.add("migration host '" + remote.job().host() + "' is not connected: the figures are the last it sent");
        }
        DestinationUsers.Temporary user = m.destinationUser;
        if (user != null && !user.made()) {
            warnings.add(user.refusal());
        } else if (user != null && m.ended() && state != MigrationState.FAILED && state != MigrationState.EXPIRED) {
            warnings.add("the temporary destination user " + user.name() + " is not dropped yet: the control plane drops it at the end,"
                    + " or drop it with db.getSiblingDB('admin').dropUser('" + user.name() + "')");
        }
        ManagedMigration.Failure cutover = m.cutoverFailure;
        if (cutover != null && state == MigrationState.READY_TO_CUTOVER) {
            warnings.add("the last cutover did not complete (" + cutover.code() + "): " + Errors.redact(cutover.message()));
        }
        ManagedMigration.Failure failure = m.failure;
        if (failure == null && session != null) {
            failure = session.failure().map(ManagedMigration.Failure::of).orElse(null);
        }
        if (failure != null && (state == MigrationState.FAILED || state == MigrationState.STOPPED)) {
            view.putObject("error").put("code", failure.code()).put("message", Errors.redact(failure.message()));
        }
        view.put("createdAt", m.createdAt.toString());
        view.set("migration", m.body.redacted());
        return view;
    }
}
