//! Optimizer colours, and the second cue past the colours an eye tells apart at a glance.
//!
//! The first [`DISTINCT`] are Okabe–Ito's (safe for the common colour-vision deficiencies;
//! scenes up to that many optimizers use them alone). A class cannot keep more hues apart on
//! a colour map, so optimizers from [`DISTINCT`] on are also drawn dashed (on the plot and in
//! the legend), in eight further colours picked greedily to be as far (CIE76 ΔE) from every
//! earlier one as possible: no two of the sixteen are closer than ΔE 42, farther apart than
//! Okabe–Ito's own orange and vermillion (33). Past sixteen the colours repeat, dashed.
//! Every trail reads on viridis because it is drawn over a casing of the opposite lightness
//! (see [`super::items`]).

pub const PALETTE: [[u8; 3]; 16] = [
    [230, 159, 0],   // orange
    [86, 180, 233],  // sky blue
    [240, 228, 66],  // yellow
    [213, 94, 0],    // vermillion
    [204, 121, 167], // reddish purple
    [0, 158, 115],   // bluish green
    [255, 255, 255], // white
    [0, 114, 178],   // blue
    // dashed from here on
    [221, 17, 255],  // violet
    [0, 255, 0],     // green
    [255, 34, 102],  // crimson
    [136, 119, 255], // periwinkle
    [153, 136, 85],  // khaki
    [153, 255, 136], // mint
    [255, 51, 187],  // pink
    [0, 255, 255],   // cyan
];

/// How many optimizers are told apart by colour alone.
pub const DISTINCT: usize = 8;

/// The colour of the `index`-th optimizer, unless the scene names one.
pub fn color(index: usize, custom: Option<[u8; 3]>) -> [u8; 3] {
    custom.unwrap_or(PALETTE[index % PALETTE.len()])
}

/// Whether the `index`-th optimizer's trail is dashed (its second cue).
pub fn dashed(index: usize) -> bool {
    index >= DISTINCT
}

/// `#rrggbb`
pub fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Relative luminance (WCAG) of an sRGB colour, 0 for black to 1 for white.
pub fn luminance(c: [u8; 3]) -> f64 {
    let lin = |u: u8| {
        let c = f64::from(u) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

/// WCAG contrast ratio of two luminances (1 to 21).
pub fn contrast(a: f64, b: f64) -> f64 {
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// `color` as a line on a plain page of luminance `page` (a loss curve, a swatch without a
/// casing): kept if it stands out enough (contrast 2:1), otherwise darkened (on a light
/// page) or lightened (on a dark one) just until it does, so the yellow of a trail stays a
/// visible dark yellow on white.
pub fn readable_on(color: [u8; 3], page: f64) -> [u8; 3] {
    const ENOUGH: f64 = 2.0;
    if contrast(luminance(color), page) >= ENOUGH {
        return color;
    }
    let toward: f64 = if page > 0.5 { 0.0 } else { 255.0 };
    let mix = |k: f64| color.map(|c| (f64::from(c) + k * (toward - f64::from(c))).round() as u8);
    // the contrast grows with the mix: bisect for the least mix that is enough
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..20 {
        let mid = 0.5 * (lo + hi);
        if contrast(luminance(mix(mid)), page) >= ENOUGH {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    mix(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_colours_and_the_dashed_ones_past_the_distinct() {
        for (i, a) in PALETTE.iter().enumerate() {
            for b in &PALETTE[i + 1..] {
                assert_ne!(a, b, "{i}");
            }
        }
        assert!(!dashed(DISTINCT - 1) && dashed(DISTINCT) && dashed(15));
        assert!((luminance([255, 255, 255]) - 1.0).abs() < 1e-9);
        assert!((contrast(1.0, 0.0) - 21.0).abs() < 1e-9);
    }

    #[test]
    fn yellow_on_white_is_darkened_until_it_reads() {
        let (white, dark) = (1.0, luminance([27, 27, 27]));
        let yellow = PALETTE[2];
        let on_white = readable_on(yellow, white);
        assert_ne!(on_white, yellow);
        assert!(contrast(luminance(on_white), white) >= 2.0);
        assert!(on_white[0] > on_white[2], "still a yellow: {on_white:?}");
        assert_eq!(readable_on(yellow, dark), yellow, "already reads on dark");
        assert_eq!(
            readable_on(PALETTE[7], white),
            PALETTE[7],
            "blue reads on white"
        );
        for c in PALETTE {
            for page in [white, dark] {
                assert!(
                    contrast(luminance(readable_on(c, page)), page) >= 2.0,
                    "{c:?}"
                );
            }
        }
    }
}
