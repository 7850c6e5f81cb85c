-- Evidence ledger, version 2: the store refuses edits. A row-level trigger rejects UPDATE and
-- DELETE; TRUNCATE fires no row triggers, so a statement-level one rejects it too. The table owner
-- can drop them: writers should connect as a role with INSERT and SELECT only (see README).
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the Preflight ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_attachments_append_only BEFORE UPDATE OR DELETE ON ledger_attachments
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_attachments_no_truncate BEFORE TRUNCATE ON ledger_attachments
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
