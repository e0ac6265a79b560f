/**
 * The public API of livemigrate: describe a migration with {@link dev.livemigrate.MigrationSpec}, start
 * it with {@link dev.livemigrate.Migrations}, and follow it through {@link dev.livemigrate.MigrationSession}.
 * Compatible across minor releases.
 */
package dev.livemigrate;
