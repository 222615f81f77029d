//! Animated GIF: the figure from step 0 to the last step.
//!
//! Everything but the trails, markers, legend and step counter is the same in every frame, so
//! it is painted once; each frame is a copy of it with the moving parts on top. One global
//! palette serves all frames: the figure's solid colours exactly (backgrounds, text, every
//! trail's colour) and the rest by median cut over the background and the last frame (which
//! holds the longest trails). A pixel that still equals the background takes the
//! background's index, so only the moving parts are looked up. Frames after the first store
//! only the rectangle that changed, with unchanged pixels transparent, which keeps files small.
//! Frames are painted and compressed in parallel and written in order.

use super::layout::Canvas;
use super::{ExportError, GifOptions, raster};
use gif::{DisposalMethod, Encoder, Frame, Repeat};
use rayon::prelude::*;
use std::io::Write;
use tiny_skia::Pixmap;

/// The index that marks "unchanged" in frames after the first; real colours use 0..=254.
const TRANSPARENT: u8 = 255;

/// At most this many bytes of frames are in flight at once.
const BATCH_BYTES: usize = 512 << 20;

/// The frame delay in centiseconds for `fps` frames per second.
pub(crate) fn delay_cs(fps: f64) -> u16 {
    (100.0 / fps).round().clamp(1.0, f64::from(u16::MAX)) as u16
}

/// The steps shown by `frames` frames evenly from 0 to `last`.
pub(crate) fn frame_steps(frames: u32, last: usize) -> Vec<usize> {
    if frames <= 1 {
        return vec![last];
    }
    let n = f64::from(frames - 1);
    (0..frames)
        .map(|i| (f64::from(i) * last as f64 / n).round() as usize)
        .collect()
}

fn rgb_key(px: &[u8]) -> u32 {
    u32::from(px[0]) << 16 | u32::from(px[1]) << 8 | u32::from(px[2])
}

fn key_rgb(k: u32) -> [u8; 3] {
    [(k >> 16) as u8, (k >> 8) as u8, k as u8]
}

/// Each pixel as one word, for fast comparison.
fn words(img: &Pixmap) -> Vec<u32> {
    img.data()
        .chunks_exact(4)
        .map(|p| u32::from_ne_bytes([p[0], p[1], p[2], p[3]]))
        .collect()
}

/// Up to 255 colours and a nearest-colour search.
pub(crate) struct Palette {
    colors: Vec<[u8; 3]>,
}

impl Palette {
    /// Reserves `exact` colours and spends the rest of the 255 on the pixels of `images`
    /// (whose distinct colours, sorted, are returned too).
    fn build(exact: &[[u8; 3]], images: &[&Pixmap]) -> (Palette, Vec<u32>) {
        let mut colors: Vec<[u8; 3]> = Vec::new();
        for c in exact {
            if !colors.contains(c) && colors.len() < 64 {
                colors.push(*c);
            }
        }
        let mut all: Vec<u32> = images
            .iter()
            .flat_map(|img| img.data().chunks_exact(4).map(rgb_key))
            .collect();
        all.par_sort_unstable();
        let mut hist: Vec<([u8; 3], u32)> = Vec::new();
        let mut distinct = Vec::new();
        for run in all.chunk_by(|a, b| a == b) {
            distinct.push(run[0]);
            let c = key_rgb(run[0]);
            if !colors.contains(&c) {
                hist.push((c, run.len() as u32));
            }
        }
        let room = 255 - colors.len();
        colors.extend(median_cut(&mut hist, room));
        (Palette { colors }, distinct)
    }
    /// The palette entry closest to `c`, by a distance weighted like the eye's sensitivity.
    fn nearest(&self, c: [u8; 3]) -> u8 {
        let mut best = (u32::MAX, 0usize);
        for (k, p) in self.colors.iter().enumerate() {
            let d = |a: u8, b: u8| {
                let x = i32::from(a) - i32::from(b);
                (x * x) as u32
            };
            let dist = 2 * d(c[0], p[0]) + 4 * d(c[1], p[1]) + 3 * d(c[2], p[2]);
            if dist < best.0 {
                best = (dist, k);
                if dist == 0 {
                    break;
                }
            }
        }
        best.1 as u8
    }

    /// The 256-entry colour table as RGB bytes (the last entry is the transparent one).
    fn table(&self) -> Vec<u8> {
        let mut t: Vec<u8> = self.colors.iter().flatten().copied().collect();
        t.resize(256 * 3, 0);
        t
    }
}

/// `n` colours summarising `hist` (colour, count): boxes in RGB are split at the weighted
/// median of their widest channel, largest error first; each box gives its mean.
fn median_cut(hist: &mut [([u8; 3], u32)], n: usize) -> Vec<[u8; 3]> {
    if hist.is_empty() || n == 0 {
        return Vec::new();
    }
    if hist.len() <= n {
        return hist.iter().map(|(c, _)| *c).collect();
    }
    struct Cut {
        start: usize,
        end: usize,
        channel: usize,
        error: f64,
    }
    let describe = |hist: &[([u8; 3], u32)], start: usize, end: usize| -> Cut {
        let mut best = (0usize, -1.0f64);
        for ch in 0..3 {
            let (mut w, mut s, mut s2) = (0.0, 0.0, 0.0);
            for (c, k) in &hist[start..end] {
                let (k, v) = (f64::from(*k), f64::from(c[ch]));
                w += k;
                s += k * v;
                s2 += k * v * v;
            }
            let sse = if w > 0.0 { s2 - s * s / w } else { 0.0 };
            if sse > best.1 {
                best = (ch, sse);
            }
        }
        let error = if end - start <= 1 { -1.0 } else { best.1 };
        Cut {
            start,
            end,
            channel: best.0,
            error,
        }
    };
    let mut cuts = vec![describe(hist, 0, hist.len())];
    while cuts.len() < n {
        let Some((i, _)) = cuts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.error > 0.0)
            .max_by(|a, b| a.1.error.total_cmp(&b.1.error))
        else {
            break;
        };
        let Cut {
            start,
            end,
            channel,
            ..
        } = cuts.swap_remove(i);
        let part = &mut hist[start..end];
        part.sort_unstable_by_key(|(c, _)| c[channel]);
        let total: u64 = part.iter().map(|(_, k)| u64::from(*k)).sum();
        let mut acc = 0u64;
        let mut mid = part.len() / 2;
        for (j, (_, k)) in part.iter().enumerate() {
            acc += u64::from(*k);
            if 2 * acc >= total {
                mid = j + 1;
                break;
            }
        }
        let mid = start + mid.clamp(1, part.len() - 1);
        cuts.push(describe(hist, start, mid));
        cuts.push(describe(hist, mid, end));
    }
    cuts.sort_by_key(|c| c.start);
    cuts.iter()
        .map(|c| {
            let (mut w, mut s) = (0.0, [0.0; 3]);
            for (col, k) in &hist[c.start..c.end] {
                let k = f64::from(*k);
                w += k;
                for ch in 0..3 {
                    s[ch] += k * f64::from(col[ch]);
                }
            }
            let w = w.max(1.0);
            [
                (s[0] / w).round() as u8,
                (s[1] / w).round() as u8,
                (s[2] / w).round() as u8,
            ]
        })
        .collect()
}

/// Nearest palette entries, known in advance for every colour the palette was built from.
struct Quantizer {
    palette: Palette,
    /// Sorted colour keys and their palette indices.
    keys: Vec<u32>,
    indices: Vec<u8>,
}

impl Quantizer {
    fn new(palette: Palette, keys: Vec<u32>) -> Self {
        let indices = keys
            .par_iter()
            .with_min_len(256)
            .map(|&k| palette.nearest(key_rgb(k)))
            .collect();
        Quantizer {
            palette,
            keys,
            indices,
        }
    }

    fn index(&self, key: u32) -> u8 {
        match self.keys.binary_search(&key) {
            Ok(i) => self.indices[i],
            Err(_) => self.palette.nearest(key_rgb(key)),
        }
    }
}

/// Palette indices of `img`; pixels equal to the background reuse its indices, others are
/// looked up (a colour not seen while building the palette is searched for once per frame).
fn quantize(img: &Pixmap, background: &[u32], bg_index: &[u8], q: &Quantizer) -> Vec<u8> {
    const CACHE: usize = 1 << 12;
    let mut cache = vec![(u32::MAX, 0u8); CACHE];
    img.data()
        .chunks_exact(4)
        .zip(background)
        .zip(bg_index)
        .map(|((px, &bg), &i)| {
            if u32::from_ne_bytes([px[0], px[1], px[2], px[3]]) == bg {
                return i;
            }
            let k = rgb_key(px);
            let slot = &mut cache[(k.wrapping_mul(0x9E37_79B1) >> 20) as usize % CACHE];
            if slot.0 != k {
                *slot = (k, q.index(k));
            }
            slot.1
        })
        .collect()
}

/// A frame holding only what changed since `prev`: the bounding rectangle of the changes,
/// unchanged pixels in it transparent. Nothing changed: one transparent pixel.
fn delta_frame(prev: &[u8], cur: &[u8], w: usize, h: usize) -> Frame<'static> {
    let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0, 0);
    for y in 0..h {
        let row = y * w..(y + 1) * w;
        let (a, b) = (&prev[row.clone()], &cur[row]);
        if a == b {
            continue;
        }
        let first = a.iter().zip(b).position(|(p, q)| p != q).unwrap_or(0);
        let last = w - 1 - a.iter().zip(b).rev().position(|(p, q)| p != q).unwrap_or(0);
        x0 = x0.min(first);
        x1 = x1.max(last);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 || y0 > y1 {
        return Frame {
            width: 1,
            height: 1,
            buffer: vec![TRANSPARENT].into(),
            transparent: Some(TRANSPARENT),
            dispose: DisposalMethod::Keep,
            ..Frame::default()
        };
    }
    let (fw, fh) = (x1 - x0 + 1, y1 - y0 + 1);
    let mut buffer = Vec::with_capacity(fw * fh);
    for y in y0..=y1 {
        let row = y * w + x0..y * w + x1 + 1;
        buffer.extend(
            prev[row.clone()]
                .iter()
                .zip(&cur[row])
                .map(|(p, q)| if p == q { TRANSPARENT } else { *q }),
        );
    }
    Frame {
        left: x0 as u16,
        top: y0 as u16,
        width: fw as u16,
        height: fh as u16,
        buffer: buffer.into(),
        transparent: Some(TRANSPARENT),
        dispose: DisposalMethod::Keep,
        ..Frame::default()
    }
}

fn encoding_error(e: gif::EncodingError) -> ExportError {
    match e {
        gif::EncodingError::Io(e) => ExportError::Io(e),
        other => ExportError::Encode(other.to_string()),
    }
}

/// Writes the animation of `canvas` up to step `last` to `out`.
pub(crate) fn encode(
    canvas: &Canvas,
    last: usize,
    opts: &GifOptions,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(u32, u32) -> bool,
) -> Result<(), ExportError> {
    let total = opts.frames;
    if !progress(0, total) {
        return Err(ExportError::Cancelled);
    }
    let (w, h) = (canvas.layout.width as u32, canvas.layout.height as u32);
    let (wu, hu) = (w as usize, h as usize);
    let mut background = raster::pixmap(w, h)?;
    raster::paint(&mut background, canvas, &canvas.static_items());
    // an orbit shows the last step turning the camera once around; otherwise the steps
    // play with the camera still
    let camera = canvas.camera();
    let orbit = canvas.orbits();
    let camera_at = |k: usize| {
        if orbit {
            camera.orbited(360.0 * k as f64 / f64::from(total), 0.0)
        } else {
            camera
        }
    };
    let steps: Vec<(usize, usize)> = if orbit {
        (0..total as usize).map(|k| (k, last)).collect()
    } else {
        frame_steps(total, last).into_iter().enumerate().collect()
    };
    let render = |(k, step): (usize, usize)| -> Result<Pixmap, ExportError> {
        let mut frame = background.clone();
        raster::paint(&mut frame, canvas, &canvas.frame_items(step, camera_at(k)));
        Ok(frame)
    };

    let mut exact: Vec<[u8; 3]> = canvas
        .style
        .theme
        .ink()
        .key_colors()
        .iter()
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    for (i, o) in canvas.scene.optimizers.iter().enumerate() {
        if canvas.runs.get(i).is_some_and(Option::is_some) {
            exact.push(crate::figure::palette::color(i, o.color));
        }
    }
    let first = render(steps[0])?;
    let final_frame = render(steps[steps.len() - 1])?;
    let (palette, seen) = Palette::build(&exact, &[&background, &final_frame, &first]);
    drop((first, final_frame));
    let table = palette.table();
    let quantizer = Quantizer::new(palette, seen);
    let bg_words = words(&background);
    let bg_index: Vec<u8> = background
        .data()
        .chunks_exact(4)
        .map(|p| quantizer.index(rgb_key(p)))
        .collect();

    let mut encoder =
        Encoder::new(&mut *out, w as u16, h as u16, &table).map_err(encoding_error)?;
    encoder
        .set_repeat(Repeat::Infinite)
        .map_err(encoding_error)?;
    let delay = delay_cs(opts.fps);

    let per_frame = 5 * wu * hu;
    let batch = (2 * rayon::current_num_threads())
        .clamp(2, 32)
        .min(BATCH_BYTES / per_frame.max(1))
        .max(1);
    let mut prev: Option<Vec<u8>> = None;
    let mut done = 0u32;
    let paint_and_index = |frame: (usize, usize)| -> Result<Vec<u8>, ExportError> {
        let img = render(frame)?;
        Ok(quantize(&img, &bg_words, &bg_index, &quantizer))
    };
    for chunk in steps.chunks(batch) {
        let indices: Vec<Vec<u8>> = chunk
            .par_iter()
            .map(|&s| paint_and_index(s))
            .collect::<Result<_, _>>()?;
        let frames: Vec<Frame> = (0..indices.len())
            .into_par_iter()
            .map(|k| {
                let cur = &indices[k];
                let before = if k == 0 {
                    prev.as_ref()
                } else {
                    Some(&indices[k - 1])
                };
                let mut frame = match before {
                    Some(p) => delta_frame(p, cur, wu, hu),
                    None => Frame {
                        width: w as u16,
                        height: h as u16,
                        buffer: cur.clone().into(),
                        dispose: DisposalMethod::Keep,
                        ..Frame::default()
                    },
                };
                frame.delay = delay;
                frame.make_lzw_pre_encoded();
                frame
            })
            .collect();
        for frame in &frames {
            encoder
                .write_lzw_pre_encoded_frame(frame)
                .map_err(encoding_error)?;
            done += 1;
            if !progress(done, total) {
                return Err(ExportError::Cancelled);
            }
        }
        prev = indices.into_iter().last();
    }
    encoder.into_inner().map_err(encoding_error)?;
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_evenly_from_zero_to_the_last() {
        assert_eq!(frame_steps(5, 100), vec![0, 25, 50, 75, 100]);
        assert_eq!(frame_steps(1, 7), vec![7]);
        assert_eq!(frame_steps(4, 1), vec![0, 0, 1, 1]);
        assert_eq!(delay_cs(30.0), 3);
        assert_eq!(delay_cs(100.0), 1);
        assert_eq!(delay_cs(0.5), 200);
        assert_eq!(delay_cs(1e-9), u16::MAX);
    }

    #[test]
    fn median_cut_keeps_few_colours_and_summarises_many() {
        let mut few = vec![([1, 2, 3], 5), ([9, 9, 9], 1)];
        assert_eq!(median_cut(&mut few, 10).len(), 2);
        let mut many: Vec<([u8; 3], u32)> = (0..=255u8).map(|v| ([v, v, v], 1)).collect();
        let out = median_cut(&mut many, 16);
        assert_eq!(out.len(), 16);
        let p = Palette { colors: out };
        for v in 0..=255u8 {
            let c = p.colors[p.nearest([v, v, v]) as usize];
            assert!((i32::from(c[0]) - i32::from(v)).abs() <= 9, "{v}: {c:?}");
        }
    }

    #[test]
    fn deltas_cover_exactly_the_changes() {
        let prev = vec![0u8; 12];
        let mut cur = prev.clone();
        cur[5] = 7; // (1, 1) in a 4 × 3 image
        cur[10] = 8; // (2, 2)
        let f = delta_frame(&prev, &cur, 4, 3);
        assert_eq!((f.left, f.top, f.width, f.height), (1, 1, 2, 2));
        assert_eq!(&*f.buffer, &[7, TRANSPARENT, TRANSPARENT, 8]);
        let same = delta_frame(&prev, &prev, 4, 3);
        assert_eq!((same.width, same.height), (1, 1));
    }
}
