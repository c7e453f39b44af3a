//! The OpenAPI 3.1 document served at `/v1/openapi.json`: routes and parameters written by hand
//! next to the routes in [`crate::api`] (a test checks every route is in it); the schema of a
//! resolution, and of every type in it, generated from the contract's own types
//! ([`resingest_model::Resolution`]), so the document cannot drift from what is served.

use serde_json::{json, Value};

/// The contract's types as JSON Schema 2020-12 (OpenAPI 3.1's dialect), each under
/// `#/components/schemas/<Type>`, their references pointing there.
fn contract_schemas() -> serde_json::Map<String, Value> {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    let root = generator.subschema_for::<resingest_model::Resolution>();
    let mut schemas = generator.take_definitions(true);
    if !schemas.contains_key("Resolution") {
        schemas.insert("Resolution".into(), root.to_value());
    }
    schemas
}

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
        "ISO 639-1 language code, strict (404 when not stored in it). Without it: the link's language, then Accept-Language by quality, then en, then the first stored language",
        json!({ "type": "string" }),
    );
    let admin_error = json!({ "description": "admin routes off (404, no --admin-token), or token missing (401) or wrong (403)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let webhook_id =
        json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } });
    let not_acceptable = json!({ "description": "the Accept header takes none of the offered types", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let string = json!({ "type": "string" });
    let list_params = vec![
        param(
            "organ",
            "Adopting body: GA, SC, HRC, ECOSOC, or a stored name in any case",
            string.clone(),
        ),
        param("session", "Session number", json!({ "type": "integer" })),
        param(
            "since",
            "Stored at or after (for sync): RFC 3339 time or YYYY-MM-DD",
            string.clone(),
        ),
        param(
            "adopted_from",
            "Adopted on or after, YYYY-MM-DD",
            json!({ "type": "string", "format": "date" }),
        ),
        param(
            "adopted_to",
            "Adopted on or before, YYYY-MM-DD",
            json!({ "type": "string", "format": "date" }),
        ),
        param(
            "committee",
            "Main Committee: Fourth Committee, fourth, 4, C.4; plenary for none",
            string.clone(),
        ),
        param(
            "agenda_item",
            "Agenda item as printed: 126, 68 (a)",
            string.clone(),
        ),
        param(
            "kind",
            "resolution, draft or amendment",
            json!({ "type": "string", "enum": ["resolution", "draft", "amendment"] }),
        ),
        param("lang", "ISO 639-1 language code", string.clone()),
        param(
            "sort",
            "Order: -adoption_date (default, undated last), adoption_date, -stored_at, stored_at",
            json!({ "type": "string", "enum": ["-adoption_date", "adoption_date", "-stored_at", "stored_at"], "default": "-adoption_date" }),
        ),
        param(
            "cursor",
            "next_cursor of the previous page (opaque, tied to its sort)",
            string.clone(),
        ),
        param(
            "limit",
            "Page size",
            json!({ "type": "integer", "minimum": 1, "maximum": 100, "default": 50 }),
        ),
        param(
            "format",
            "json (a page) or ndjson (every match, streamed); overrides Accept",
            json!({ "type": "string", "enum": ["json", "ndjson"] }),
        ),
    ];
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "resingest read API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "Stored UN resolutions as structured clauses (resolution JSON contract v1 and v2)." },
        "paths": {
            "/v1/resolutions": { "get": {
                "summary": "List stored resolutions, newest adopted first, paged by keyset; or export every match as NDJSON",
                "parameters": list_params.clone(),
                "responses": {
                    "200": { "description": "a page, or with format=ndjson / Accept: application/x-ndjson one resolution (the JSON contract) per line, streamed",
                             "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Page" } },
                                          "application/x-ndjson": { "schema": { "type": "string" } } } },
                    "400": error.clone(), "406": not_acceptable.clone() }
            }},
            "/v1/feed.atom": { "get": {
                "summary": "Atom feed of the 50 most recently stored resolutions, filterable like the list",
                "parameters": list_params.iter().filter(|p| !["sort", "cursor", "limit", "format"].contains(&p["name"].as_str().unwrap_or_default())).cloned().collect::<Vec<_>>(),
                "responses": { "200": { "description": "Atom 1.0", "content": { "application/atom+xml": { "schema": { "type": "string" } } } }, "400": error.clone() }
            }},
            "/v1/resolutions/{symbol}/pdf": { "get": {
                "summary": "The archived source PDF of the stored version",
                "parameters": [symbol.clone(), lang.clone()],
                "responses": {
                    "200": { "description": "the PDF", "content": { "application/pdf": { "schema": { "type": "string", "format": "binary" } } } },
                    "304": { "description": "If-None-Match names the current ETag" },
                    "400": error.clone(), "404": not_found.clone() }
            }},
            "/v1/resolutions/{symbol}": { "get": {
                "summary": "One resolution: the JSON contract, or Akoma Ntoso (Accept: application/akn+xml or application/xml, quality values honoured, or ?format=akn). ETag per representation; If-None-Match gives 304",
                "parameters": [symbol.clone(), lang.clone(), param("format", "json, akn or xml; overrides Accept", json!({ "type": "string", "enum": ["json", "akn", "xml"] }))],
                "responses": {
                    "200": { "description": "the resolution", "content": {
                        "application/json": { "schema": { "$ref": "#/components/schemas/Resolution" } },
                        "application/akn+xml": { "schema": { "type": "string" } },
                        "application/xml": { "schema": { "type": "string" } } } },
                    "304": { "description": "If-None-Match names the current ETag of this representation" },
                    "400": error.clone(), "404": not_found.clone(), "406": not_acceptable.clone()
                }
            }},
            "/v1/resolutions/{symbol}/cited-by": { "get": {
                "summary": "Stored resolutions whose text cites this symbol: the list's filters, order and keyset pages",
                "parameters": std::iter::once(symbol.clone()).chain(list_params.iter().filter(|p| p["name"] != "format").cloned()).collect::<Vec<_>>(),
                "responses": { "200": { "description": "citing resolutions", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CitedBy" } } } }, "400": error.clone(), "404": not_found.clone() }
            }},
            "/v1/search": { "get": {
                "summary": "Full-text search over clauses, best match first",
                "parameters": [
                    { "name": "q", "in": "query", "required": true, "description": "Web-style query: words, \"phrases\", or, -not (lang=zh: a run of characters is found wherever it is printed; terms must all occur, or and -not as elsewhere)", "schema": { "type": "string", "maxLength": 500 } },
                    lang,
                    param("limit", "Hits per page", json!({ "type": "integer", "minimum": 1, "maximum": 100, "default": 20 })),
                    param("cursor", "next_cursor of the previous page (opaque); pages to any depth", json!({ "type": "string" })),
                    param("offset", "Hits to skip, up to 1,000 (deeper: use cursor)", json!({ "type": "integer", "minimum": 0, "maximum": crate::api::MAX_SEARCH_OFFSET, "default": 0 })),
                ],
                "responses": { "200": { "description": "hits", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SearchResult" } } } }, "400": error.clone() }
            }},
            "/v1/webhooks": {
                "get": { "summary": "Registered webhooks (admin token; no secrets)", "security": [{ "admin": [] }],
                         "responses": { "200": { "description": "webhooks" }, "401": admin_error.clone(), "403": admin_error.clone(), "404": admin_error.clone() } },
                "post": { "summary": "Register a webhook: {url, organ?}; the answer holds its secret. Private targets are a 400 unless allowed (--webhook-allow-host)", "security": [{ "admin": [] }],
                          "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": ["url"], "properties": { "url": { "type": "string" }, "organ": { "type": "string" } } } } } },
                          "responses": { "201": { "description": "registered, with its secret" }, "400": error.clone(), "401": admin_error.clone(), "403": admin_error.clone(), "404": admin_error.clone() } }
            },
            "/v1/webhooks/{id}": { "delete": { "summary": "Delete a webhook and its deliveries", "security": [{ "admin": [] }],
                "parameters": [webhook_id.clone()],
                "responses": { "204": { "description": "deleted" }, "400": error.clone(), "401": admin_error.clone(), "403": admin_error.clone(), "404": admin_error.clone() } } },
            "/v1/webhooks/{id}/deliveries": { "get": { "summary": "A webhook's deliveries, newest first: status, attempts, last status code and error, next attempt", "security": [{ "admin": [] }],
                "parameters": [webhook_id,
                    param("status", "pending, delivered or failed", json!({ "type": "string", "enum": ["pending", "delivered", "failed"] })),
                    param("limit", "Deliveries shown", json!({ "type": "integer", "minimum": 1, "maximum": 100, "default": 100 }))],
                "responses": { "200": { "description": "deliveries" }, "400": error.clone(), "401": admin_error.clone(), "403": admin_error.clone(), "404": admin_error } } },
            "/healthz": { "get": { "summary": "200 while the database answers, 503 otherwise", "responses": { "200": { "description": "healthy" }, "503": { "description": "database unavailable" } } } },
            "/v1/openapi.json": { "get": { "summary": "This document", "responses": { "200": { "description": "OpenAPI 3.1" } } } }
        },
        "components": { "securitySchemes": { "admin": { "type": "http", "scheme": "bearer", "description": "the sink's --admin-token" } }, "schemas": {
            "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } },
            "Summary": { "type": "object", "properties": {
                "symbol": { "type": "string" }, "language": { "type": "string" }, "version": { "type": "integer" },
                "organ": { "type": "string" }, "kind": { "type": "string" }, "session": { "type": ["integer", "null"] },
                "title": { "type": ["string", "null"], "description": "null for Security Council resolutions, which print no title" },
                "adoption_date": { "type": ["string", "null"], "format": "date" },
                "main_committee": { "type": ["string", "null"] }, "agenda_items": { "type": "array", "items": { "type": "string" } },
                "sha256": { "type": "string" }, "stored_at": { "type": "string", "format": "date-time" } } },
            "Page": { "type": "object", "required": ["items", "next_cursor", "total"], "properties": {
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/Summary" } },
                "next_cursor": { "type": ["string", "null"] }, "total": { "type": "integer" } } },
            "CitedBy": { "type": "object", "required": ["symbol", "cited_by", "next_cursor", "total"], "properties": {
                "symbol": { "type": "string" },
                "cited_by": { "type": "array", "items": { "$ref": "#/components/schemas/Summary" } },
                "next_cursor": { "type": ["string", "null"] }, "total": { "type": "integer" } } },
            "SearchResult": { "type": "object", "required": ["query", "language", "hits", "next_cursor", "total"], "properties": {
                "query": { "type": "string" }, "language": { "type": "string" },
                "next_cursor": { "type": ["string", "null"] }, "total": { "type": "integer" },
                "hits": { "type": "array", "items": { "type": "object", "properties": {
                    "symbol": { "type": "string" }, "language": { "type": "string" }, "title": { "type": ["string", "null"] },
                    "path": { "type": "string", "description": "clause path: p3, 3, 3.b.ii, annex1.4, A.3" },
                    "kind": { "type": "string" }, "lead": { "type": ["string", "null"] },
                    "snippet": { "type": "string" }, "rank": { "type": "number" } } } } } }
        }}
    });
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        schemas.extend(contract_schemas());
    }
    doc
}
