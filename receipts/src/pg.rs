//! The PostgreSQL store, for a municipality that runs several instances behind one database.
//! A small pool of blocking connections; every insert is one transaction, committed with the
//! server's default `synchronous_commit` before it is acknowledged.

use crate::receipt::Receipt;
use crate::store::{self, Filter, Inserted, Store, StoreError};
use postgres::{Client, NoTls};
use std::sync::Mutex;

/// A PostgreSQL database reached by URL (without TLS: on the same host or a private network).
pub struct PgStore {
    url: String,
    idle: Mutex<Vec<Client>>,
}

/// The most connections kept open when idle.
const POOL: usize = 8;

impl PgStore {
    /// Connects, and creates the tables when missing.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let mut client = Client::connect(url, NoTls)?;
        // Two instances starting at once must not race on CREATE TABLE.
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock(7213)", &[])?;
        tx.batch_execute(store::SCHEMA)?;
        tx.commit()?;
        Ok(PgStore {
            url: url.to_string(),
            idle: Mutex::new(vec![client]),
        })
    }

    /// Runs `f` on a pooled connection; a connection that failed is dropped, not returned.
    fn with<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        let taken = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut client = match taken {
            Some(c) if !c.is_closed() => c,
            _ => Client::connect(&self.url, NoTls)?,
        };
        let out = f(&mut client);
        if out.is_ok() && !client.is_closed() {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            if idle.len() < POOL {
                idle.push(client);
            }
        }
        Ok(out?)
    }

    fn select(
        &self,
        sql: &str,
        args: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Receipt>, StoreError> {
        let rows = self.with(|c| c.query(sql, args))?;
        rows.iter()
            .map(|r| {
                let mut cols: [String; 11] = Default::default();
                for (i, c) in cols.iter_mut().enumerate() {
                    *c = r.get(i);
                }
                store::row(cols)
            })
            .collect()
    }
}

impl Store for PgStore {
    fn insert(&self, r: &Receipt, declaration: Option<&str>) -> Result<Inserted, StoreError> {
        let granted = store::join(&r.granted);
        let refused = store::join(&r.refused);
        let n = self.with(|c| {
            let mut tx = c.transaction()?;
            if let Some(body) = declaration {
                tx.execute(
                    "INSERT INTO declarations (sha256, body, first_seen) VALUES ($1, $2, $3)
                     ON CONFLICT (sha256) DO NOTHING",
                    &[&r.declaration_sha256, &body, &r.received],
                )?;
            }
            let n = tx.execute(
                "INSERT INTO receipts (id, at, site, revision, declaration_sha256, granted, refused,
                 method, lang, banner, received) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (id, at) DO NOTHING",
                &[
                    &r.id,
                    &r.at,
                    &r.site,
                    &r.revision,
                    &r.declaration_sha256,
                    &granted,
                    &refused,
                    &r.method.as_str(),
                    &r.lang,
                    &r.banner,
                    &r.received,
                ],
            )?;
            tx.commit()?;
            Ok(n)
        })?;
        Ok(if n == 1 {
            Inserted::New
        } else {
            Inserted::Duplicate
        })
    }

    fn receipts(&self, id: &str) -> Result<Vec<Receipt>, StoreError> {
        let sql = format!(
            "SELECT {} FROM receipts WHERE id = $1 ORDER BY at",
            store::COLUMNS
        );
        self.select(&sql, &[&id])
    }

    fn declaration(&self, sha256: &str) -> Result<Option<String>, StoreError> {
        let row = self.with(|c| {
            c.query_opt(
                "SELECT body FROM declarations WHERE sha256 = $1",
                &[&sha256],
            )
        })?;
        Ok(row.map(|r| r.get(0)))
    }

    fn export(&self, f: &Filter) -> Result<Vec<Receipt>, StoreError> {
        let sql = format!(
            "SELECT {} FROM receipts WHERE ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR received >= $2)
             ORDER BY received, id, at",
            store::COLUMNS
        );
        self.select(&sql, &[&f.site, &f.since])
    }

    fn prune(&self, before: &str) -> Result<u64, StoreError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let n = tx.execute("DELETE FROM receipts WHERE received < $1", &[&before])?;
            tx.execute(
                "DELETE FROM declarations WHERE sha256 NOT IN (SELECT declaration_sha256 FROM receipts)",
                &[],
            )?;
            tx.commit()?;
            Ok(n)
        })
    }

    fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .with(|c| c.query_one("SELECT count(*) FROM receipts", &[]))?
            .get(0);
        Ok(n as u64)
    }
}
