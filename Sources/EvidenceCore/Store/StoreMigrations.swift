import GRDB

/// The SQLite schema, one migration per change; never edit a shipped migration. PostgresMigrations (PostgresStore)
/// holds the same steps in PostgreSQL's types: a change here needs its twin there.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: submissions, files, custody") { db in
            try db.create(table: "submission") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("receipt_hash", .blob).notNull().unique()
                t.column("received_hour", .text).notNull()
                t.column("sealed_message", .blob)
            }
            try db.create(table: "file") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("submission_id", .integer).notNull().indexed().references("submission", onDelete: .restrict)
                t.column("position", .integer).notNull()
                t.column("media_type", .text)
                t.column("original_size", .integer).notNull()
                t.column("cleaned_size", .integer).notNull()
                t.column("sealed_size", .integer).notNull()
                t.column("original_sha256", .text).notNull().indexed()
                t.column("cleaned_sha256", .text).notNull().indexed()
                t.column("sealed_sha256", .text).notNull()
                t.column("removal_report", .text).notNull()
                t.column("scrubber_version", .text).notNull()
                t.column("blob_key", .text).notNull()
                t.column("status", .text).notNull().indexed()
                t.column("received_hour", .text).notNull()
            }
            try db.create(table: "custody") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("file_id", .integer).notNull().indexed().references("file", onDelete: .restrict)
                t.column("action", .text).notNull()
                t.column("detail", .text)
                t.column("actor", .text).notNull()
                t.column("hour", .text).notNull()
            }
        }
        migrator.registerMigration("v2: transparency log and checkpoints") { db in
            try db.create(table: "log_entry") { t in
                // 0-based leaf index, gap-free; `entry` is the canonical byte string, `leaf_hash` SHA-256(0x00 || entry).
                t.primaryKey("leaf_index", .integer)
                t.column("entry", .blob).notNull()
                t.column("leaf_hash", .blob).notNull()
                t.column("file_id", .integer).notNull().indexed()
            }
            try db.create(table: "checkpoint") { t in
                t.primaryKey("tree_size", .integer)
                t.column("signed_note", .text).notNull()
            }
        }
        migrator.registerMigration("v3: originals kept on request") { db in
            try db.alter(table: "file") { t in
                t.add(column: "original_blob_key", .text)
                t.add(column: "original_sealed_sha256", .text)
                t.add(column: "original_sealed_size", .integer)
            }
        }
        migrator.registerMigration("v4: messages added later to a submission") { db in
            try db.create(table: "submission_message") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("submission_id", .integer).notNull().indexed().references("submission", onDelete: .restrict)
                t.column("sealed_message", .blob).notNull()
                t.column("received_hour", .text).notNull()
            }
        }
        migrator.registerMigration("v5: replies to the submitter") { db in
            try db.alter(table: "submission") { t in
                t.add(column: "reply_public_key", .blob)
            }
            try db.create(table: "submitter_reply") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("submission_id", .integer).notNull().indexed().references("submission", onDelete: .restrict)
                t.column("sealed_reply", .blob).notNull()
                t.column("actor", .text).notNull()
                t.column("written_hour", .text).notNull()
            }
        }
        migrator.registerMigration("v6: notes, tags, legal hold, purge") { db in
            // Notes are sealed to the reviewers like messages: the server cannot read what reviewers write.
            try db.create(table: "note") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("submission_id", .integer).notNull().indexed().references("submission", onDelete: .restrict)
                t.column("file_id", .integer).references("file", onDelete: .restrict)
                t.column("sealed_text", .blob).notNull()
                t.column("actor", .text).notNull()
                t.column("hour", .text).notNull()
            }
            // file_id 0 is a tag on the whole submission (NULL would defeat the unique key).
            try db.create(table: "tag") { t in
                t.column("submission_id", .integer).notNull().indexed().references("submission", onDelete: .restrict)
                t.column("file_id", .integer).notNull().defaults(to: 0)
                t.column("name", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("hour", .text).notNull()
                t.uniqueKey(["submission_id", "file_id", "name"])
            }
            try db.alter(table: "submission") { t in
                t.add(column: "legal_hold", .boolean).notNull().defaults(to: false)
            }
            try db.alter(table: "file") { t in
                t.add(column: "purged_hour", .text)
            }
        }
        migrator.registerMigration("v7: reviewer keys") { db in
            // The names and history of reviewer keys. Which keys new files are sealed to is decided by recipients/:
            // a key there with no row here (copied in by hand) is active all the same.
            try db.create(table: "reviewer_key") { t in
                t.primaryKey("fingerprint", .text)
                t.column("name", .text).notNull()
                t.column("public_key", .blob).notNull()
                t.column("added_hour", .text)
                t.column("added_by", .text)
                t.column("revoked_hour", .text)
                t.column("revoked_by", .text)
            }
        }
        migrator.registerMigration("v8: the log's compact range") { db in
            // One row: the tree size and the right-edge subtree roots at that size (CompactRange.encoded), kept by
            // LogStore.append in each append's transaction. Left empty here: LogStore rebuilds it from the leaves
            // whenever its size is not the log's, which also covers a log written before this migration.
            try db.create(table: "log_compact_range") { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("tree_size", .integer).notNull()
                t.column("hashes", .blob).notNull()
            }
        }
        migrator.registerMigration("v9: resumable uploads shared by nodes") { db in
            // Used when several nodes share the store (PartialUploadsInStore); one node keeps them in spool/partial/.
            try db.create(table: "partial_upload") { t in
                t.primaryKey("id", .text)
                t.column("length", .integer).notNull()
                t.column("started_hour", .integer).notNull()
                t.column("key_check", .text).notNull()
            }
            try db.create(table: "partial_segment") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("upload_id", .text).notNull().indexed()
                t.column("start_offset", .integer).notNull()
                t.column("end_offset", .integer).notNull()
                t.column("blob_key", .text).notNull()
            }
        }
        migrator.registerMigration("v10: hashes more than one file has, held submissions") { db in
            // A listing names each file's duplicates. Finding them by grouping every hash read both hash indexes
            // whole, most of `list`'s time on a large store. This table holds every original or cleaned hash that
            // more than one file has (maybe a few more: an extra one only costs a lookup), filled here and kept by
            // triggers in the transaction of each insert, so a listing reads only the files that have duplicates.
            // Likewise the few submissions under legal hold are found through an index of them alone, not by
            // reading every submission.
            // SQLite has no trigger for both events: the insert's and the update's share their condition and action.
            let noteDuplicate = """
                WHEN EXISTS (SELECT 1 FROM file WHERE id <> NEW.id AND (original_sha256 = NEW.original_sha256 OR cleaned_sha256 = NEW.cleaned_sha256))
                BEGIN
                    INSERT OR IGNORE INTO duplicate_hash (sha256) VALUES (NEW.original_sha256), (NEW.cleaned_sha256);
                END;
                """
            try db.execute(sql: """
                CREATE INDEX submission_on_legal_hold ON submission (id) WHERE legal_hold <> 0;
                CREATE TABLE duplicate_hash (sha256 TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                INSERT OR IGNORE INTO duplicate_hash SELECT original_sha256 FROM file GROUP BY original_sha256 HAVING COUNT(*) > 1;
                INSERT OR IGNORE INTO duplicate_hash SELECT cleaned_sha256 FROM file GROUP BY cleaned_sha256 HAVING COUNT(*) > 1;
                CREATE TRIGGER file_duplicate_hash_on_insert AFTER INSERT ON file \(noteDuplicate)
                CREATE TRIGGER file_duplicate_hash_on_update AFTER UPDATE OF original_sha256, cleaned_sha256 ON file \(noteDuplicate)
                """)
        }
        migrator.registerMigration("v11: commitments and sealed facts") { db in
            // The plain hash and size columns go once their values are sealed (EvidenceStore.sealPlainFacts): that
            // needs the reviewers' keys, which a migration does not have.
            try db.execute(sql: """
                ALTER TABLE file ADD COLUMN sealed_facts BLOB;
                ALTER TABLE file ADD COLUMN original_commitment TEXT;
                ALTER TABLE file ADD COLUMN cleaned_commitment TEXT;
                CREATE INDEX file_on_original_commitment ON file (original_commitment) WHERE original_commitment IS NOT NULL;
                CREATE INDEX file_on_cleaned_commitment ON file (cleaned_commitment) WHERE cleaned_commitment IS NOT NULL;
                """)
        }
        migrator.registerMigration("v12: resumable uploads' lengths and bounds sealed") { db in
            // New rows hold the declared length and each piece's bounds sealed under the client's key; an upload
            // begun before keeps its plain values (nullable now) until it is claimed or expires. SQLite cannot drop
            // a NOT NULL, so the tables are rebuilt.
            try db.execute(sql: """
                CREATE TABLE partial_upload_v12 (id TEXT PRIMARY KEY, sealed_length TEXT, length INTEGER,
                    started_hour INTEGER NOT NULL, key_check TEXT NOT NULL);
                INSERT INTO partial_upload_v12 (id, length, started_hour, key_check)
                    SELECT id, length, started_hour, key_check FROM partial_upload;
                DROP TABLE partial_upload;
                ALTER TABLE partial_upload_v12 RENAME TO partial_upload;
                CREATE TABLE partial_segment_v12 (id INTEGER PRIMARY KEY AUTOINCREMENT, upload_id TEXT NOT NULL, bounds TEXT,
                    start_offset INTEGER, end_offset INTEGER, blob_key TEXT NOT NULL);
                INSERT INTO partial_segment_v12 (id, upload_id, start_offset, end_offset, blob_key)
                    SELECT id, upload_id, start_offset, end_offset, blob_key FROM partial_segment;
                DROP TABLE partial_segment;
                ALTER TABLE partial_segment_v12 RENAME TO partial_segment;
                CREATE INDEX partial_segment_on_upload_id ON partial_segment (upload_id);
                """)
        }
        migrator.registerMigration("v13: the log's interior hashes") { db in
            // Every perfect subtree's hash, kept by each append (LogStore.append), so that proofs and roots read
            // O(log n) hashes instead of every leaf. The ones a log already held are filled once (LogNodeFill),
            // level by level from the leaves, resuming from log_node_fill after a crash.
            try db.execute(sql: """
                CREATE TABLE log_node (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
                CREATE TABLE log_node_fill (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, level INTEGER NOT NULL, next INTEGER NOT NULL);
                INSERT INTO log_node_fill (id, size, level, next) SELECT 1, COALESCE(MAX(leaf_index) + 1, 0), 1, 0 FROM log_entry;
                """)
        }
        return migrator
    }
}
