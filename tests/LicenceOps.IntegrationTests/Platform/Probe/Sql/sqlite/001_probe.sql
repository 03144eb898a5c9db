CREATE TABLE probe_consumed (person_id TEXT NOT NULL, consumed_at TEXT NOT NULL);
