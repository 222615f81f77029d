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
}
