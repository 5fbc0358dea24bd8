//! The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a receipt is on
//! disk before it is acknowledged and a killed server's file opens cleanly.

use crate::receipt::Receipt;
use crate::store::{self, Filter, Inserted, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::Mutex;

/// A SQLite file (one connection: SQLite writes one transaction at a time anyway).
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (or creates) the file and its tables.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(store::SCHEMA)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable: SQLite rolls back.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn select(&self, sql: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Vec<Receipt>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map(args, |r| {
            let mut cols: [String; 11] = Default::default();
            for (i, c) in cols.iter_mut().enumerate() {
                *c = r.get(i)?;
            }
            Ok(cols)
        })?;
        rows.map(|r| store::row(r?)).collect()
    }
}

impl Store for SqliteStore {
    fn insert(&self, r: &Receipt, declaration: Option<&str>) -> Result<Inserted, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        if let Some(body) = declaration {
            tx.prepare_cached(
                "INSERT INTO declarations (sha256, body, first_seen) VALUES (?1, ?2, ?3)
                 ON CONFLICT (sha256) DO NOTHING",
            )?
            .execute(params![r.declaration_sha256, body, r.received])?;
        }
        let n = tx
            .prepare_cached(
                "INSERT INTO receipts (id, at, site, revision, declaration_sha256, granted, refused,
                 method, lang, banner, received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (id, at) DO NOTHING",
            )?
            .execute(params![
                r.id,
                r.at,
                r.site,
                r.revision,
                r.declaration_sha256,
                store::join(&r.granted),
                store::join(&r.refused),
                r.method.as_str(),
                r.lang,
                r.banner,
                r.received
            ])?;
        tx.commit()?;
        Ok(if n == 1 {
            Inserted::New
        } else {
            Inserted::Duplicate
        })
    }

    fn receipts(&self, id: &str) -> Result<Vec<Receipt>, StoreError> {
        let sql = format!(
            "SELECT {} FROM receipts WHERE id = ?1 ORDER BY at",
            store::COLUMNS
        );
        self.select(&sql, &[&id])
    }

    fn declaration(&self, sha256: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT body FROM declarations WHERE sha256 = ?1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn export(&self, f: &Filter) -> Result<Vec<Receipt>, StoreError> {
        let sql = format!(
            "SELECT {} FROM receipts WHERE (?1 IS NULL OR site = ?1) AND (?2 IS NULL OR received >= ?2)
             ORDER BY received, id, at",
            store::COLUMNS
        );
        self.select(&sql, &[&f.site, &f.since])
    }

    fn prune(&self, before: &str) -> Result<u64, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute("DELETE FROM receipts WHERE received < ?1", [before])?;
        tx.execute(
            "DELETE FROM declarations WHERE sha256 NOT IN (SELECT declaration_sha256 FROM receipts)",
            [],
        )?;
        tx.commit()?;
        Ok(n as u64)
    }

    fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM receipts", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}
