-- Evidence ledger, version 1. Hash-chain fields are documented in EntryHasher.
CREATE TABLE ledger_entries (
    seq        INTEGER PRIMARY KEY,
    id         TEXT    NOT NULL UNIQUE,
    time       TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    outcome    TEXT    NOT NULL,
    summary    TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    artifacts  TEXT    NOT NULL,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
);
CREATE INDEX ledger_entries_kind ON ledger_entries (kind, subject, seq);
CREATE TABLE ledger_attachments (
    name       TEXT    PRIMARY KEY,
    media_type TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    content    BLOB    NOT NULL
);
