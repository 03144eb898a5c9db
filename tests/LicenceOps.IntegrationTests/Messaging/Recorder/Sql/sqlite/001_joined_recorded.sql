CREATE TABLE joined_recorded (person_id TEXT NOT NULL, recorded_at TEXT NOT NULL);
