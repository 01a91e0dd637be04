//! The type each input field must have, and what a value of another type is
//! told: these messages are what the admin API answers, by field name
//! (`{"fields": {"name": "must be a string"}}`), so they say what to send
//! rather than what serde expected.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A string; `null` reads as "" (which clears optional fields in updates).
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Some(expect::<Text, D>(d)?.0))
}

pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(Some(expect::<Flag, D>(d)?.0))
}

/// `{"api": "major_outage", ...}`; `null` names none.
pub fn statuses<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    Ok(expect::<Statuses, D>(d)?.0)
}

/// `["api", "db"]`; `null` names none.
pub fn ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(expect::<Ids, D>(d)?.0)
}

/// What one kind of field accepts; a value of any other type is refused with
/// `WRONG`.
trait Accept: Sized {
    const WRONG: &'static str;

    fn null() -> Option<Self> {
        None
    }

    fn boolean(_: bool) -> Option<Self> {
        None
    }

    fn string(_: &str) -> Option<Self> {
        None
    }

    fn map<'de, A: MapAccess<'de>>(_: A) -> Result<Option<Self>, A::Error> {
        Ok(None)
    }

    fn seq<'de, A: SeqAccess<'de>>(_: A) -> Result<Option<Self>, A::Error> {
        Ok(None)
    }
}

struct Text(String);

impl Accept for Text {
    const WRONG: &'static str = "must be a string";

    fn null() -> Option<Self> {
        Some(Self(String::new()))
    }

    fn string(s: &str) -> Option<Self> {
        Some(Self(s.to_owned()))
    }
}

struct Flag(bool);

impl Accept for Flag {
    const WRONG: &'static str = "must be true or false";

    fn boolean(b: bool) -> Option<Self> {
        Some(Self(b))
    }
}

/// One component's status in [`Statuses`].
struct Status(String);

impl Accept for Status {
    const WRONG: &'static str = "must be a status string like \"major_outage\"";

    fn string(s: &str) -> Option<Self> {
        Some(Self(s.to_owned()))
    }
}

struct Statuses(Vec<(String, String)>);

impl Accept for Statuses {
    const WRONG: &'static str = "must be an object of component id → status";

    fn null() -> Option<Self> {
        Some(Self(Vec::new()))
    }

    fn map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut out = Vec::new();
        // Each status is read under its id, so a bad one is named `components.<id>`.
        while let Some(id) = map.next_key::<String>()? {
            let status: Status = map.next_value_seed(Expect(PhantomData))?;
            out.push((id, status.0));
        }
        Ok(Some(Self(out)))
    }
}

/// One element of [`Ids`]: a bad element is reported for the whole list.
struct Id(String);

impl Accept for Id {
    const WRONG: &'static str = Ids::WRONG;

    fn string(s: &str) -> Option<Self> {
        Some(Self(s.to_owned()))
    }
}

struct Ids(Vec<String>);

impl Accept for Ids {
    const WRONG: &'static str = "must be a list of component ids";

    fn null() -> Option<Self> {
        Some(Self(Vec::new()))
    }

    fn seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut out = Vec::new();
        while let Some(id) = seq.next_element_seed(Expect::<Id>(PhantomData))? {
            out.push(id.0);
        }
        Ok(Some(Self(out)))
    }
}

fn expect<'de, T: Accept, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(Expect(PhantomData))
}

fn wrong<T: Accept, E: de::Error>() -> E {
    E::custom(T::WRONG)
}

/// Reads any value, keeping what `T` accepts.
struct Expect<T>(PhantomData<T>);

impl<'de, T: Accept> DeserializeSeed<'de> for Expect<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Accept> Visitor<'de> for Expect<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::WRONG)
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        T::null().ok_or_else(wrong::<T, E>)
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        T::boolean(v).ok_or_else(wrong::<T, E>)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<T, E> {
        Err(wrong::<T, E>())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<T, E> {
        Err(wrong::<T, E>())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<T, E> {
        Err(wrong::<T, E>())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::string(v).ok_or_else(wrong::<T, E>)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::map(map)?.ok_or_else(wrong::<T, A::Error>)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::seq(seq)?.ok_or_else(wrong::<T, A::Error>)
    }
}
