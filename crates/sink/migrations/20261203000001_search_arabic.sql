-- Arabic clauses are searched with PostgreSQL's `arabic` configuration (the sink's
-- flatten::ts_config); rows stored before were indexed with `simple`. Setting ts_config
-- recomputes the generated tsv (and its GIN index entries) in place.
UPDATE clauses c
   SET ts_config = 'arabic'::regconfig
  FROM resolutions r
 WHERE r.id = c.resolution_id
   AND r.language = 'ar'
   AND c.ts_config = 'simple'::regconfig;
