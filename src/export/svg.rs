//! The vector painter: drawing items as SVG. The colour map is a raster by nature and goes in
//! as an embedded PNG; everything else is vector: one `<path class="contour">` per contour
//! level, one `<path class="trail">` per trajectory (over its `trail-halo`), markers as
//! shapes and text either as the glyphs' outlines (paths: the same in every program, the
//! default) or as `<text>` in the embedded Ubuntu Light (selectable, but exact only where
//! `@font-face` is honoured), so slides scale it cleanly.

use super::layout::Canvas;
use super::{ExportError, SvgText};
use crate::figure::colormap;
use crate::figure::draw::{Anchor, Drawn, Item, MeshItem, PathItem, Rgba, Stroke};
use crate::figure::text;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::fmt::Write as _;
use std::sync::LazyLock;
use tiny_skia::{IntSize, Pixmap};

const MAIN_FAMILY: &str = "Losscape Ubuntu Light";
const FALLBACK_FAMILY: &str = "Losscape Hack";

static MAIN_FONT_B64: LazyLock<String> =
    LazyLock::new(|| STANDARD.encode(epaint_default_fonts::UBUNTU_LIGHT));
static FALLBACK_FONT_B64: LazyLock<String> =
    LazyLock::new(|| STANDARD.encode(epaint_default_fonts::HACK_REGULAR));

/// Stops of the colour bar's gradient (viridis is smooth: linear interpolation between 33
/// samples is within a shade of the table).
const GRADIENT_STOPS: usize = 33;

/// A number with at most two decimals and no trailing zeros.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let s = format!("{v:.2}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".to_string() } else { s }
}

fn hex(c: Rgba) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn opacity(a: u8) -> String {
    let s = format!("{:.3}", f64::from(a) / 255.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Escapes text for XML content and attribute values.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn fill_attrs(fill: Option<Rgba>) -> String {
    match fill {
        None => " fill=\"none\"".to_string(),
        Some(c) if c[3] == 255 => format!(" fill=\"{}\"", hex(c)),
        Some(c) => format!(" fill=\"{}\" fill-opacity=\"{}\"", hex(c), opacity(c[3])),
    }
}

fn stroke_attrs(stroke: Option<&Stroke>, round: bool) -> String {
    let Some(s) = stroke else {
        return String::new();
    };
    let mut out = format!(
        " stroke=\"{}\" stroke-width=\"{}\"",
        hex(s.color),
        num(s.width)
    );
    if s.color[3] != 255 {
        let _ = write!(out, " stroke-opacity=\"{}\"", opacity(s.color[3]));
    }
    if round {
        out.push_str(" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
    } else {
        out.push_str(" stroke-miterlimit=\"2\"");
    }
    out
}

fn path_data(p: &PathItem) -> String {
    let mut d = String::new();
    for sub in &p.subpaths {
        for (k, q) in sub.iter().enumerate() {
            let cmd = match k {
                0 => "M",
                1 => "L",
                _ => "",
            };
            if !d.is_empty() {
                d.push(' ');
            }
            let _ = write!(d, "{cmd}{} {}", num(q[0]), num(q[1]));
        }
        if p.closed && !sub.is_empty() {
            d.push('Z');
        }
    }
    d
}

/// A mesh as a group of flat faces, one path each, painted in order. Faces are not
/// anti-aliased (`crispEdges`): anti-aliased neighbours would show hairline seams.
fn mesh(s: &mut String, m: &MeshItem) {
    let _ = writeln!(
        s,
        "<g class=\"{}\" shape-rendering=\"crispEdges\">",
        m.class
    );
    for (corners, color) in &m.faces {
        let Some(p) = m.corners(corners) else {
            continue;
        };
        // a tenth of a pixel is plenty for faces a few pixels wide, and keeps the file small
        let n = |v: f32| {
            let s = format!("{v:.1}");
            s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
        };
        let _ = writeln!(
            s,
            "<path d=\"M{} {}L{} {}L{} {}L{} {}Z\" fill=\"{}\"/>",
            n(p[0][0]),
            n(p[0][1]),
            n(p[1][0]),
            n(p[1][1]),
            n(p[2][0]),
            n(p[2][1]),
            n(p[3][0]),
            n(p[3][1]),
            hex(*color)
        );
    }
    s.push_str("</g>\n");
}

fn colormap_png(canvas: &Canvas) -> Result<Vec<u8>, ExportError> {
    let layer = &canvas.layer;
    let size = IntSize::from_wh(layer.size[0] as u32, layer.size[1] as u32)
        .ok_or_else(|| ExportError::Encode("the colour map is empty".to_string()))?;
    let image = Pixmap::from_vec(layer.rgba().to_vec(), size)
        .ok_or_else(|| ExportError::Encode("the colour map has the wrong size".to_string()))?;
    image
        .encode_png()
        .map_err(|e| ExportError::Encode(e.to_string()))
}

/// The embedded fonts and the style that sets `<text>` in them.
fn write_fonts(s: &mut String, fallback: bool) {
    s.push_str("<style>\n");
    let _ = writeln!(
        s,
        "@font-face {{ font-family: \"{MAIN_FAMILY}\"; src: url(\"data:font/ttf;base64,{}\") format(\"truetype\"); }}",
        *MAIN_FONT_B64
    );
    let families = if fallback {
        let _ = writeln!(
            s,
            "@font-face {{ font-family: \"{FALLBACK_FAMILY}\"; src: url(\"data:font/ttf;base64,{}\") format(\"truetype\"); }}",
            *FALLBACK_FONT_B64
        );
        format!("\"{MAIN_FAMILY}\", \"{FALLBACK_FAMILY}\"")
    } else {
        format!("\"{MAIN_FAMILY}\"")
    };
    let _ = writeln!(
        s,
        "text {{ font-family: {families}, \"Ubuntu\", \"Helvetica Neue\", Arial, sans-serif; font-weight: 300; white-space: pre; }}"
    );
    s.push_str("</style>\n");
}

/// The plot's clip rectangle and the colour bar's gradient; closes `<defs>`.
fn write_defs(s: &mut String, [pl, pt, pw, ph]: [f64; 4]) {
    let _ = writeln!(
        s,
        "<clipPath id=\"plot-clip\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>",
        num(pl),
        num(pt),
        num(pw),
        num(ph)
    );
    s.push_str("<linearGradient id=\"viridis\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\n");
    for k in 0..GRADIENT_STOPS {
        let t = k as f64 / (GRADIENT_STOPS - 1) as f64;
        let c = colormap::viridis(t);
        let _ = writeln!(
            s,
            "<stop offset=\"{}\" stop-color=\"{}\"/>",
            num(t * 100.0) + "%",
            hex([c[0], c[1], c[2], 255])
        );
    }
    s.push_str("</linearGradient>\n</defs>\n");
}

/// The SVG document of `items`.
pub(crate) fn write(
    canvas: &Canvas,
    items: &[Drawn],
    text_as: SvgText,
) -> Result<String, ExportError> {
    let l = &canvas.layout;
    let (w, h) = (l.width, l.height);
    let [pl, pt, pw, ph] = l.plot;
    let outlines = text_as == SvgText::Outlines;
    let fallback = items.iter().any(|d| match &d.item {
        Item::Text(t) => text::needs_fallback(&t.text),
        _ => false,
    });
    let mut s = String::with_capacity(1 << 20);
    let _ = writeln!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
         version=\"1.1\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">",
        num(w),
        num(h),
        num(w),
        num(h)
    );
    let _ = writeln!(s, "<title>{}</title>", esc(canvas.scene.title()));
    if !canvas.scene.description.is_empty() {
        let _ = writeln!(s, "<desc>{}</desc>", esc(&canvas.scene.description));
    }
    s.push_str("<defs>\n");
    if !outlines {
        write_fonts(&mut s, fallback);
    }
    write_defs(&mut s, [pl, pt, pw, ph]);

    let mut clipped = false;
    for d in items {
        if d.clip != clipped {
            if clipped {
                s.push_str("</g>\n");
            } else {
                s.push_str("<g clip-path=\"url(#plot-clip)\">\n");
            }
            clipped = d.clip;
        }
        match &d.item {
            Item::Background(c) => {
                let _ = writeln!(
                    s,
                    "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"{}/>",
                    num(w),
                    num(h),
                    fill_attrs(Some(*c))
                );
            }
            Item::ColorMap => {
                let png = colormap_png(canvas)?;
                let _ = writeln!(
                    s,
                    "<image class=\"colormap\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" \
                     preserveAspectRatio=\"none\" xlink:href=\"data:image/png;base64,{}\"/>",
                    num(pl),
                    num(pt),
                    num(pw),
                    num(ph),
                    STANDARD.encode(png)
                );
            }
            Item::ColorBar { rect } => {
                let _ = writeln!(
                    s,
                    "<rect class=\"colorbar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#viridis)\"/>",
                    num(rect[0]),
                    num(rect[1]),
                    num(rect[2]),
                    num(rect[3])
                );
            }
            Item::Rect {
                rect,
                radius,
                fill,
                stroke,
                class,
            } => {
                let r = if *radius > 0.0 {
                    format!(" rx=\"{}\"", num(*radius))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{r}{}{}/>",
                    num(rect[0]),
                    num(rect[1]),
                    num(rect[2]),
                    num(rect[3]),
                    fill_attrs(*fill),
                    stroke_attrs(stroke.as_ref(), false)
                );
            }
            Item::Circle {
                center,
                radius,
                fill,
                stroke,
                class,
            } => {
                let _ = writeln!(
                    s,
                    "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\"{}{}/>",
                    num(center[0]),
                    num(center[1]),
                    num(*radius),
                    fill_attrs(*fill),
                    stroke_attrs(stroke.as_ref(), false)
                );
            }
            Item::Path(p) => {
                let data = p
                    .data
                    .as_ref()
                    .map(|(k, v)| format!(" data-{k}=\"{}\"", esc(v)))
                    .unwrap_or_default();
                let _ = writeln!(
                    s,
                    "<path class=\"{}\"{data} d=\"{}\"{}{}/>",
                    p.class,
                    path_data(p),
                    fill_attrs(p.fill),
                    stroke_attrs(p.stroke.as_ref(), p.round)
                );
            }
            Item::Text(t) if outlines => {
                let width = text::width(&t.text, t.em);
                let x = match t.anchor {
                    Anchor::Start => t.at[0],
                    Anchor::Middle => t.at[0] - 0.5 * width,
                    Anchor::End => t.at[0] - width,
                };
                let d = text::svg_outline(&t.text, t.em, [x, t.at[1]], num);
                let _ = writeln!(
                    s,
                    "<path class=\"{}\" data-text=\"{}\" d=\"{d}\"{}/>",
                    t.class,
                    esc(&t.text),
                    fill_attrs(Some(t.color))
                );
            }
            Item::Mesh(m) => mesh(&mut s, m),
            Item::Text(t) => {
                let anchor = match t.anchor {
                    Anchor::Start => "",
                    Anchor::Middle => " text-anchor=\"middle\"",
                    Anchor::End => " text-anchor=\"end\"",
                };
                // The measured length keeps the layout where a renderer ignores the embedded
                // font and substitutes a wider or narrower one.
                let length = text::width(&t.text, t.em);
                let _ = writeln!(
                    s,
                    "<text class=\"{}\" x=\"{}\" y=\"{}\" font-size=\"{}\"{anchor} \
                     textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\"{}>{}</text>",
                    t.class,
                    num(t.at[0]),
                    num(t.at[1]),
                    num(t.em),
                    num(length),
                    fill_attrs(Some(t.color)),
                    esc(&t.text)
                );
            }
        }
    }
    if clipped {
        s.push_str("</g>\n");
    }
    s.push_str("</svg>\n");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.25), "1.25");
        assert_eq!(num(1.255), "1.25");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(1200.5), "1200.5");
        assert_eq!(opacity(80), "0.314");
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
