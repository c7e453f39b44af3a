-- Copies of each document that reached the sink: 1 when it was stored, one more for every
-- redelivery, replay or refetch of the same bytes (a duplicate), so duplicates are measured.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS copies integer NOT NULL DEFAULT 1;
