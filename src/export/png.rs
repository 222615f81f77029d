//! A PNG encoder for opaque figures, built for speed: 8-bit RGB (the figure has no
//! transparency, so a quarter of the bytes need not be written), one filter per row, and the
//! rows compressed in independent strips on every core.
//!
//! Each strip is a piece of one zlib stream: all but the last end with a sync flush (an empty
//! stored block that leaves the stream byte-aligned, as `pigz` does), so their deflate output
//! simply concatenates; each is written as its own IDAT chunk, whose CRC the worker computes
//! too. The stream's Adler-32 is combined from the strips' checksums. Compressing a strip
//! without the previous strip's window costs well under 1% in size.
//!
//! The filter is `Sub` for every row: the colour map changes slowly across a row, so the
//! differences are runs of small numbers that deflate codes in a few bits, and the filter is
//! one vectorised subtraction (Paeth compresses a few percent better at ten times the cost).

use miniz_oxide::deflate::core::{
    CompressorOxide, TDEFLFlush, TDEFLStatus, compress_to_output, create_comp_flags_from_zip_params,
};
use rayon::prelude::*;

/// Rows at most per strip; smaller strips balance the cores better, larger ones compress a
/// little better.
const STRIP_ROWS: usize = 64;

/// Deflate level: 1 is miniz's fast greedy matcher.
const LEVEL: i32 = 1;

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// `width × height` RGB pixels, `rgb(row)` giving row `row` (top first) as `3 · width` bytes,
/// as a PNG file. `None` if a strip failed to compress (which miniz does not do for valid
/// input) or a dimension does not fit PNG's 31 bits.
pub(crate) fn encode_rgb<'a>(
    width: usize,
    height: usize,
    rgb: impl Fn(usize, &mut [u8]) + Sync + 'a,
) -> Option<Vec<u8>> {
    let w32 = u32::try_from(width)
        .ok()
        .filter(|&w| w > 0 && w < 1 << 31)?;
    let h32 = u32::try_from(height)
        .ok()
        .filter(|&h| h > 0 && h < 1 << 31)?;
    let stride = 3 * width;
    let strips = height.div_ceil(STRIP_ROWS);
    let encode_strip = |s: usize| -> Option<Strip> {
        let rows = s * STRIP_ROWS..((s + 1) * STRIP_ROWS).min(height);
        let mut raw = Vec::with_capacity(rows.len() * (stride + 1));
        let mut row = vec![0u8; stride];
        for r in rows {
            rgb(r, &mut row);
            // filter type 1, `Sub`: each byte minus the same channel of the pixel to its left
            raw.push(1);
            raw.extend_from_slice(&row[..3]);
            raw.extend(row[3..].iter().zip(&row).map(|(&x, &a)| x.wrapping_sub(a)));
        }
        let adler = miniz_oxide::mz_adler32_oxide(1, &raw);
        let flags = create_comp_flags_from_zip_params(LEVEL, -15, 0);
        let mut compressor = CompressorOxide::new(flags);
        // the chunk: length (filled in below), type, data, CRC
        let mut chunk = Vec::with_capacity(raw.len() / 4 + 64);
        chunk.extend_from_slice(&[0, 0, 0, 0]);
        chunk.extend_from_slice(b"IDAT");
        if s == 0 {
            // zlib header: deflate, 32 KiB window, fastest; (0x78 · 256 + 0x01) % 31 == 0
            chunk.extend_from_slice(&[0x78, 0x01]);
        }
        let last = s + 1 == strips;
        let flush = if last {
            TDEFLFlush::Finish
        } else {
            TDEFLFlush::Sync
        };
        let (status, consumed) = compress_to_output(&mut compressor, &raw, flush, |out| {
            chunk.extend_from_slice(out);
            true
        });
        let ok = if last {
            status == TDEFLStatus::Done
        } else {
            status == TDEFLStatus::Okay
        };
        if !ok || consumed != raw.len() {
            return None;
        }
        // the last strip's CRC waits for the stream's checksum
        let crc = (!last).then(|| crc32(&chunk[4..]));
        Some(Strip {
            chunk,
            adler,
            len: raw.len(),
            crc,
        })
    };
    let parts: Vec<Option<Strip>> = if strips > 1 && rayon::current_num_threads() > 1 {
        (0..strips).into_par_iter().map(encode_strip).collect()
    } else {
        (0..strips).map(encode_strip).collect()
    };
    let mut parts: Vec<Strip> = parts.into_iter().collect::<Option<_>>()?;
    let adler = parts
        .iter()
        .fold(1u32, |a, p| adler32_combine(a, p.adler, p.len));
    if let Some(last) = parts.last_mut() {
        last.chunk.extend_from_slice(&adler.to_be_bytes());
    }
    let total: usize = parts.iter().map(|p| p.chunk.len() + 4).sum();
    let mut png = Vec::with_capacity(total + 64);
    png.extend_from_slice(&SIGNATURE);
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&w32.to_be_bytes());
    ihdr.extend_from_slice(&h32.to_be_bytes());
    // 8 bits, truecolour, deflate, adaptive filtering, no interlace
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    write_chunk(&mut png, b"IHDR", &ihdr);
    for mut p in parts {
        let len = u32::try_from(p.chunk.len() - 8).ok()?;
        p.chunk[..4].copy_from_slice(&len.to_be_bytes());
        let crc = p.crc.unwrap_or_else(|| crc32(&p.chunk[4..]));
        png.extend_from_slice(&p.chunk);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    write_chunk(&mut png, b"IEND", &[]);
    Some(png)
}

/// One strip's IDAT chunk without its CRC (length still zero), and the Adler-32 and length of
/// its uncompressed bytes.
struct Strip {
    chunk: Vec<u8>,
    adler: u32,
    len: usize,
    /// The chunk's CRC, once its data is complete (all but the last strip).
    crc: Option<u32>,
}

fn write_chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    png.extend_from_slice(&len.to_be_bytes());
    let start = png.len();
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let crc = crc32(&png[start..]);
    png.extend_from_slice(&crc.to_be_bytes());
}

const ADLER_BASE: u64 = 65_521;

/// The Adler-32 of `a`'s bytes followed by `len_b` bytes whose Adler-32 is `b` (zlib's
/// `adler32_combine`).
fn adler32_combine(a: u32, b: u32, len_b: usize) -> u32 {
    let rem = (len_b as u64) % ADLER_BASE;
    let (a1, a2) = (u64::from(a & 0xffff), u64::from(a >> 16));
    let (b1, b2) = (u64::from(b & 0xffff), u64::from(b >> 16));
    let sum1 = (a1 + b1 + ADLER_BASE - 1) % ADLER_BASE;
    let sum2 = (rem * a1 % ADLER_BASE + a2 + b2 + ADLER_BASE - rem) % ADLER_BASE;
    (sum1 | (sum2 << 16)) as u32
}

/// CRC-32 (ISO-HDLC, as PNG uses); crc32fast picks the fastest kernel the CPU has.
fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_adler_match_the_reference_values() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = miniz_oxide::mz_adler32_oxide(1, &data);
        for cut in [0, 1, 5552, 65_521, 99_999, 100_000] {
            let (a, b) = data.split_at(cut);
            let (ha, hb) = (
                miniz_oxide::mz_adler32_oxide(1, a),
                miniz_oxide::mz_adler32_oxide(1, b),
            );
            assert_eq!(adler32_combine(ha, hb, b.len()), whole, "cut {cut}");
        }
    }

    #[test]
    fn strips_decode_to_the_same_pixels() {
        for (w, h) in [(1, 1), (3, 200), (257, 130), (640, 64), (100, 65)] {
            let pixels: Vec<u8> = (0..w * h * 3)
                .map(|i| ((i * 31 + i / 7) % 256) as u8)
                .collect();
            let png = encode_rgb(w, h, |r, out| {
                out.copy_from_slice(&pixels[r * 3 * w..(r + 1) * 3 * w])
            })
            .expect("encodes");
            let decoded = tiny_skia::Pixmap::decode_png(&png).expect("decodes");
            assert_eq!(
                (decoded.width() as usize, decoded.height() as usize),
                (w, h)
            );
            for (p, q) in decoded.data().chunks_exact(4).zip(pixels.chunks_exact(3)) {
                assert_eq!(&p[..3], q);
                assert_eq!(p[3], 255);
            }
        }
        assert!(encode_rgb(0, 5, |_, _| {}).is_none());
    }
}
