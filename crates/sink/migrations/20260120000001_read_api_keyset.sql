-- The read API's keyset pages (issue 20): one index per sort key, the id breaking ties, so a
-- deep page costs what the first one does. Undated rows sort as -infinity (see api/listing.rs).
CREATE INDEX IF NOT EXISTS resolutions_adopted_id
    ON resolutions ((COALESCE(adoption_date, '-infinity'::date)), id);
CREATE INDEX IF NOT EXISTS resolutions_stored_id ON resolutions (stored_at, id);
