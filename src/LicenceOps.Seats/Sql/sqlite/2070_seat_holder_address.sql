-- Issue 11 (feat/i11sp, ADR 0092): the address and name of a seat's holder kept on the seat row, copied from Seats' read copy of
-- the person (people). The reconciliation read-ahead reads every held seat of an account with its holder's address and name; the
-- join to people cost SQLite two B-tree descents per seat (people's person_id key, then its row), about 2 µs a seat and half of the
-- seats read (docs/performance.md, feat/i11fx). On the row, the seats of a subscription are read from their own pages.
--
-- The copy is kept by the database itself, so every write keeps it true whoever makes it (a person event's consumer, a seat
-- assigned, imported, taken over or handed over by a transfer, the demo seed, a hand-run statement):
-- * a person inserted, changed (address, name, or its id) or deleted sets the copies on that person's seats (NULL once the person
--   is gone: a seat whose person Seats does not know is not read, as the join did not read it);
-- * a seat inserted, or given another holder, takes its holder's values when it does not carry them already (SeatLedger inserts
--   them with the seat, so the product's own inserts write the row once).
-- A seat's copy is NULL exactly when Seats has no copy of its person (people.email is NOT NULL).
ALTER TABLE seats ADD COLUMN person_email TEXT NULL;
ALTER TABLE seats ADD COLUMN person_name TEXT NULL;

UPDATE seats SET person_email = p.email, person_name = p.display_name FROM people p WHERE p.person_id = seats.person_id;

CREATE TRIGGER seats_holder_people_ins AFTER INSERT ON people BEGIN
    UPDATE seats SET person_email = NEW.email, person_name = NEW.display_name
    WHERE person_id = NEW.person_id AND (person_email IS NOT NEW.email OR person_name IS NOT NEW.display_name);
END;
CREATE TRIGGER seats_holder_people_upd AFTER UPDATE OF person_id, email, display_name ON people
    WHEN NEW.person_id IS NOT OLD.person_id OR NEW.email IS NOT OLD.email OR NEW.display_name IS NOT OLD.display_name BEGIN
    UPDATE seats SET person_email = NULL, person_name = NULL WHERE person_id = OLD.person_id AND OLD.person_id IS NOT NEW.person_id;
    UPDATE seats SET person_email = NEW.email, person_name = NEW.display_name
    WHERE person_id = NEW.person_id AND (person_email IS NOT NEW.email OR person_name IS NOT NEW.display_name);
END;
CREATE TRIGGER seats_holder_people_del AFTER DELETE ON people BEGIN
    UPDATE seats SET person_email = NULL, person_name = NULL WHERE person_id = OLD.person_id AND (person_email IS NOT NULL OR person_name IS NOT NULL);
END;
CREATE TRIGGER seats_holder_seats_ins AFTER INSERT ON seats
    WHEN NEW.person_email IS NOT (SELECT email FROM people WHERE person_id = NEW.person_id)
      OR NEW.person_name IS NOT (SELECT display_name FROM people WHERE person_id = NEW.person_id) BEGIN
    UPDATE seats SET person_email = (SELECT email FROM people WHERE person_id = NEW.person_id),
        person_name = (SELECT display_name FROM people WHERE person_id = NEW.person_id)
    WHERE rowid = NEW.rowid;
END;
CREATE TRIGGER seats_holder_seats_upd AFTER UPDATE OF person_id, person_email, person_name ON seats
    WHEN NEW.person_email IS NOT (SELECT email FROM people WHERE person_id = NEW.person_id)
      OR NEW.person_name IS NOT (SELECT display_name FROM people WHERE person_id = NEW.person_id) BEGIN
    UPDATE seats SET person_email = (SELECT email FROM people WHERE person_id = NEW.person_id),
        person_name = (SELECT display_name FROM people WHERE person_id = NEW.person_id)
    WHERE rowid = NEW.rowid;
END;
