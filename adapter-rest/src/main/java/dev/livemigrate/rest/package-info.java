/**
 * The REST adapter (not built yet). Private API: no compatibility guarantees.
 */
package dev.livemigrate.rest;
