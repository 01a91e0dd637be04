//! One change's records and notifications, written in one sled transaction.

use sled::Transactional;
use sled::transaction::TransactionError;

use super::erased::Json;
use super::trees::Trees;
use crate::store::{Commit, StoreError};

/// Key and value bytes, encoded before the transaction (which may rerun).
type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

/// A [`Commit`] as bytes; `None` values are removals.
struct Encoded {
    incidents: Pairs,
    maintenances: Pairs,
    overrides: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    components: Pairs,
    jobs: Vec<Vec<u8>>,
}

impl Encoded {
    fn of(c: &Commit<'_>) -> Result<Self, StoreError> {
        let key = |k: &str| k.as_bytes().to_vec();
        let pairs = |items: Vec<(&str, &dyn Json)>| -> Result<Pairs, StoreError> {
            items
                .into_iter()
                .map(|(k, v)| Ok((key(k), v.to_json()?)))
                .collect()
        };
        let incidents = pairs(
            c.incidents
                .iter()
                .map(|i| (i.id.as_str(), *i as &dyn Json))
                .collect(),
        )?;
        let maintenances = pairs(
            c.maintenances
                .iter()
                .map(|m| (m.id.as_str(), *m as &dyn Json))
                .collect(),
        )?;
        let components = pairs(
            c.components
                .iter()
                .map(|(id, s)| (id.as_str(), *s as &dyn Json))
                .collect(),
        )?;
        let overrides = c
            .overrides
            .iter()
            .map(|(id, o)| Ok((key(id.as_str()), o.map(|o| o.to_json()).transpose()?)))
            .collect::<Result<_, StoreError>>()?;
        let jobs = c
            .jobs
            .iter()
            .map(|j| j.to_json())
            .collect::<Result<_, _>>()?;
        Ok(Self {
            incidents,
            maintenances,
            overrides,
            components,
            jobs,
        })
    }
}

/// Writes every record of one change in a single transaction: a crash
/// keeps all of it or none, notifications included.
pub(super) fn write(s: &Trees, c: &Commit<'_>) -> Result<(), StoreError> {
    let e = Encoded::of(c)?;
    let trees = (
        &s.incidents,
        &s.maintenances,
        &s.overrides,
        &s.component_state,
        &s.outbox,
    );
    trees
        .transaction(|(ti, tm, to, tc, tj)| {
            for job in &e.jobs {
                tj.insert(&tj.generate_id()?.to_be_bytes(), job.as_slice())?;
            }
            for (tree, pairs) in [
                (ti, &e.incidents),
                (tm, &e.maintenances),
                (tc, &e.components),
            ] {
                for (k, v) in pairs {
                    tree.insert(k.as_slice(), v.as_slice())?;
                }
            }
            for (k, v) in &e.overrides {
                match v {
                    Some(v) => to.insert(k.as_slice(), v.as_slice())?,
                    None => to.remove(k.as_slice())?,
                };
            }
            Ok(())
        })
        .map_err(|e: TransactionError<()>| match e {
            TransactionError::Storage(e) => StoreError::from(e),
            TransactionError::Abort(()) => StoreError::Corrupt {
                what: "transaction".into(),
                detail: "aborted".into(),
            },
        })
}
