"""Storage mechanics, kept out of the domain services that use them.

- `files`: where uploads are kept (a random directory per file, private permissions).
- `db`: a raw DB-API cursor with the placeholder style of the connection.
- `bulk`: plain multi-row INSERTs of tuples (no model instances), and the datetime form each backend takes.
- `writelock`: on SQLite, a transaction that queues on a lock file for the write lock, commits without fsync
  under it (group commit) and is checkpointed aside; a no-op on PostgreSQL; `Combiner` stores small writes
  that arrive at once together.
- `walsync`: the shared fsync of SQLite's write-ahead log behind group commit (pure: no Django).
- `collector`: Python's cyclic garbage collector paused around allocation-heavy work (pure).

The EPCIS capture service is their main user; it calls `writelock.capture_transaction`, `Combiner`,
`writer_busy`, `bulk.insert_rows`/`insert_model`/`db_datetime` and `collector_paused`, and nothing else of SQLite
or PostgreSQL tuning.
"""
