//! Optimizer colours: Okabe–Ito first (safe for the common colour-vision deficiencies), then
//! Paul Tol's light scheme for scenes with more optimizers than that. The first ten are
//! mutually distinct; all read on viridis because trails are drawn over a dark halo.

pub const PALETTE: [[u8; 3]; 15] = [
    [230, 159, 0],   // orange
    [86, 180, 233],  // sky blue
    [240, 228, 66],  // yellow
    [213, 94, 0],    // vermillion
    [204, 121, 167], // reddish purple
    [0, 158, 115],   // bluish green
    [255, 255, 255], // white
    [0, 114, 178],   // blue
    [255, 170, 187], // Tol pink
    [187, 204, 51],  // Tol pear
    [153, 221, 255], // Tol light cyan
    [238, 136, 102], // Tol light orange
    [68, 187, 153],  // Tol mint
    [170, 170, 0],   // Tol olive
    [221, 221, 221], // light grey
];

/// The colour of the `index`-th optimizer, unless the scene names one.
pub fn color(index: usize, custom: Option<[u8; 3]>) -> [u8; 3] {
    custom.unwrap_or(PALETTE[index % PALETTE.len()])
}

/// `#rrggbb`
pub fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}
