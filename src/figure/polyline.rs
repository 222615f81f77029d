//! Polylines reduced to what a screen can show.

/// Douglas–Peucker: the fewest points that stay within `tolerance` of the polyline.
pub fn simplify(line: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    simplify_indices(line, tolerance)
        .into_iter()
        .map(|k| line[k])
        .collect()
}

/// As [`simplify`], the indices of the points kept (increasing; the first and last always),
/// so a caller can keep its own coordinates for them.
pub fn simplify_indices(line: &[[f64; 2]], tolerance: f64) -> Vec<usize> {
    if line.len() <= 2 {
        return (0..line.len()).collect();
    }
    let mut keep = vec![false; line.len()];
    keep[0] = true;
    keep[line.len() - 1] = true;
    let mut stack = vec![(0, line.len() - 1)];
    let tol2 = tolerance * tolerance;
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (p, q) = (line[a], line[b]);
        let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
        let len2 = dx * dx + dy * dy;
        let mut worst = (0.0, a);
        for (k, r) in line.iter().enumerate().take(b).skip(a + 1) {
            let d2 = if len2 == 0.0 {
                (r[0] - p[0]).powi(2) + (r[1] - p[1]).powi(2)
            } else {
                let cross = dx * (r[1] - p[1]) - dy * (r[0] - p[0]);
                cross * cross / len2
            };
            if d2 > worst.0 {
                worst = (d2, k);
            }
        }
        if worst.0 > tol2 {
            keep[worst.1] = true;
            stack.push((a, worst.1));
            stack.push((worst.1, b));
        }
    }
    keep.iter()
        .enumerate()
        .filter_map(|(k, &kept)| kept.then_some(k))
        .collect()
}

/// `lines` cut into dashes `on` long with gaps `off` long, the pattern running on along each
/// line from its start (so the dashes of a growing trail stay where they are as it grows).
pub fn dash(lines: &[Vec<[f64; 2]>], on: f64, off: f64) -> Vec<Vec<[f64; 2]>> {
    let mut out = Vec::new();
    if !(on > 0.0 && off >= 0.0) {
        return lines.to_vec();
    }
    let period = on + off;
    for line in lines {
        // position in the pattern, from 0 to `period`
        let mut phase = 0.0;
        let mut current: Vec<[f64; 2]> = Vec::new();
        if line.len() == 1 {
            out.push(line.clone());
            continue;
        }
        if let Some(&first) = line.first() {
            current.push(first);
        }
        for w in line.windows(2) {
            let (a, b) = (w[0], w[1]);
            let len = (b[0] - a[0]).hypot(b[1] - a[1]);
            if !len.is_finite() {
                current.clear();
                continue;
            }
            let at = |d: f64| {
                let t = if len > 0.0 { d / len } else { 0.0 };
                [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
            };
            let mut d = 0.0;
            while d < len {
                let drawing = phase < on;
                let boundary = if drawing { on } else { period };
                let step = (boundary - phase).min(len - d);
                d += step;
                phase += step;
                if drawing {
                    current.push(at(d));
                }
                if phase >= boundary {
                    if drawing {
                        if current.len() >= 2 {
                            out.push(std::mem::take(&mut current));
                        }
                        current.clear();
                    } else {
                        phase = 0.0;
                        current.push(at(d));
                    }
                }
            }
        }
        if current.len() >= 2 {
            out.push(current);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_follow_the_line_with_their_gaps() {
        let line = vec![vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]]];
        let dashes = dash(&line, 3.0, 2.0);
        // 20 long: dashes at 0–3, 5–8, 10–13 (round the corner), 15–18
        assert_eq!(dashes.len(), 4, "{dashes:?}");
        assert_eq!(dashes[0], vec![[0.0, 0.0], [3.0, 0.0]]);
        assert_eq!(dashes[2], vec![[10.0, 0.0], [10.0, 3.0]]);
        assert_eq!(dashes[3], vec![[10.0, 5.0], [10.0, 8.0]]);
        let total: f64 = dashes
            .iter()
            .flat_map(|d| d.windows(2))
            .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
            .sum();
        assert!((total - 12.0).abs() < 1e-9, "{total}");
        assert_eq!(dash(&line, 0.0, 1.0), line);
    }

    #[test]
    fn simplify_drops_collinear_points_only() {
        let line: Vec<[f64; 2]> = (0..100).map(|i| [i as f64, 0.0]).collect();
        assert_eq!(simplify(&line, 0.1), vec![[0.0, 0.0], [99.0, 0.0]]);
        let bent = [[0.0, 0.0], [5.0, 5.0], [10.0, 0.0]];
        assert_eq!(simplify(&bent, 0.1).len(), 3);
        assert_eq!(simplify_indices(&bent, 10.0), vec![0, 2]);
        assert!(simplify_indices(&[], 1.0).is_empty());
    }
}
