//! Text with the fonts egui embeds (Ubuntu Light, with Hack for the glyphs it lacks, as the
//! window does), so exported images look the same on every machine. Sizes are CSS font sizes
//! (pixels per em), the unit SVG uses, so a line measured here is as long in the SVG.

use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve, OutlinedGlyph, PxScale, ScaleFont, point};
use std::sync::LazyLock;

/// The embedded faces: the main one and the fallback for glyphs it lacks.
pub(crate) struct Fonts {
    main: FontRef<'static>,
    fallback: FontRef<'static>,
}

pub(crate) static FONTS: LazyLock<Option<Fonts>> = LazyLock::new(|| {
    Some(Fonts {
        main: FontRef::try_from_slice(epaint_default_fonts::UBUNTU_LIGHT).ok()?,
        fallback: FontRef::try_from_slice(epaint_default_fonts::HACK_REGULAR).ok()?,
    })
});

/// Which face a glyph comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Face {
    Main,
    Fallback,
}

impl Fonts {
    fn font(&self, face: Face) -> &FontRef<'static> {
        match face {
            Face::Main => &self.main,
            Face::Fallback => &self.fallback,
        }
    }

    /// The `PxScale` (ab_glyph's unit: ascent to descent) of `em` pixels per em.
    fn scale(&self, face: Face, em: f64) -> PxScale {
        let font = self.font(face);
        let upem = font.units_per_em().unwrap_or(1000.0);
        PxScale::from((em as f32) * font.height_unscaled() / upem)
    }

    fn face_of(&self, c: char) -> Face {
        if self.main.glyph_id(c).0 != 0 || self.fallback.glyph_id(c).0 == 0 {
            Face::Main
        } else {
            Face::Fallback
        }
    }
}

/// One glyph placed on a baseline starting at x = 0.
struct Placed {
    face: Face,
    id: GlyphId,
    x: f32,
}

fn shape(text: &str, em: f64) -> (Vec<Placed>, f64) {
    let Some(fonts) = FONTS.as_ref() else {
        return (Vec::new(), 0.0);
    };
    let mut out = Vec::with_capacity(text.len());
    let mut x = 0f32;
    let mut prev: Option<(Face, GlyphId)> = None;
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let face = fonts.face_of(c);
        let font = fonts.font(face);
        let scaled = font.as_scaled(fonts.scale(face, em));
        let id = font.glyph_id(c);
        if let Some((pf, pid)) = prev
            && pf == face
        {
            x += scaled.kern(pid, id);
        }
        out.push(Placed { face, id, x });
        x += scaled.h_advance(id);
        prev = Some((face, id));
    }
    (out, f64::from(x))
}

/// Width of `text` at `em` pixels per em.
pub(crate) fn width(text: &str, em: f64) -> f64 {
    shape(text, em).1
}

/// Distance from the baseline up to the top of the main face's tallest glyphs.
pub(crate) fn ascent(em: f64) -> f64 {
    match FONTS.as_ref() {
        Some(f) => f64::from(f.main.as_scaled(f.scale(Face::Main, em)).ascent()),
        None => 0.8 * em,
    }
}

/// Distance from the baseline down to the bottom of descenders (positive).
pub(crate) fn descent(em: f64) -> f64 {
    match FONTS.as_ref() {
        Some(f) => -f64::from(f.main.as_scaled(f.scale(Face::Main, em)).descent()),
        None => 0.2 * em,
    }
}

/// The characters of `text` in neither face.
pub(crate) fn missing(text: &str) -> Vec<char> {
    let Some(f) = FONTS.as_ref() else {
        return text.chars().filter(|c| !c.is_whitespace()).collect();
    };
    text.chars()
        .filter(|&c| !c.is_whitespace() && !c.is_control())
        .filter(|&c| f.main.glyph_id(c).0 == 0 && f.fallback.glyph_id(c).0 == 0)
        .collect()
}

/// Whether every character of `text` is in the main face (otherwise the SVG also embeds
/// the fallback face).
pub(crate) fn needs_fallback(text: &str) -> bool {
    FONTS.as_ref().is_some_and(|f| {
        text.chars()
            .any(|c| !c.is_whitespace() && f.face_of(c) == Face::Fallback)
    })
}

/// `text` broken at spaces into lines no wider than `max_width`; at most `max_lines`, the last
/// one ending in "…" if text was left out.
pub(crate) fn wrap(text: &str, em: f64, max_width: f64, max_lines: usize) -> Vec<String> {
    if max_lines == 0 {
        return Vec::new();
    }
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut truncated = false;
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || width(&candidate, em) <= max_width {
            current = candidate;
            continue;
        }
        lines.push(std::mem::replace(&mut current, word.to_string()));
        if lines.len() == max_lines {
            truncated = true;
            break;
        }
    }
    if !truncated && !current.is_empty() {
        lines.push(current);
    }
    for line in &mut lines {
        *line = ellipsize(line, em, max_width);
    }
    if truncated && let Some(last) = lines.last_mut() {
        *last = ellipsize(&format!("{last} …"), em, max_width);
    }
    lines
}

/// `text` broken into lines no wider than `max_width`, losing nothing: at spaces, and a word
/// wider than a line on its own is broken between characters.
pub(crate) fn wrap_whole(text: &str, em: f64, max_width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, em) <= max_width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // the word alone: as many characters per line as fit (at least one)
        for c in word.chars() {
            let mut next = current.clone();
            next.push(c);
            if !current.is_empty() && width(&next, em) > max_width {
                lines.push(std::mem::replace(&mut current, c.to_string()));
            } else {
                current = next;
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// `text`, shortened with "…" at the end if it is wider than `max_width`.
pub(crate) fn ellipsize(text: &str, em: f64, max_width: f64) -> String {
    if width(text, em) <= max_width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let s: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if width(&s, em) <= max_width {
            return s;
        }
    }
    "…".to_string()
}

/// The outlines of `text` with its baseline starting at `(x, y)`.
fn outlines(text: &str, em: f64, x: f64, y: f64) -> Vec<OutlinedGlyph> {
    let Some(fonts) = FONTS.as_ref() else {
        return Vec::new();
    };
    let (placed, _) = shape(text, em);
    placed
        .into_iter()
        .filter_map(|p| {
            let font = fonts.font(p.face);
            let glyph = p
                .id
                .with_scale_and_position(fonts.scale(p.face, em), point(x as f32 + p.x, y as f32));
            font.outline_glyph(glyph)
        })
        .collect()
}

/// The outlines of `text` with its baseline starting at `(x, y)`, as SVG path data (y
/// down, filled with the nonzero rule as TrueType outlines are), coordinates rounded to
/// hundredths of a pixel by `num`.
pub(crate) fn svg_outline(
    text: &str,
    em: f64,
    [x, y]: [f64; 2],
    num: impl Fn(f64) -> String,
) -> String {
    let Some(fonts) = FONTS.as_ref() else {
        return String::new();
    };
    let (placed, _) = shape(text, em);
    let mut d = String::new();
    for p in placed {
        let font = fonts.font(p.face);
        let Some(outline) = font.outline(p.id) else {
            continue;
        };
        let k = f64::from(font.as_scaled(fonts.scale(p.face, em)).h_scale_factor());
        let gx = x + f64::from(p.x);
        let at = |q: ab_glyph::Point| {
            format!(
                "{} {}",
                num(gx + f64::from(q.x) * k),
                num(y - f64::from(q.y) * k)
            )
        };
        let mut last: Option<ab_glyph::Point> = None;
        for curve in &outline.curves {
            let (start, end) = match curve {
                OutlineCurve::Line(a, b) => (*a, *b),
                OutlineCurve::Quad(a, _, b) => (*a, *b),
                OutlineCurve::Cubic(a, _, _, b) => (*a, *b),
            };
            if last != Some(start) {
                if last.is_some() {
                    d.push('Z');
                }
                d.push_str(&format!("M{}", at(start)));
            }
            match curve {
                OutlineCurve::Line(_, b) => d.push_str(&format!("L{}", at(*b))),
                OutlineCurve::Quad(_, c, b) => d.push_str(&format!("Q{} {}", at(*c), at(*b))),
                OutlineCurve::Cubic(_, c1, c2, b) => {
                    d.push_str(&format!("C{} {} {}", at(*c1), at(*c2), at(*b)))
                }
            }
            last = Some(end);
        }
        if last.is_some() {
            d.push('Z');
        }
    }
    d
}

/// Paints `text` (baseline starting at `(x, y)`) onto premultiplied RGBA8 `data`: rows
/// `top .. top + size[1]` of an image `size[0]` pixels wide (a horizontal band of it, or all
/// of it with `top = 0`), in `color` (unmultiplied RGBA). Glyphs are placed in image
/// coordinates whatever the band, so a text painted band by band is the same as painted whole.
pub(crate) fn draw(
    data: &mut [u8],
    size: [u32; 2],
    top: i64,
    text: &str,
    em: f64,
    [x, y]: [f64; 2],
    color: [u8; 4],
) {
    let [w, h] = [i64::from(size[0]), i64::from(size[1])];
    let alpha = f32::from(color[3]) / 255.0;
    let rgb = [
        f32::from(color[0]),
        f32::from(color[1]),
        f32::from(color[2]),
    ];
    for g in outlines(text, em, x, y) {
        let b = g.px_bounds();
        let (x0, y0) = (b.min.x as i64, b.min.y as i64);
        if y0 >= top + h || (b.max.y as i64) < top {
            continue;
        }
        g.draw(|gx, gy, coverage| {
            let (px, py) = (x0 + i64::from(gx), y0 + i64::from(gy) - top);
            if px < 0 || py < 0 || px >= w || py >= h {
                return;
            }
            let a = coverage.clamp(0.0, 1.0) * alpha;
            if a <= 0.0 {
                return;
            }
            let k = 4 * (py * w + px) as usize;
            let Some(dst) = data.get_mut(k..k + 4) else {
                return;
            };
            for c in 0..3 {
                let v = rgb[c] * a + f32::from(dst[c]) * (1.0 - a);
                dst[c] = v.round().clamp(0.0, 255.0) as u8;
            }
            let va = 255.0 * a + f32::from(dst[3]) * (1.0 - a);
            dst[3] = va.round().clamp(0.0, 255.0) as u8;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_load_and_measure() {
        assert!(FONTS.is_some());
        let a = width("loss", 12.0);
        assert!(a > 10.0 && a < 40.0, "{a}");
        assert!((width("loss", 24.0) - 2.0 * a).abs() < 0.5);
        assert!(ascent(10.0) > 6.0 && descent(10.0) > 0.5);
        assert_eq!(width("", 12.0), 0.0);
    }

    #[test]
    fn wrapping_respects_the_width_and_marks_cuts() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let lines = wrap(text, 12.0, 80.0, 10);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| width(l, 12.0) <= 80.0));
        assert_eq!(lines.join(" "), text);
        let cut = wrap(text, 12.0, 80.0, 2);
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'), "{cut:?}");
        assert!(wrap("", 12.0, 80.0, 2).is_empty());
        assert_eq!(
            ellipsize("abcdefghijklmnopqrstuvwxyz", 12.0, 40.0)
                .chars()
                .last(),
            Some('…')
        );
    }

    #[test]
    fn whole_wrapping_loses_nothing() {
        let status = "diverged at step 162 (lr 1.000 > 2/λmax = 0.2000 at the start)";
        let lines = wrap_whole(status, 12.0, 90.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, 12.0) <= 90.0), "{lines:?}");
        assert_eq!(lines.join(" "), status);
        let long = "a".repeat(60);
        let cut = wrap_whole(&long, 12.0, 50.0);
        assert!(cut.len() > 1 && cut.concat() == long, "{cut:?}");
        assert!(wrap_whole("", 12.0, 50.0).is_empty());
    }

    #[test]
    fn greek_comes_from_the_main_face_and_arrows_may_fall_back() {
        assert!(!needs_fallback("Adam lr=0.1 μ=0.9 λmax ρ ψ"));
    }
}
