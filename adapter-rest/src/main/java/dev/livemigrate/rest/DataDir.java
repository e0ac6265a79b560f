package dev.livemigrate.rest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The server's data directory: it holds the API token's hash and the migrations the server manages, with their
 * connection strings (passwords included: the server must be able to resume them). So the directory is created
 * readable by its owner only ({@code rwx------}), and every file in it {@code rw-------}, where the file system
 * has POSIX permissions. Files are replaced atomically: a crash leaves the old or the new content, never half.
 */
final class DataDir {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dir;

    DataDir(Path dir) {
        this.dir = dir.toAbsolutePath();
        try {
            if (!Files.isDirectory(this.dir)) {
                Files.createDirectories(this.dir);
                if (POSIX) {
                    Files.setPosixFilePermissions(this.dir, PosixFilePermissions.fromString("rwx------"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + this.dir, e);
        }
    }

    Path path() {
        return dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    /** Replaces the file's content, owner-only. */
    void write(String name, byte[] content) {
        Path target = file(name);
        Path temporary = file(name + ".tmp");
        try {
            Files.deleteIfExists(temporary);
            Files.createFile(temporary);
            if (POSIX) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
            }
            Files.write(temporary, content);
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
