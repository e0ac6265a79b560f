/**
 * The migration engine behind {@link dev.livemigrate.Migrations}, registered through
 * {@link java.util.ServiceLoader}. Private API: no compatibility guarantees.
 */
package dev.livemigrate.core;
