//! The maps a [`Book`](super::Book) keeps incidents and maintenances in: every
//! record behind its own `Arc`. The published snapshot shares the book, so a
//! change copies it first (copy-on-write); with a record per `Arc` that copy
//! is one pointer per record, and changing a record copies that record only,
//! not the years of history beside it. `Arc::ptr_eq` on two versions of a
//! record is then also exact evidence that it did not change.
//!
//! The methods are the `BTreeMap` ones the code uses (ordered by id, as
//! before), so call sites read as they did.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::collections::btree_map;
use std::fmt;
use std::sync::Arc;

/// An ordered map from an id to a shared, copy-on-write record.
#[derive(Clone, PartialEq, Eq)]
pub struct Records<K, V>(BTreeMap<K, Arc<V>>);

type Pair<'a, K, V> = (&'a K, &'a Arc<V>);

/// Iterator over `(id, record)`, in id order.
pub type Iter<'a, K, V> =
    std::iter::Map<btree_map::Iter<'a, K, Arc<V>>, fn(Pair<'a, K, V>) -> (&'a K, &'a V)>;

impl<K: Ord, V: Clone> Records<K, V> {
    pub fn new() -> Self {
        Self(BTreeMap::new())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, id: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.0.contains_key(id)
    }

    pub fn get<Q: Ord + ?Sized>(&self, id: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.0.get(id).map(|r| &**r)
    }

    /// The record, copied first if a snapshot still shares it.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, id: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.0.get_mut(id).map(Arc::make_mut)
    }

    /// The shared record itself, to compare versions with [`Arc::ptr_eq`].
    pub fn shared<Q: Ord + ?Sized>(&self, id: &Q) -> Option<&Arc<V>>
    where
        K: Borrow<Q>,
    {
        self.0.get(id)
    }

    /// Whether `other` holds the very same version of `id`'s record (both
    /// absent counts as the same).
    pub fn same<Q: Ord + ?Sized>(&self, other: &Self, id: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        match (self.0.get(id), other.0.get(id)) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    pub fn insert(&mut self, id: K, record: V) -> Option<V> {
        self.0
            .insert(id, Arc::new(record))
            .map(Arc::unwrap_or_clone)
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, id: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.0.remove(id).map(Arc::unwrap_or_clone)
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        self.0.iter().map(|(k, v)| (k, &**v))
    }

    pub fn keys(&self) -> btree_map::Keys<'_, K, Arc<V>> {
        self.0.keys()
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.0.values().map(|v| &**v)
    }

    /// Every record, shared: to keep a version, or compare one with
    /// [`Arc::ptr_eq`].
    pub fn shared_values(&self) -> impl DoubleEndedIterator<Item = &Arc<V>> + ExactSizeIterator {
        self.0.values()
    }

    /// Every record, mutably. Each one a snapshot still shares is copied as
    /// it is reached, so a search that stops early (`find`) copies only what
    /// it passed; prefer `values().find` and then `get_mut` to copy one.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> {
        self.0.values_mut().map(Arc::make_mut)
    }

    /// The ids whose record is not the very same version in `old` (added,
    /// changed or removed), in id order. Both maps are walked side by side
    /// comparing pointers: no record is read, so a book of years of history
    /// costs microseconds.
    pub fn changed<'a>(&'a self, old: &'a Self) -> Vec<&'a K> {
        let (mut new, mut old) = (self.0.iter().peekable(), old.0.iter().peekable());
        let mut changed = Vec::new();
        loop {
            match (new.peek(), old.peek()) {
                (Some((a, x)), Some((b, y))) => match a.cmp(b) {
                    std::cmp::Ordering::Less => changed.extend(new.next().map(|p| p.0)),
                    std::cmp::Ordering::Greater => changed.extend(old.next().map(|p| p.0)),
                    std::cmp::Ordering::Equal => {
                        if !Arc::ptr_eq(x, y) {
                            changed.push(*a);
                        }
                        new.next();
                        old.next();
                    }
                },
                (Some(_), None) => changed.extend(new.next().map(|p| p.0)),
                (None, Some(_)) => changed.extend(old.next().map(|p| p.0)),
                (None, None) => return changed,
            }
        }
    }

    /// The records `pred` holds for, mutably: only those are copied.
    pub fn matching_mut<'a>(
        &'a mut self,
        pred: impl Fn(&V) -> bool + 'a,
    ) -> impl Iterator<Item = &'a mut V> + 'a {
        (self.0.values_mut())
            .filter(move |r| pred(r))
            .map(Arc::make_mut)
    }
}

impl<K: Ord, V: Clone> Default for Records<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for Records<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter()).finish()
    }
}

impl<K: Ord, V: Clone> FromIterator<(K, V)> for Records<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(iter.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

impl<'a, K: Ord, V: Clone> IntoIterator for &'a Records<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V: Clone> std::ops::Index<&Q> for Records<K, V> {
    type Output = V;

    /// Panics when absent, as `BTreeMap`'s does: for ids just looked up.
    fn index(&self, id: &Q) -> &V {
        &self.0[id]
    }
}

#[cfg(test)]
mod tests {
    use super::Records;

    #[test]
    fn a_copy_shares_every_record_until_one_is_changed() {
        let mut a: Records<u32, String> = [(1, "one".to_owned()), (2, "two".to_owned())]
            .into_iter()
            .collect();
        let b = a.clone();
        assert!(a.same(&b, &1) && a.same(&b, &2));
        a.get_mut(&2).expect("present").push_str(" (edited)");
        assert!(a.same(&b, &1), "the untouched record is still shared");
        assert!(!a.same(&b, &2));
        assert_eq!(b.get(&2).map(String::as_str), Some("two"));
        assert_eq!(a[&2], "two (edited)");
    }

    #[test]
    fn changed_names_what_was_added_edited_or_removed_and_nothing_else() {
        let old: Records<u32, u32> = (0..100).map(|n| (n * 2, n)).collect();
        let mut new = old.clone();
        assert!(new.changed(&old).is_empty());
        *new.get_mut(&10).expect("present") += 1;
        new.insert(11, 0);
        new.remove(&198);
        new.insert(0, 0); // a new version with the same contents is a change
        assert_eq!(new.changed(&old), [&0, &10, &11, &198]);
        assert_eq!(old.changed(&new), [&0, &10, &11, &198]);
    }

    #[test]
    fn a_search_through_values_mut_copies_only_what_it_passes() {
        let mut a: Records<u32, u32> = (0..10).map(|n| (n, n)).collect();
        let b = a.clone();
        let found = a.values_mut().find(|v| **v == 3).expect("present");
        *found += 100;
        for n in 4..10 {
            assert!(a.same(&b, &n), "{n} was not reached, so not copied");
        }
        assert!(!a.same(&b, &3));
        assert_eq!(a.insert(3, 7), Some(103));
        assert_eq!(a.remove(&3), Some(7));
        assert!(!a.contains_key(&3) && a.len() == 9);
    }
}
