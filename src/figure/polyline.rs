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

#[cfg(test)]
mod tests {
    use super::*;

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
