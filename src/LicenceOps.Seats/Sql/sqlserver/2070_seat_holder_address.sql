-- Issue 11 (feat/i11sp, ADR 0092): the address and name of a seat's holder kept on the seat row, copied from Seats' read copy of
-- the person, so the reconciliation read-ahead reads an account's seats without joining people (see the SQLite migration of the
-- same number). Kept by triggers, whoever writes: a person inserted, changed or deleted sets the copies on that person's seats
-- (NULL once the person is gone); a seat inserted or given another holder takes its holder's values when it does not carry them
-- already. A seat's copy is NULL exactly when Seats has no copy of its person.
ALTER TABLE seats ADD person_email NVARCHAR(320) NULL, person_name NVARCHAR(320) NULL;
GO
UPDATE st SET person_email = p.email, person_name = p.display_name FROM seats st JOIN people p ON p.person_id = st.person_id;
GO
CREATE TRIGGER seats_holder_people ON people AFTER INSERT, UPDATE, DELETE AS
BEGIN
    SET NOCOUNT ON;
    -- EXCEPT compares with NULLs equal: only the seats whose copy differs are written.
    UPDATE st SET person_email = p.email, person_name = p.display_name
    FROM seats st LEFT JOIN people p ON p.person_id = st.person_id
    WHERE st.person_id IN (SELECT person_id FROM inserted UNION SELECT person_id FROM deleted)
      AND EXISTS (SELECT st.person_email, st.person_name EXCEPT SELECT p.email, p.display_name);
END
GO
CREATE TRIGGER seats_holder_seats ON seats AFTER INSERT, UPDATE AS
BEGIN
    SET NOCOUNT ON;
    IF NOT (UPDATE(person_id) OR UPDATE(person_email) OR UPDATE(person_name)) RETURN;
    UPDATE st SET person_email = p.email, person_name = p.display_name
    FROM seats st JOIN inserted i ON i.id = st.id LEFT JOIN people p ON p.person_id = st.person_id
    WHERE EXISTS (SELECT st.person_email, st.person_name EXCEPT SELECT p.email, p.display_name);
END
