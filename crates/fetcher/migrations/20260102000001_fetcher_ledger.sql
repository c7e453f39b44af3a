-- The fetcher's ledger (issue 6): what was downloaded, archived and published, per symbol and
-- language, so a restarted fetcher neither downloads nor publishes an unchanged document again.

CREATE TABLE IF NOT EXISTS fetch_ledger (
    symbol         text NOT NULL,
    language       text NOT NULL,
    source         text NOT NULL,
    url            text NOT NULL,
    sha256         text,
    bytes          bigint,
    archive_key    text,
    etag           text,
    last_modified  text,
    -- The source's own change marker (an OAI datestamp and file size), when it has one.
    revision       text,
    -- archived: in the archive, publish not yet confirmed; published; missing: not found (a
    -- probe miss); rejected: the source answered with something that is not a document (HTML,
    -- empty, too large, a refused redirect); failed: download gave up after its retries.
    status         text NOT NULL,
    -- Polls that failed to get a document since the last success (0 after a success).
    attempts       integer NOT NULL DEFAULT 0,
    last_error     text,
    fetched_at     timestamptz,
    published_at   timestamptz,
    first_seen     timestamptz NOT NULL DEFAULT now(),
    last_seen      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, language)
);
CREATE INDEX IF NOT EXISTS fetch_ledger_status ON fetch_ledger (status);

-- Every distinct PDF seen for a symbol and language: a reissue adds a version.
CREATE TABLE IF NOT EXISTS fetch_versions (
    symbol        text NOT NULL,
    language      text NOT NULL,
    version       integer NOT NULL,
    sha256        text NOT NULL,
    bytes         bigint NOT NULL,
    archive_key   text NOT NULL,
    url           text NOT NULL,
    fetched_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz,
    PRIMARY KEY (symbol, language, sha256),
    UNIQUE (symbol, language, version)
);

-- Where an incremental source resumes: the OAI-PMH `from=` date.
CREATE TABLE IF NOT EXISTS fetch_cursors (
    source      text PRIMARY KEY,
    cursor      text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
