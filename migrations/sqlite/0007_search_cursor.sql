-- The search indexer's position in the change feed, one row per index. The
-- name carries the engine and the index's schema version ("bleve/ideas_v1/…"),
-- so that another engine or a new schema version starts from scratch. Seq 0
-- (or no row) means "no complete index yet": the indexer rebuilds.
CREATE TABLE search_cursors (
    name       TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
