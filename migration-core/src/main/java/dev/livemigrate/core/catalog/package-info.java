/**
 * Engine internals (catalog). Private API: no compatibility guarantees; use {@link dev.livemigrate.Migrations}.
 */
package dev.livemigrate.core.catalog;
