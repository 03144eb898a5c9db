-- Raised on every change that is published, and carried by the person events so consumers apply only newer state.
ALTER TABLE people ADD version BIGINT NOT NULL CONSTRAINT df_people_version DEFAULT 1;
