//! The OpenAPI 3.1 document served at `/v1/openapi.json`, written by hand next to the routes
//! in [`crate::api`]; a test checks every route is in it.

use serde_json::{json, Value};

pub fn document() -> Value {
    let error = json!({ "description": "bad request", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let not_found = json!({ "description": "unknown symbol", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let param = |name: &str, description: &str, schema: Value| json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema });
    let symbol = json!({
        "name": "symbol", "in": "path", "required": true,
        "description": "Canonical symbol written as is, slashes and parentheses bare: /v1/resolutions/A/RES/71/19, /v1/resolutions/S/RES/2769(2025). Percent-encoded slashes and parentheses (A%2FRES%2F71%2F19) are accepted too.",
        "schema": { "type": "string", "example": "S/RES/2769(2025)" }
    });
    let lang = param(
        "lang",
        "ISO 639-1 language code",
        json!({ "type": "string", "default": "en" }),
    );
    json!({
        "openapi": "3.1.0",
        "info": { "title": "resingest read API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "Stored UN resolutions as structured clauses (resolution JSON contract v1)." },
        "paths": {
            "/v1/resolutions": { "get": {
                "summary": "List stored resolutions, oldest stored first, paged",
                "parameters": [
                    param("organ", "Adopting body, e.g. General Assembly", json!({ "type": "string" })),
                    param("session", "Session number", json!({ "type": "integer" })),
                    param("since", "Stored at or after: RFC 3339 time or YYYY-MM-DD", json!({ "type": "string" })),
                    param("lang", "ISO 639-1 language code", json!({ "type": "string" })),
                    param("cursor", "next_cursor of the previous page (opaque)", json!({ "type": "string" })),
                    param("limit", "Page size", json!({ "type": "integer", "minimum": 1, "maximum": 100, "default": 50 })),
                ],
                "responses": { "200": { "description": "a page", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Page" } } } }, "400": error }
            }},
            "/v1/resolutions/{symbol}": { "get": {
                "summary": "One resolution: the JSON contract, or Akoma Ntoso with Accept: application/akn+xml",
                "parameters": [symbol, lang],
                "responses": {
                    "200": { "description": "the resolution", "content": {
                        "application/json": { "schema": { "type": "object", "description": "resolution JSON contract v1" } },
                        "application/akn+xml": { "schema": { "type": "string" } } } },
                    "400": error, "404": not_found,
                    "406": { "description": "the Accept header allows neither application/json nor application/akn+xml" }
                }
            }},
            "/v1/resolutions/{symbol}/cited-by": { "get": {
                "summary": "Stored resolutions whose text cites this symbol",
                "parameters": [symbol, param("lang", "Only citing resolutions in this language", json!({ "type": "string" }))],
                "responses": { "200": { "description": "citing resolutions", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CitedBy" } } } }, "400": error, "404": not_found }
            }},
            "/v1/search": { "get": {
                "summary": "Full-text search over clauses, best match first",
                "parameters": [
                    { "name": "q", "in": "query", "required": true, "description": "Web-style query: words, \"phrases\", or, -not", "schema": { "type": "string", "maxLength": 500 } },
                    lang,
                    param("limit", "Hits per page", json!({ "type": "integer", "minimum": 1, "maximum": 100, "default": 20 })),
                    param("offset", "Hits to skip (deeper is a 400: narrow q)", json!({ "type": "integer", "minimum": 0, "maximum": crate::api::MAX_SEARCH_OFFSET, "default": 0 })),
                ],
                "responses": { "200": { "description": "hits", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SearchResult" } } } }, "400": error }
            }},
            "/healthz": { "get": { "summary": "200 while the database answers, 503 otherwise", "responses": { "200": { "description": "healthy" }, "503": { "description": "database unavailable" } } } },
            "/v1/openapi.json": { "get": { "summary": "This document", "responses": { "200": { "description": "OpenAPI 3.1" } } } }
        },
        "components": { "schemas": {
            "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } },
            "Summary": { "type": "object", "properties": {
                "symbol": { "type": "string" }, "language": { "type": "string" }, "version": { "type": "integer" },
                "organ": { "type": "string" }, "kind": { "type": "string" }, "session": { "type": ["integer", "null"] },
                "title": { "type": ["string", "null"] }, "adoption_date": { "type": ["string", "null"], "format": "date" },
                "sha256": { "type": "string" }, "stored_at": { "type": "string", "format": "date-time" } } },
            "Page": { "type": "object", "properties": {
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/Summary" } },
                "next_cursor": { "type": ["string", "null"] } } },
            "CitedBy": { "type": "object", "properties": {
                "symbol": { "type": "string" },
                "cited_by": { "type": "array", "items": { "type": "object", "properties": {
                    "symbol": { "type": "string" }, "language": { "type": "string" },
                    "title": { "type": ["string", "null"] }, "adoption_date": { "type": ["string", "null"] } } } } } },
            "SearchResult": { "type": "object", "properties": {
                "query": { "type": "string" }, "language": { "type": "string" },
                "hits": { "type": "array", "items": { "type": "object", "properties": {
                    "symbol": { "type": "string" }, "language": { "type": "string" }, "title": { "type": ["string", "null"] },
                    "path": { "type": "string", "description": "clause path: p3, 3, 3.b.ii, annex1.4, A.3" },
                    "kind": { "type": "string" }, "lead": { "type": ["string", "null"] },
                    "snippet": { "type": "string" }, "rank": { "type": "number" } } } } } }
        }}
    })
}
