/**
 * Engine internals (copy). Private API: no compatibility guarantees; use {@link dev.livemigrate.Migrations}.
 */
package dev.livemigrate.core.copy;
