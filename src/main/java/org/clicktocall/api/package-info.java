/**
 * The shapes of this service's HTTP bodies, for the OpenAPI description generated from the REST DSL
 * ({@code /openapi.json}). Parsing and answering are done by the beans in {@code calls} and {@code tokens};
 * {@code OpenApiDescriptionTest} checks these shapes match what the service really sends.
 */
package org.clicktocall.api;
