-- Evidence ledger, version 2: the store refuses edits. Entries and attachments are append-only;
-- whoever can write the file can drop these triggers, so they stop accidents and casual edits,
-- and the hash chain plus the head file outside the store catch the rest.
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'the Preflight ledger is append-only: UPDATE of ledger_entries refused');
END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'the Preflight ledger is append-only: DELETE from ledger_entries refused');
END;
CREATE TRIGGER ledger_attachments_no_update BEFORE UPDATE ON ledger_attachments
BEGIN
    SELECT RAISE(ABORT, 'the Preflight ledger is append-only: UPDATE of ledger_attachments refused');
END;
CREATE TRIGGER ledger_attachments_no_delete BEFORE DELETE ON ledger_attachments
BEGIN
    SELECT RAISE(ABORT, 'the Preflight ledger is append-only: DELETE from ledger_attachments refused');
END;
