//! A hash whose output never changes between builds, platforms or Rust versions.
//!
//! Generated flights, generated invoice references and Stripe idempotency keys are derived
//! from their inputs so that the same request always gives the same answer, today and after
//! an upgrade. `std`'s `DefaultHasher` makes no such promise, so we use FNV-1a (64 and 128
//! bit), plus a tiny SplitMix64 generator seeded from it for the generated flights.

const FNV64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV64_PRIME: u64 = 0x0000_0100_0000_01b3;
const FNV128_OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
const FNV128_PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

/// FNV-1a over a sequence of fields. Each field is preceded by its length, so
/// `("ab", "c")` and `("a", "bc")` hash differently.
#[derive(Debug, Clone)]
pub(crate) struct StableHasher {
    h64: u64,
    h128: u128,
}

impl StableHasher {
    pub(crate) fn new() -> Self {
        Self {
            h64: FNV64_OFFSET,
            h128: FNV128_OFFSET,
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.h64 = (self.h64 ^ u64::from(byte)).wrapping_mul(FNV64_PRIME);
            self.h128 = (self.h128 ^ u128::from(byte)).wrapping_mul(FNV128_PRIME);
        }
    }

    pub(crate) fn field(mut self, value: &str) -> Self {
        self.write(&(value.len() as u64).to_le_bytes());
        self.write(value.as_bytes());
        self
    }

    pub(crate) fn finish64(&self) -> u64 {
        self.h64
    }

    pub(crate) fn finish128(&self) -> u128 {
        self.h128
    }
}

/// Plain FNV-1a 64 of a byte string (no length prefix); the textbook function.
#[cfg(test)]
fn fnv1a_64(bytes: &[u8]) -> u64 {
    let mut hasher = StableHasher::new();
    hasher.write(bytes);
    hasher.finish64()
}

/// SplitMix64: a small, well-mixed, fully specified pseudo-random sequence.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`. The tiny modulo bias is irrelevant for our uses.
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next_u64() % (high - low + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn fields_are_length_prefixed() {
        let ab_c = StableHasher::new().field("ab").field("c").finish64();
        let a_bc = StableHasher::new().field("a").field("bc").finish64();
        assert_ne!(ab_c, a_bc);
    }

    #[test]
    fn splitmix_sequence_is_fixed() {
        // First outputs for seed 0, as published with the algorithm.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }
}
