-- The sink's tables (issue 7). Shared migration set: the fetcher's ledger adds its own files here.

CREATE TABLE IF NOT EXISTS documents (
    sha256       text PRIMARY KEY,
    bytes        bigint NOT NULL,
    pages        integer NOT NULL,
    archive_key  text
);

-- One row per symbol and language: the version in force.
CREATE TABLE IF NOT EXISTS resolutions (
    id                 bigserial PRIMARY KEY,
    symbol             text NOT NULL,
    language           text NOT NULL,
    version            integer NOT NULL DEFAULT 1,
    organ              text NOT NULL,
    kind               text NOT NULL,
    session            integer,
    title              text,
    adoption_date      date,
    distribution_date  date,
    meeting            text,
    main_committee     text,
    agenda_items       text[] NOT NULL DEFAULT '{}',
    draft_symbols      text[] NOT NULL DEFAULT '{}',
    sha256             text NOT NULL REFERENCES documents (sha256),
    extractor_version  text NOT NULL,
    schema_version     integer NOT NULL,
    fetched_at         timestamptz,
    stored_at          timestamptz NOT NULL DEFAULT now(),
    body               jsonb NOT NULL,
    UNIQUE (symbol, language)
);
CREATE INDEX IF NOT EXISTS resolutions_organ_session ON resolutions (organ, session);
CREATE INDEX IF NOT EXISTS resolutions_stored_at ON resolutions (stored_at);

-- Versions that were replaced by a newer one (new source sha256 or newer extractor).
CREATE TABLE IF NOT EXISTS resolution_history (
    id                 bigserial PRIMARY KEY,
    symbol             text NOT NULL,
    language           text NOT NULL,
    version            integer NOT NULL,
    sha256             text NOT NULL,
    extractor_version  text NOT NULL,
    fetched_at         timestamptz,
    stored_at          timestamptz NOT NULL,
    replaced_at        timestamptz NOT NULL DEFAULT now(),
    body               jsonb NOT NULL,
    UNIQUE (symbol, language, version)
);

-- Every preambular, operative, sub- and annex paragraph. `path`: `p3` (preamble 3), `3`,
-- `3.b`, `3.b.ii`, `annex1.4`; parts prefix their letter: `A.3.b`.
CREATE TABLE IF NOT EXISTS clauses (
    resolution_id  bigint NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    ord            integer NOT NULL,
    kind           text NOT NULL,
    path           text NOT NULL,
    lead           text,
    text           text NOT NULL,
    footnote_refs  integer[] NOT NULL DEFAULT '{}',
    ts_config      regconfig NOT NULL DEFAULT 'english',
    tsv            tsvector GENERATED ALWAYS AS (to_tsvector(ts_config, text)) STORED,
    PRIMARY KEY (resolution_id, ord)
);
CREATE INDEX IF NOT EXISTS clauses_tsv ON clauses USING gin (tsv);

CREATE TABLE IF NOT EXISTS footnotes (
    resolution_id  bigint NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    number         integer NOT NULL,
    text           text NOT NULL,
    PRIMARY KEY (resolution_id, number)
);

-- citing (resolution_id) -> cited symbol, in order of first appearance.
CREATE TABLE IF NOT EXISTS citations (
    resolution_id  bigint NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    ord            integer NOT NULL,
    cited_symbol   text NOT NULL,
    PRIMARY KEY (resolution_id, ord)
);
CREATE INDEX IF NOT EXISTS citations_cited ON citations (cited_symbol);

-- Events written in the storing transaction and published after commit, so a crash between
-- commit and publish loses no announcement.
CREATE TABLE IF NOT EXISTS event_outbox (
    id       bigserial PRIMARY KEY,
    payload  jsonb NOT NULL
);
