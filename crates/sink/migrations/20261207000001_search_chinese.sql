-- Search in Chinese and Arabic, where a PostgreSQL configuration alone does not find a
-- reader's word.
--
-- Chinese prints words without spaces, so `simple` indexed a whole run of characters between
-- two punctuation marks as one word and no word inside it was found. Chinese clauses are now
-- indexed as overlapping character pairs ("可持续发展" -> 可持 持续 续发 发展 展, the run's last
-- character alone too, so every character starts a token), and a query's run of characters
-- becomes the phrase of its pairs ('可持' <-> '持续' <-> ...; one character is a prefix,
-- '发':*), which finds the word wherever it is printed and nowhere else. Text that is not Han
-- (symbols, numbers, Latin words) stays words as `simple` reads them.
--
-- Arabic: the Snowball stemmer strips the article but not a conjunction or preposition
-- written before it ("والأمن" stays 'والام', so "الأمن" did not find it). Before stemming,
-- "و" / "ف" and then "ب" / "ك" before "ال", and "و" / "ف" before "لل", are dropped when two
-- letters or more follow (Lucene's ArabicStemmer prefixes, with its length check), after
-- removing diacritics and tatweel (as the stemmer would), on the stored text and the query alike.
--
-- The Rust twin is the sink's flatten::ts_config (`zh` -> resingest_chinese). Every statement
-- may run again (the readers tests replay this file on a database put back as it was).

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'resingest_chinese') THEN
        CREATE TEXT SEARCH CONFIGURATION resingest_chinese (COPY = pg_catalog.simple);
    END IF;
END $$;

-- A run of Han characters as its overlapping pairs, separated by spaces; `with_last` adds the
-- run's last character alone (stored text), a query leaves it out. Other text is kept.
CREATE OR REPLACE FUNCTION resingest_han_pairs(t text, with_last boolean) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(string_agg(
             CASE WHEN m.piece ~ '^[㐀-䶿一-鿿豈-﫿]' THEN
                  (SELECT string_agg(substr(m.piece, i, 2), ' ' ORDER BY i)
                     FROM generate_series(1, char_length(m.piece) - CASE WHEN with_last THEN 0 ELSE 1 END) AS i)
                  ELSE m.piece END,
             ' ' ORDER BY m.n), '')
      FROM (SELECT x[1] AS piece, n
              FROM regexp_matches(t, '[㐀-䶿一-鿿豈-﫿]+|[^㐀-䶿一-鿿豈-﫿]+', 'g')
                   WITH ORDINALITY AS r(x, n)) m
$$;

-- The text a clause is indexed by, in its configuration.
CREATE OR REPLACE FUNCTION resingest_search_text(cfg regconfig, t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
BEGIN
    IF cfg = 'resingest_chinese'::regconfig THEN
        RETURN resingest_han_pairs(t, true);
    ELSIF cfg = 'pg_catalog.arabic'::regconfig THEN
        RETURN regexp_replace(
                 regexp_replace(regexp_replace(t, '[ً-ٰٟـ]', '', 'g'),
                                '(^|[^ء-ي])[وف]?[بك]?ال(?=[ء-ي]{2})', '\1ال', 'g'),
                 '(^|[^ء-ي])[وف](?=لل[ء-ي]{2})', '\1', 'g');
    END IF;
    RETURN t;
END $$;

-- A reader's query. Every configuration but Chinese: PostgreSQL's web search syntax (quotes,
-- `or`, `-`) over the same normalised text. Chinese: terms separated by spaces must all occur,
-- `or` between two terms takes either, a leading `-` excludes; a run of characters is the
-- phrase of its pairs, anything else is read as `simple` reads it.
CREATE OR REPLACE FUNCTION resingest_tsquery(cfg regconfig, q text) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
DECLARE
    term text;
    piece text;
    part tsquery;
    this tsquery;
    acc tsquery;
    negate boolean;
    either boolean := false;
BEGIN
    IF cfg <> 'resingest_chinese'::regconfig THEN
        RETURN websearch_to_tsquery(cfg, resingest_search_text(cfg, q));
    END IF;
    FOR term IN SELECT x FROM regexp_split_to_table(q, '[[:space:]"　]+') AS x WHERE x <> '' LOOP
        IF lower(term) = 'or' THEN
            either := acc IS NOT NULL;
            CONTINUE;
        END IF;
        negate := left(term, 1) = '-';
        IF negate THEN
            term := substr(term, 2);
        END IF;
        this := NULL;
        FOR piece IN SELECT x[1] FROM regexp_matches(term, '[㐀-䶿一-鿿豈-﫿]+|[^㐀-䶿一-鿿豈-﫿]+', 'g') AS x LOOP
            IF piece !~ '^[㐀-䶿一-鿿豈-﫿]' THEN
                part := plainto_tsquery(cfg, piece);
            ELSIF char_length(piece) = 1 THEN
                part := to_tsquery(cfg, piece || ':*');
            ELSE
                part := phraseto_tsquery(cfg, resingest_han_pairs(piece, false));
            END IF;
            IF numnode(part) > 0 THEN
                this := CASE WHEN this IS NULL THEN part ELSE this && part END;
            END IF;
        END LOOP;
        IF this IS NULL THEN
            CONTINUE;
        END IF;
        IF negate THEN
            this := !! this;
        END IF;
        acc := CASE WHEN acc IS NULL THEN this WHEN either THEN acc || this ELSE acc && this END;
        either := false;
    END LOOP;
    RETURN coalesce(acc, ''::tsquery);
END $$;

-- The generated column reads the normalised text; adding it again computes every stored row.
ALTER TABLE clauses DROP COLUMN IF EXISTS tsv;
ALTER TABLE clauses ADD COLUMN tsv tsvector
    GENERATED ALWAYS AS (to_tsvector(ts_config, resingest_search_text(ts_config, text))) STORED;
CREATE INDEX IF NOT EXISTS clauses_tsv ON clauses USING gin (tsv);

UPDATE clauses c
   SET ts_config = 'resingest_chinese'::regconfig
  FROM resolutions r
 WHERE r.id = c.resolution_id
   AND r.language = 'zh'
   AND c.ts_config = 'simple'::regconfig;
