//! The minibatch order of CONTRACT.md ("Minibatches"), exactly, so any tool — torch included —
//! can reproduce a run: at each epoch's start the indices 0 … n−1 are shuffled from the
//! identity order by Fisher–Yates from the top, driven by SplitMix64 seeded with the scene's
//! seed, then cut into consecutive batches of B (the last one smaller when B does not divide n,
//! as torch's `DataLoader` with `drop_last = False`).

/// SplitMix64 (Steele, Lea & Flood 2014), the contract's generator.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// One optimizer's stream of minibatches over `n` examples.
#[derive(Clone, Debug)]
pub struct Minibatches {
    rng: SplitMix64,
    order: Vec<u32>,
    size: usize,
    /// The current batch is `order[start..end]`; `end == n` means the epoch is used up.
    start: usize,
    end: usize,
    epoch: u64,
}

impl Minibatches {
    /// Batches of `size` (clamped to 1 … n) over `n` examples; nothing is drawn until
    /// [`Minibatches::advance`].
    pub fn new(n: usize, size: usize, seed: u64) -> Self {
        let n = n.min(u32::MAX as usize);
        Minibatches {
            rng: SplitMix64::new(seed),
            order: (0..n as u32).collect(),
            size: size.clamp(1, n.max(1)),
            start: n,
            end: n,
            epoch: 0,
        }
    }

    /// Moves to the next minibatch, shuffling when a new epoch starts.
    pub fn advance(&mut self) {
        let n = self.order.len();
        if self.end >= n {
            self.shuffle();
            self.epoch += 1;
            self.end = 0;
        }
        self.start = self.end;
        self.end = (self.start + self.size).min(n);
    }

    /// Fisher–Yates from the top, from the identity order.
    fn shuffle(&mut self) {
        for (i, v) in self.order.iter_mut().enumerate() {
            *v = i as u32;
        }
        for i in (1..self.order.len()).rev() {
            let j = (self.rng.next_u64() % (i as u64 + 1)) as usize;
            self.order.swap(i, j);
        }
    }

    /// The current minibatch's example indices (empty before the first [`Minibatches::advance`]).
    pub fn current(&self) -> &[u32] {
        &self.order[self.start..self.end]
    }

    /// The epoch of the current minibatch, from 1 (0 before the first).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }
}

/// The example indices of the minibatch that update `t` (from 1) uses, replayed from the
/// start of the stream (empty for `t = 0`): what a run with batches of `size` over `n`
/// examples and `seed` descended at that update.
pub fn batch_of_update(n: usize, size: usize, seed: u64, t: u64) -> Vec<u32> {
    let mut b = Minibatches::new(n, size, seed);
    for _ in 0..t {
        b.advance();
    }
    b.current().to_vec()
}

/// The epoch that update `t` (from 1) falls in, with batches of `size` over `n` examples.
pub fn epoch_of(t: u64, n: usize, size: usize) -> u64 {
    let n = n.max(1) as u64;
    let per_epoch = n.div_ceil(size.clamp(1, n as usize) as u64);
    t.div_ceil(per_epoch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_published_sequence() {
        // the reference implementation's first outputs from seed 0
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn every_epoch_visits_every_example_once_and_the_last_batch_is_smaller() {
        let mut b = Minibatches::new(10, 4, 7);
        let mut sizes = Vec::new();
        let mut seen = Vec::new();
        for _ in 0..3 {
            b.advance();
            sizes.push(b.current().len());
            seen.extend_from_slice(b.current());
            assert_eq!(b.epoch(), 1);
        }
        assert_eq!(sizes, [4, 4, 2]);
        seen.sort_unstable();
        assert_eq!(seen, (0..10).collect::<Vec<u32>>());
        b.advance();
        assert_eq!(b.epoch(), 2);
        assert_eq!((epoch_of(3, 10, 4), epoch_of(4, 10, 4)), (1, 2));
    }

    #[test]
    fn the_shuffle_is_fisher_yates_from_the_top() {
        // n = 3, seed 0: j = next() mod 3 for i = 2, then next() mod 2 for i = 1
        let mut r = SplitMix64::new(0);
        let mut order = [0u32, 1, 2];
        let j = (r.next_u64() % 3) as usize;
        order.swap(2, j);
        let j = (r.next_u64() % 2) as usize;
        order.swap(1, j);
        let mut b = Minibatches::new(3, 3, 0);
        b.advance();
        assert_eq!(b.current(), order);
    }
}
