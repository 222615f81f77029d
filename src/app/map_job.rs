//! One map of many runs being computed for the window without ever blocking it, used by the
//! map window and by the plot's basin maps alike. The first, coarse pass is computed on the
//! spot when it is small, so a map appears at once; the finer passes run on a thread that
//! hands each finished pass back over a channel, their runs on the maps' own thread pool
//! (one core fewer than the machine has): in rayon's global pool, which the window's colour
//! maps and trails use, a frame's work would queue behind a map's chunks and the window would
//! stall for hundreds of milliseconds. The browser has no threads: there each frame computes
//! the next cells within about [`SLICE_MS`] of work ([`Slicer`]). Dropping the job cancels it.

use crate::engine::Vec2;
use crate::engine::map::{MapKind, MapSpec, PASSES, Progressive};
use crate::engine::run::Control;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// Work per frame in the browser, in milliseconds: half of a 60 Hz frame, so the page still
/// paints and takes input at full rate while a map refines.
pub const SLICE_MS: f64 = 8.0;

/// The passes still to compute for one map.
pub struct MapJob {
    control: Arc<Control>,
    #[cfg(not(target_arch = "wasm32"))]
    passes: std::sync::mpsc::Receiver<Progressive>,
    #[cfg(target_arch = "wasm32")]
    slicer: Slicer,
}

/// What [`MapJob::poll`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Polled {
    /// The map has new cells.
    pub changed: bool,
    /// Nothing remains to compute (the map is complete, or its work stopped).
    pub done: bool,
}

impl Drop for MapJob {
    fn drop(&mut self) {
        self.control.cancel.store(true, Ordering::Relaxed);
    }
}

/// `spec` without what does not change its cells: a basin map's start (each pixel is its
/// own) and a sweep's current values of its two knobs (each cell sets its own).
pub fn same_work(spec: &MapSpec) -> MapSpec {
    let mut key = spec.clone();
    match &spec.kind {
        MapKind::Basin { .. } => key.problem.start = Vec2::zeros(),
        MapKind::Sweep { x, y } => {
            key.optimizer.hyper.set(x.knob, 0.0);
            key.optimizer.hyper.set(y.knob, 0.0);
        }
    }
    key.optimizer.label.clear();
    key
}

/// `map`'s picture as far as computed, a pixel a cell (`cells`: [`Progressive::cells`]), in
/// the colours of [`crate::figure::map::Coloring`].
pub fn map_image(map: &Progressive, cells: &[crate::engine::map::Cell]) -> egui::ColorImage {
    let coloring = crate::figure::map::Coloring::of(&map.spec);
    let pixels = cells
        .iter()
        .map(|c| {
            let [r, g, b] = coloring.color(c);
            egui::Color32::from_rgb(r, g, b)
        })
        .collect();
    egui::ColorImage::new(map.spec.size, pixels)
}

/// The maps' threads: one fewer than the machine's cores (one at least), so the window keeps
/// a core while maps refine. `None` if the pool cannot be made (the job's own thread runs the
/// passes then).
#[cfg(not(target_arch = "wasm32"))]
fn map_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores.saturating_sub(1).max(1))
            .thread_name(|i| format!("losscape-map-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Whether `map`'s first pass takes at most `limit` updates.
fn first_pass_is_small(map: &Progressive, limit: u64) -> bool {
    let [w, h] = map.spec.size;
    let first = (PASSES[0] * PASSES[0]) as u64;
    (w * h) as u64 / first * map.spec.problem.steps <= limit
}

impl MapJob {
    /// Starts computing `map`: its first pass now when it takes at most `sync_updates`
    /// updates, the rest in the background.
    pub fn start(map: &mut Progressive, sync_updates: u64) -> MapJob {
        if first_pass_is_small(map, sync_updates) {
            let _ = map.refine(&Control::default());
        }
        let control = Arc::new(Control::default());
        #[cfg(not(target_arch = "wasm32"))]
        {
            let (tx, rx) = std::sync::mpsc::channel();
            let mut work = map.clone();
            let c = Arc::clone(&control);
            std::thread::spawn(move || {
                loop {
                    // a pass at a time: the pool takes every map's next pass in turn, so the
                    // panels of the grid refine together
                    let pass = match map_pool() {
                        Some(pool) => pool.install(|| work.refine(&c)),
                        None => work.refine(&c),
                    };
                    let Ok(more) = pass else { break };
                    if tx.send(work.clone()).is_err() || !more {
                        break;
                    }
                }
            });
            MapJob {
                control,
                passes: rx,
            }
        }
        #[cfg(target_arch = "wasm32")]
        MapJob {
            control,
            slicer: Slicer::default(),
        }
    }

    /// Updates every pass computed so far has taken.
    pub fn updates(&self) -> u64 {
        self.control.updates.load(Ordering::Relaxed)
    }

    /// Takes the passes finished since the last poll into `map` (in the browser: computes
    /// the next slice of it).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn poll(&mut self, map: &mut Progressive) -> Polled {
        let mut polled = Polled {
            changed: false,
            done: false,
        };
        loop {
            match self.passes.try_recv() {
                Ok(next) => {
                    polled.done = next.is_complete();
                    polled.changed = true;
                    *map = next;
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    polled.done = true;
                    break;
                }
            }
        }
        polled
    }

    /// Computes the next slice of `map`, about [`SLICE_MS`] of work.
    #[cfg(target_arch = "wasm32")]
    pub fn poll(&mut self, map: &mut Progressive) -> Polled {
        let steps = map.spec.problem.steps.max(1);
        let budget = self.slicer.budget(steps);
        let began = web_time::Instant::now();
        match map.refine_within(&self.control, budget) {
            Ok(p) => {
                self.slicer
                    .record(p.updates, began.elapsed().as_secs_f64() * 1e3);
                Polled {
                    changed: p.cells > 0,
                    done: !p.more,
                }
            }
            Err(_) => Polled {
                changed: false,
                done: true,
            },
        }
    }

    /// Computes every pass left into `map`, blocking (tests and exports).
    pub fn finish(self, map: &mut Progressive) {
        #[cfg(not(target_arch = "wasm32"))]
        while let Ok(next) = self.passes.recv() {
            let done = next.is_complete();
            *map = next;
            if done {
                break;
            }
        }
        #[cfg(target_arch = "wasm32")]
        {
            let mut job = self;
            while !job.poll(map).done {}
        }
    }
}

/// The browser's slice size: how many updates fit in [`SLICE_MS`], learnt from the updates
/// the slices already computed took and their time. A budget buys runs at their whole step
/// budget, so a slice lasts at most about [`SLICE_MS`] (less when runs stop early: a slice
/// of early stoppers would be short, but budgeting on them would let a slice of runs that
/// take every step last many times longer).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slicer {
    /// Updates per millisecond.
    per_ms: f64,
}

impl Default for Slicer {
    fn default() -> Self {
        // a guess for the first slice, low enough for the slowest rules (the catalog path in
        // the browser runs a few million updates a second): it is corrected after one slice
        Slicer { per_ms: 1_000.0 }
    }
}

impl Slicer {
    /// Updates to budget for the next slice: [`SLICE_MS`] at the rate measured, one run at
    /// least.
    pub fn budget(&self, steps: u64) -> u64 {
        ((self.per_ms * SLICE_MS) as u64).max(steps)
    }

    /// Learns from a slice that took `updates` updates in `ms`.
    pub fn record(&mut self, updates: u64, ms: f64) {
        if updates == 0 {
            return;
        }
        // the browser's clock may be coarse (1 ms or worse): a slice too short to time says
        // only that the rate is higher; grow by at most 4× a slice either way
        let measured = if ms >= 1.0 {
            updates as f64 / ms
        } else {
            4.0 * self.per_ms
        };
        self.per_ms = measured
            .clamp(0.25 * self.per_ms, 4.0 * self.per_ms)
            .max(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::map::MapSpec;
    use crate::scene::map::{MapChoice, MapRequest, map_spec};

    fn himmelblau_map(size: usize) -> MapSpec {
        let mut scene = crate::scene::builtin("different-minima").expect("builtin");
        scene.surface = crate::engine::Surface::new(crate::engine::SurfaceKind::Himmelblau);
        let mut req = MapRequest::new(MapChoice::Basin);
        req.size = Some(size);
        map_spec(&scene, &req).expect("a map")
    }

    #[test]
    fn a_job_computes_the_map_a_direct_computation_gives() {
        let spec = himmelblau_map(40);
        let whole = crate::engine::map::compute(&spec, &Control::default()).expect("whole");
        let mut map = Progressive::new(spec);
        let job = MapJob::start(&mut map, u64::MAX);
        assert_eq!(
            map.stride(),
            Some(PASSES[0]),
            "a small first pass is there at once"
        );
        job.finish(&mut map);
        assert!(map.is_complete());
        let bits = |c: &[crate::engine::map::Cell]| -> Vec<_> {
            c.iter().map(|c| (c.outcome, c.loss.to_bits())).collect()
        };
        assert_eq!(bits(&map.cells()), bits(&whole));
    }

    #[test]
    fn a_large_first_pass_waits_for_the_thread_and_polling_brings_it() {
        let mut map = Progressive::new(himmelblau_map(40));
        let mut job = MapJob::start(&mut map, 0);
        assert_eq!(map.stride(), None, "nothing computed on the spot");
        let mut polls = 0;
        while !job.poll(&mut map).done {
            polls += 1;
            assert!(polls < 10_000, "the background passes arrive");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(map.is_complete());
        assert!(job.updates() > 0);
    }

    #[test]
    fn the_slicer_aims_at_the_slice_time_and_adapts_within_bounds() {
        let mut s = Slicer::default();
        assert_eq!(s.budget(500), 8_000);
        // one run at least, however slow
        assert_eq!(s.budget(100_000), 100_000);
        // 8,000 updates took 2 ms: 4,000 a millisecond, 32,000 a slice
        s.record(8_000, 2.0);
        assert_eq!(s.budget(500), 32_000);
        // far slower: it falls by at most 4× a slice
        s.record(32_000, 1_000.0);
        assert_eq!(s.budget(500), 8_000);
        // too quick to time: it grows
        s.record(8_000, 0.0);
        assert_eq!(s.budget(500), 32_000);
        s.record(32_000, 8.0);
        assert_eq!(s.budget(500), 32_000);
    }
}
