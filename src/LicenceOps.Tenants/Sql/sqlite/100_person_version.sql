-- Raised on every change that is published, and carried by the person events so consumers apply only newer state.
ALTER TABLE people ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
