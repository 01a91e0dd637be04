//! Many small records of one kind in a few sled entries: each record (a check's
//! hour of results, a check's state, a component's day of uptime) is filed
//! under `prefix ‖ 0xFF ‖ shard`, where the shard is a stable hash of its
//! name (check or component id) among [`SHARDS`], and the entry's value holds
//! the records of that shard as `varint(name length) ‖ name ‖ varint(value
//! length) ‖ value`, in name order.
//!
//! Why: sled keeps memory per entry it has touched, far beyond the bytes
//! (measured with sled 0.34 alone: rewriting 2,000 entries of 10 bytes held
//! 6 MB, 20,000 held 30 MB; 100 entries of 3 KB, the same bytes, 1.2 MB). A
//! checkpoint at 1,000 checks rewrote 3,000 entries (an hour block and a
//! state per check, a day per component) and RSS stepped up by ~10 MB at
//! the first one. Packed, it rewrites at most 32 entries per kind.
//!
//! The prefix (the hour or the day, big-endian) comes first, so entries of
//! one time sit together and pruning by time takes a range, as before. 0xFF
//! never begins a UTF-8 name, so packed keys never meet the one-record keys
//! of schema 3 and before (`prefix ‖ name`), which `migrate` converts.

use std::collections::BTreeMap;

use integer_encoding::VarInt;

use crate::model::fnv1a;

/// Entries per kind (and prefix). 1,000 checks make ~31 records an entry.
pub const SHARDS: u8 = 32;
/// Marks a packed key after its prefix.
const MARK: u8 = 0xFF;

/// The records of one entry, by name.
pub type Records = BTreeMap<Vec<u8>, Vec<u8>>;

/// The shard of a record's name: the same on every run and build.
pub fn shard_of(name: &[u8]) -> u8 {
    (fnv1a(name) % u64::from(SHARDS)) as u8
}

/// The key of the entry holding `name`'s record under `prefix`.
pub fn key_of(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(prefix.len() + 2);
    key.extend_from_slice(prefix);
    key.extend_from_slice(&[MARK, shard_of(name)]);
    key
}

/// Whether `key` is a packed entry's key with a prefix of `prefix_len` bytes.
pub fn is_packed(key: &[u8], prefix_len: usize) -> bool {
    key.len() == prefix_len + 2 && key[prefix_len] == MARK
}

pub fn encode(records: &Records) -> Vec<u8> {
    let size: usize = records.iter().map(|(n, v)| n.len() + v.len() + 6).sum();
    let mut out = Vec::with_capacity(size);
    for (name, value) in records {
        out.extend_from_slice(&name.len().encode_var_vec());
        out.extend_from_slice(name);
        out.extend_from_slice(&value.len().encode_var_vec());
        out.extend_from_slice(value);
    }
    out
}

/// Each (name, value) of an entry in order; stops at the first record that
/// is cut short (a value written by this module never is).
pub fn records(bytes: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        let (name, after) = field(rest)?;
        let (value, after) = field(after)?;
        rest = after;
        Some((name, value))
    })
}

/// One length-prefixed field and what follows it.
fn field(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, read) = usize::decode_var(bytes)?;
    let end = read.checked_add(len)?;
    Some((bytes.get(read..end)?, bytes.get(end..)?))
}

/// `name`'s record in an entry, if it has one.
pub fn find<'a>(bytes: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    records(bytes).find(|(n, _)| *n == name).map(|(_, v)| v)
}

pub fn decode(bytes: &[u8]) -> Records {
    records(bytes)
        .map(|(n, v)| (n.to_vec(), v.to_vec()))
        .collect()
}

/// `name`'s record under `prefix` in `tree`.
pub fn get(tree: &sled::Tree, prefix: &[u8], name: &[u8]) -> sled::Result<Option<Vec<u8>>> {
    let entry = tree.get(key_of(prefix, name))?;
    Ok(entry.and_then(|bytes| find(&bytes, name).map(<[u8]>::to_vec)))
}

/// A record to write: its prefix, name and value.
pub type Record = (Vec<u8>, Vec<u8>, Vec<u8>);

/// A batch writing `items` into their entries: each entry touched is read,
/// its records overlaid with the new ones, and written whole. The caller
/// applies the batch and must be the only writer of these entries meanwhile.
pub fn merge(
    tree: &sled::Tree,
    items: impl IntoIterator<Item = Record>,
) -> sled::Result<sled::Batch> {
    let mut touched: BTreeMap<Vec<u8>, Records> = BTreeMap::new();
    for (prefix, name, value) in items {
        let key = key_of(&prefix, &name);
        let records = match touched.entry(key) {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                let stored = tree.get(v.key())?;
                v.insert(stored.map(|b| decode(&b)).unwrap_or_default())
            }
        };
        records.insert(name, value);
    }
    let mut batch = sled::Batch::default();
    for (key, records) in touched {
        batch.insert(key, encode(&records));
    }
    Ok(batch)
}

/// Every record of the packed entries in `entries` (key, value pairs of a
/// tree whose prefixes are `prefix_len` bytes), as (prefix, name, value).
/// Keys that are not packed entries are skipped.
pub fn unpack(
    prefix_len: usize,
    entries: impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>,
) -> impl Iterator<Item = sled::Result<Record>> {
    entries.flat_map(move |item| {
        let unpacked: Vec<sled::Result<Record>> = match item {
            Err(e) => vec![Err(e)],
            Ok((k, _)) if !is_packed(&k, prefix_len) => Vec::new(),
            Ok((k, v)) => records(&v)
                .map(|(n, value)| Ok((k[..prefix_len].to_vec(), n.to_vec(), value.to_vec())))
                .collect(),
        };
        unpacked
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (sled::Db, sled::Tree) {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("t").unwrap();
        (db, tree)
    }

    #[test]
    fn records_round_trip_and_a_torn_entry_keeps_what_is_whole() {
        let mut r = Records::new();
        r.insert(b"api".to_vec(), vec![1, 2, 3]);
        r.insert(b"web".to_vec(), vec![0; 300]);
        r.insert(b"empty".to_vec(), Vec::new());
        let bytes = encode(&r);
        assert_eq!(decode(&bytes), r);
        assert_eq!(find(&bytes, b"web"), Some(&[0u8; 300][..]));
        assert_eq!(find(&bytes, b"db"), None);
        let torn = &bytes[..bytes.len() - 1];
        assert_eq!(decode(torn).len(), 2, "the last record is cut short");
        assert!(decode(&[0xFF, 0xFF, 0xFF]).is_empty());
    }

    #[test]
    fn merging_overlays_records_and_touches_one_entry_per_shard() {
        let (_db, tree) = tree();
        let hour = 7u32.to_be_bytes().to_vec();
        let names: Vec<Vec<u8>> = (0..1000)
            .map(|i| format!("check-{i}").into_bytes())
            .collect();
        let batch = merge(
            &tree,
            names.iter().map(|n| (hour.clone(), n.clone(), n.clone())),
        )
        .unwrap();
        tree.apply_batch(batch).unwrap();
        assert!(tree.len() <= usize::from(SHARDS), "{} entries", tree.len());
        // A second write replaces one record and keeps the others of its entry.
        let batch = merge(&tree, [(hour.clone(), names[5].clone(), b"new".to_vec())]).unwrap();
        tree.apply_batch(batch).unwrap();
        assert_eq!(
            get(&tree, &hour, &names[5]).unwrap().as_deref(),
            Some(&b"new"[..])
        );
        assert_eq!(
            get(&tree, &hour, &names[6]).unwrap(),
            Some(names[6].clone())
        );
        assert_eq!(
            get(&tree, &8u32.to_be_bytes(), &names[6]).unwrap(),
            None,
            "another prefix"
        );
        let all: Vec<Record> = unpack(4, tree.iter()).collect::<sled::Result<_>>().unwrap();
        assert_eq!(all.len(), 1000);
        assert!(all.iter().all(|(p, _, _)| *p == hour));
    }

    #[test]
    fn packed_keys_sort_by_prefix_and_never_meet_one_record_keys() {
        let a = key_of(&1u32.to_be_bytes(), b"zzz");
        let b = key_of(&2u32.to_be_bytes(), b"aaa");
        assert!(a < b);
        assert!(is_packed(&a, 4) && !is_packed(b"\0\0\0\x01api", 4));
        assert!(is_packed(&key_of(&[], b"api"), 0) && !is_packed(b"api", 0));
    }
}
