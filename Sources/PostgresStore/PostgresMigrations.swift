import EvidenceCore

/// The schema on PostgreSQL: the same tables, columns and steps as the SQLite migrations (StoreMigrations), in
/// PostgreSQL's types. Integers are BIGINT throughout; texts the store sorts on compare byte by byte (COLLATE "C"),
/// as SQLite compares them, so listings come out in the same order on both. Never edit a shipped step.
enum PostgresMigrations {
    static let steps: [(name: String, statements: [String])] = [
        ("v1: submissions, files, custody", [
            """
            CREATE TABLE submission (id BIGSERIAL PRIMARY KEY, receipt_hash BYTEA NOT NULL UNIQUE,
                received_hour TEXT COLLATE "C" NOT NULL, sealed_message BYTEA)
            """,
            """
            CREATE TABLE file (id BIGSERIAL PRIMARY KEY, submission_id BIGINT NOT NULL REFERENCES submission (id) ON DELETE RESTRICT,
                position BIGINT NOT NULL, media_type TEXT COLLATE "C", original_size BIGINT NOT NULL, cleaned_size BIGINT NOT NULL,
                sealed_size BIGINT NOT NULL, original_sha256 TEXT COLLATE "C" NOT NULL, cleaned_sha256 TEXT COLLATE "C" NOT NULL,
                sealed_sha256 TEXT COLLATE "C" NOT NULL, removal_report TEXT NOT NULL, scrubber_version TEXT NOT NULL,
                blob_key TEXT NOT NULL, status TEXT COLLATE "C" NOT NULL, received_hour TEXT COLLATE "C" NOT NULL)
            """,
            "CREATE INDEX file_on_submission_id ON file (submission_id)",
            "CREATE INDEX file_on_original_sha256 ON file (original_sha256)",
            "CREATE INDEX file_on_cleaned_sha256 ON file (cleaned_sha256)",
            "CREATE INDEX file_on_status ON file (status)",
            """
            CREATE TABLE custody (id BIGSERIAL PRIMARY KEY, file_id BIGINT NOT NULL REFERENCES file (id) ON DELETE RESTRICT,
                action TEXT NOT NULL, detail TEXT, actor TEXT NOT NULL, hour TEXT NOT NULL)
            """,
            "CREATE INDEX custody_on_file_id ON custody (file_id)",
        ]),
        ("v2: transparency log and checkpoints", [
            // 0-based leaf index, gap-free; `entry` is the canonical byte string, `leaf_hash` SHA-256(0x00 || entry).
            "CREATE TABLE log_entry (leaf_index BIGINT PRIMARY KEY, entry BYTEA NOT NULL, leaf_hash BYTEA NOT NULL, file_id BIGINT NOT NULL)",
            "CREATE INDEX log_entry_on_file_id ON log_entry (file_id)",
            "CREATE TABLE checkpoint (tree_size BIGINT PRIMARY KEY, signed_note TEXT NOT NULL)",
        ]),
        ("v3: originals kept on request", [
            "ALTER TABLE file ADD COLUMN original_blob_key TEXT, ADD COLUMN original_sealed_sha256 TEXT, ADD COLUMN original_sealed_size BIGINT",
        ]),
        ("v4: messages added later to a submission", [
            """
            CREATE TABLE submission_message (id BIGSERIAL PRIMARY KEY,
                submission_id BIGINT NOT NULL REFERENCES submission (id) ON DELETE RESTRICT, sealed_message BYTEA NOT NULL,
                received_hour TEXT NOT NULL)
            """,
            "CREATE INDEX submission_message_on_submission_id ON submission_message (submission_id)",
        ]),
        ("v5: replies to the submitter", [
            "ALTER TABLE submission ADD COLUMN reply_public_key BYTEA",
            """
            CREATE TABLE submitter_reply (id BIGSERIAL PRIMARY KEY,
                submission_id BIGINT NOT NULL REFERENCES submission (id) ON DELETE RESTRICT, sealed_reply BYTEA NOT NULL,
                actor TEXT NOT NULL, written_hour TEXT NOT NULL)
            """,
            "CREATE INDEX submitter_reply_on_submission_id ON submitter_reply (submission_id)",
        ]),
        ("v6: notes, tags, legal hold, purge", [
            """
            CREATE TABLE note (id BIGSERIAL PRIMARY KEY, submission_id BIGINT NOT NULL REFERENCES submission (id) ON DELETE RESTRICT,
                file_id BIGINT REFERENCES file (id) ON DELETE RESTRICT, sealed_text BYTEA NOT NULL, actor TEXT NOT NULL, hour TEXT NOT NULL)
            """,
            "CREATE INDEX note_on_submission_id ON note (submission_id)",
            // file_id 0 is a tag on the whole submission (NULL would defeat the unique key).
            """
            CREATE TABLE tag (submission_id BIGINT NOT NULL REFERENCES submission (id) ON DELETE RESTRICT,
                file_id BIGINT NOT NULL DEFAULT 0, name TEXT COLLATE "C" NOT NULL, actor TEXT NOT NULL, hour TEXT NOT NULL,
                UNIQUE (submission_id, file_id, name))
            """,
            "CREATE INDEX tag_on_submission_id ON tag (submission_id)",
            "ALTER TABLE submission ADD COLUMN legal_hold BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE file ADD COLUMN purged_hour TEXT",
        ]),
        ("v7: reviewer keys", [
            """
            CREATE TABLE reviewer_key (fingerprint TEXT COLLATE "C" PRIMARY KEY, name TEXT NOT NULL, public_key BYTEA NOT NULL,
                added_hour TEXT, added_by TEXT, revoked_hour TEXT, revoked_by TEXT)
            """,
        ]),
        ("v8: the log's compact range", [
            "CREATE TABLE log_compact_range (id BIGINT PRIMARY KEY CHECK (id = 1), tree_size BIGINT NOT NULL, hashes BYTEA NOT NULL)",
        ]),
        ("v9: resumable uploads shared by nodes", [
            "CREATE TABLE partial_upload (id TEXT PRIMARY KEY, length BIGINT NOT NULL, started_hour BIGINT NOT NULL, key_check TEXT NOT NULL)",
            """
            CREATE TABLE partial_segment (id BIGSERIAL PRIMARY KEY, upload_id TEXT NOT NULL, start_offset BIGINT NOT NULL,
                end_offset BIGINT NOT NULL, blob_key TEXT NOT NULL)
            """,
            "CREATE INDEX partial_segment_on_upload_id ON partial_segment (upload_id)",
        ]),
        ("v10: hashes more than one file has, held submissions", [
            // See StoreMigrations: every hash more than one file has, kept by a trigger, so listings need not group
            // every hash. Writers are serialised (the store's write lock), so two inserts never miss each other.
            "CREATE INDEX submission_on_legal_hold ON submission (id) WHERE legal_hold <> 0",
            "CREATE TABLE duplicate_hash (sha256 TEXT COLLATE \"C\" PRIMARY KEY)",
            """
            INSERT INTO duplicate_hash SELECT original_sha256 FROM file GROUP BY original_sha256 HAVING COUNT(*) > 1
            ON CONFLICT DO NOTHING
            """,
            """
            INSERT INTO duplicate_hash SELECT cleaned_sha256 FROM file GROUP BY cleaned_sha256 HAVING COUNT(*) > 1
            ON CONFLICT DO NOTHING
            """,
            """
            CREATE FUNCTION note_duplicate_hash() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM file WHERE id <> NEW.id
                           AND (original_sha256 = NEW.original_sha256 OR cleaned_sha256 = NEW.cleaned_sha256)) THEN
                    INSERT INTO duplicate_hash (sha256) VALUES (NEW.original_sha256), (NEW.cleaned_sha256) ON CONFLICT DO NOTHING;
                END IF;
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER file_duplicate_hash AFTER INSERT OR UPDATE OF original_sha256, cleaned_sha256 ON file
            FOR EACH ROW EXECUTE FUNCTION note_duplicate_hash()
            """,
        ]),
        ("v11: commitments and sealed facts", [
            // See StoreMigrations: the plain columns go once sealed (EvidenceStore.sealPlainFacts).
            "ALTER TABLE file ADD COLUMN sealed_facts BYTEA, ADD COLUMN original_commitment TEXT COLLATE \"C\", ADD COLUMN cleaned_commitment TEXT COLLATE \"C\"",
            "CREATE INDEX file_on_original_commitment ON file (original_commitment) WHERE original_commitment IS NOT NULL",
            "CREATE INDEX file_on_cleaned_commitment ON file (cleaned_commitment) WHERE cleaned_commitment IS NOT NULL",
        ]),
        ("v12: resumable uploads' lengths and bounds sealed", [
            // See StoreMigrations: new rows seal them under the client's key; older uploads keep plain values.
            "ALTER TABLE partial_upload ALTER COLUMN length DROP NOT NULL, ADD COLUMN sealed_length TEXT",
            """
            ALTER TABLE partial_segment ALTER COLUMN start_offset DROP NOT NULL, ALTER COLUMN end_offset DROP NOT NULL,
                ADD COLUMN bounds TEXT
            """,
        ]),
        ("v13: the log's interior hashes", [
            // See StoreMigrations: kept by each append; a log's earlier ones filled once by LogNodeFill.
            "CREATE TABLE log_node (level BIGINT NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY (level, idx))",
            "CREATE TABLE log_node_fill (id BIGINT PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, level BIGINT NOT NULL, next BIGINT NOT NULL)",
            "INSERT INTO log_node_fill (id, size, level, next) SELECT 1, COALESCE(MAX(leaf_index) + 1, 0), 1, 0 FROM log_entry",
        ]),
    ]

    /// Applies the steps not yet applied, each in its own transaction under the store's write lock, so nodes
    /// starting together migrate once.
    static func migrate(_ database: PostgresSQLDatabase) throws {
        try database.write { session in
            try session.execute("CREATE TABLE IF NOT EXISTS schema_migration (name TEXT PRIMARY KEY)")
        }
        for step in steps {
            try database.write { session in
                guard try session.rows("SELECT name FROM schema_migration WHERE name = ?", [step.name]).isEmpty else { return }
                for statement in step.statements { try session.execute(statement) }
                try session.execute("INSERT INTO schema_migration (name) VALUES (?)", [step.name])
            }
        }
    }
}
