//! Small serde adapters for the lenient shapes LLMs and older clients produce.

use serde::{Deserialize, Deserializer};

/// Treats an explicit `null` like a missing field and takes the type's default.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
