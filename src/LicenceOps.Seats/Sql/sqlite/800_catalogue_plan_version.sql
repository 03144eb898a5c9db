-- Row version of a catalogue plan: answered as its ETag, checked by an edit's If-Match so two staff editing the same
-- plan cannot silently overwrite each other (issue 7).
ALTER TABLE catalogue_plans ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
