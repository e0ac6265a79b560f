/**
 * {@code livemigrate serve}: the REST control plane over the library ({@link dev.livemigrate.Migrations}), on the
 * JDK's HTTP server with Jackson for JSON. {@link dev.livemigrate.rest.ControlPlane} is the entry point; it holds no
 * migration logic. Private API: no compatibility guarantees.
 */
package dev.livemigrate.rest;
