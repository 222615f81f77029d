//! Polylines reduced to what a screen can show.

/// Douglas–Peucker: the fewest points that stay within `tolerance` of the polyline.
pub fn simplify(line: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    if line.len() <= 2 {
        return line.to_vec();
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
    line.iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
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
    }
}
