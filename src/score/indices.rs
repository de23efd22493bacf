//! A scored patent's three index lists (its holders' institutions, its SEI
//! categories, the institutions a transfer is credited to) in one 16-byte value, held
//! inline when they are few, as nearly all are: millions are kept until the outputs
//! are written, and a heap block each would be two allocations a patent.

/// The lists, one after another: inline up to [`INLINE`] indices, else behind one pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Indices {
    /// `len` indices in `items`: `holders` of them, then `sei`, then the transferors.
    Inline {
        /// Indices held.
        len: u8,
        /// Of which holders' institutions.
        holders: u8,
        /// Of which SEI categories.
        sei: u8,
        /// The indices.
        items: [u32; INLINE],
    },
    /// `[holders, sei, the holders' institutions…, the SEI categories…, the transferors…]`,
    /// behind one pointer so that the value stays two words (two blocks: rare).
    Boxed(Box<Box<[u32]>>),
}

/// Indices held without a heap block.
pub const INLINE: usize = 3;

impl Default for Indices {
    fn default() -> Indices {
        Indices::Inline { len: 0, holders: 0, sei: 0, items: [0; INLINE] }
    }
}

impl Indices {
    /// The three lists.
    pub fn new(holders: &[u32], sei: &[u32], transferors: &[u32]) -> Indices {
        let len = holders.len() + sei.len() + transferors.len();
        if len <= INLINE {
            let mut items = [0; INLINE];
            let lists = holders.iter().chain(sei).chain(transferors);
            for (slot, &i) in items.iter_mut().zip(lists) {
                *slot = i;
            }
            // `len` is at most INLINE, so each count fits a byte.
            return Indices::Inline { len: len as u8, holders: holders.len() as u8, sei: sei.len() as u8, items };
        }
        let mut block = Vec::with_capacity(2 + len);
        block.extend([holders.len() as u32, sei.len() as u32]);
        block.extend(holders.iter().chain(sei).chain(transferors));
        Indices::Boxed(Box::new(block.into_boxed_slice()))
    }

    /// Every index, and how many of them are holders' institutions and SEI categories.
    fn parts(&self) -> (&[u32], usize, usize) {
        match self {
            Indices::Inline { len, holders, sei, items } => (&items[..*len as usize], *holders as usize, *sei as usize),
            Indices::Boxed(block) => (&block[2..], block[0] as usize, block[1] as usize),
        }
    }

    /// The holders' institutions.
    pub fn holders(&self) -> &[u32] {
        let (items, holders, _) = self.parts();
        &items[..holders]
    }

    /// The SEI categories.
    pub fn sei(&self) -> &[u32] {
        let (items, holders, sei) = self.parts();
        &items[holders..holders + sei]
    }

    /// The institutions a transfer is credited to, when others than the holders.
    pub fn transferors(&self) -> &[u32] {
        let (items, holders, sei) = self.parts();
        &items[holders + sei..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(i: &Indices) -> (&[u32], &[u32], &[u32]) {
        (i.holders(), i.sei(), i.transferors())
    }

    #[test]
    fn three_indices_are_inline_and_four_boxed_with_the_same_lists() {
        let cases: [(&[u32], &[u32], &[u32]); 7] = [
            (&[], &[], &[]),
            (&[7], &[], &[]),
            (&[7], &[2, 5], &[]),
            (&[], &[1], &[4, 9]),
            (&[7, 8], &[2, 5], &[]),
            (&[7], &[2], &[9, 10]),
            (&[u32::MAX, 0], &[65_535, 3, 4], &[1, 2, 3]),
        ];
        for (holders, sei, transferors) in cases {
            let i = Indices::new(holders, sei, transferors);
            let inline = holders.len() + sei.len() + transferors.len() <= INLINE;
            assert_eq!(matches!(i, Indices::Inline { .. }), inline, "{i:?}");
            assert_eq!(lists(&i), (holders, sei, transferors));
        }
        assert_eq!(Indices::default(), Indices::new(&[], &[], &[]));
    }

    #[test]
    fn the_lists_fit_in_two_words() {
        assert_eq!(std::mem::size_of::<Indices>(), 16);
    }
}
