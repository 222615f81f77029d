//! Every limit on what a scene may ask for, in one place. Scenes come from strangers (share
//! links are the point of the web page), so the size of the input and the work it asks for are
//! bounded and checked once, at the boundary where text becomes a scene (file, link, the app's
//! remembered session), before any work is done. Within these limits every scene computes and
//! renders in well under 4 GB (README, "Limits"); beyond them the error names the limit.

use super::Scene;

/// Largest scene file, in bytes (also the most a share link may unpack to). A scene with the
/// most optimizers, every key written out and comments is about 30 KB.
pub const MAX_SCENE_BYTES: usize = 256 * 1024;
/// Longest packed share link (the part after `#scene=`), in characters.
pub const MAX_LINK_CHARS: usize = 16 * 1024;
/// Deepest nesting of arrays and tables in a scene file (a scene needs 3: `[[optimizer]]`, its
/// `schedule = { … }`, `view = { x = [ … ] }`); bounds the parser's recursion.
pub const MAX_NESTING: usize = 8;
/// Most optimizers in a scene (enabled or not).
pub const MAX_OPTIMIZERS: usize = 64;
/// Largest `steps` (updates per optimizer).
pub const MAX_STEPS: u64 = 1_000_000;
/// Most optimizer steps in all: enabled optimizers × (steps + 1) iterates. Each iterate costs
/// the app about 60 bytes (point, loss, trail, loss curve), so this bounds a scene's memory to
/// about 1 GB in the app and 0.5 GB in `render`.
pub const MAX_WORK: u64 = 16_000_000;
/// Most cells along each side of a map of many runs.
pub const MAX_MAP_SIZE: usize = 1024;
/// Most optimizer steps one map may take: cells × steps (a 256² map of 15,000 steps, or a
/// 1024² map of 953). Maps keep one cell per run, not the runs, so this bounds time (about
/// 20 s on two cores), not memory.
pub const MAX_MAP_WORK: u64 = 1_000_000_000;
/// Longest scene `name`, in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest `description` (the lesson's claim shown above the plot), in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 600;
/// Longest optimizer `label`, in characters.
pub const MAX_LABEL_CHARS: usize = 64;
/// Largest absolute coordinate of a `view` bound: beyond it a view's width overflows and
/// pixels no longer resolve distinct points.
pub const MAX_VIEW_COORD: f64 = 1e6;
/// Narrowest `view` side (`high − low`).
pub const MIN_VIEW_EXTENT: f64 = 1e-6;
/// Largest data file (CSV), in bytes, read no further: 100,000 rows of two numbers written
/// in full precision are about 4 MB.
pub const MAX_DATA_BYTES: usize = 8 * 1024 * 1024;
/// Most example evaluations a data scene may ask for: over every enabled optimizer,
/// (steps + 1) × (n for each row's whole-set loss + B for its minibatch gradient). About
/// ten seconds of one core; the work limit alone would let 100,000 examples ask for hours.
pub const MAX_DATA_WORK: u64 = 2_000_000_000;

/// The work a scene asks for: enabled optimizers × (steps + 1) iterates.
pub fn work(scene: &Scene) -> u64 {
    let enabled = scene.enabled().count() as u64;
    enabled.saturating_mul(scene.steps.saturating_add(1))
}

/// Why a scene asking for `optimizers` runs of `steps` steps is too much work, if it is.
pub fn check_work(optimizers: usize, steps: u64) -> Result<(), String> {
    let work = (optimizers as u64).saturating_mul(steps.saturating_add(1));
    if work <= MAX_WORK {
        return Ok(());
    }
    let most = (MAX_WORK / steps.saturating_add(1)).max(1);
    Err(format!(
        "too much work: {optimizers} optimizers × {} iterates = {work} optimizer steps, above \
         the work limit of {MAX_WORK} (at {steps} steps, at most {most} optimizers)",
        steps.saturating_add(1)
    ))
}

/// Why a map of `size` cells (columns, rows) of `steps` steps each is too much work, if it is.
pub fn check_map_work(size: [usize; 2], steps: u64) -> Result<(), String> {
    let cells = (size[0] as u64).saturating_mul(size[1] as u64);
    let work = cells.saturating_mul(steps);
    if work <= MAX_MAP_WORK {
        return Ok(());
    }
    let most = MAX_MAP_WORK / cells.max(1);
    Err(format!(
        "too much work for a map: {}×{} cells × {steps} steps = {work} optimizer steps, above \
         the map limit of {MAX_MAP_WORK} (at this size, at most {most} steps)",
        size[0], size[1]
    ))
}

/// Why a data scene is too much work, if it is: `batches` holds each enabled optimizer's
/// minibatch size over `n` training examples.
pub fn check_data_work(n: usize, batches: &[usize], steps: u64) -> Result<(), String> {
    let per_step: u64 = batches.iter().map(|&b| (n + b) as u64).sum();
    let work = per_step.saturating_mul(steps.saturating_add(1));
    if work <= MAX_DATA_WORK {
        return Ok(());
    }
    let most = (MAX_DATA_WORK / per_step.max(1)).saturating_sub(1);
    Err(format!(
        "too much work on the data: {} optimizers over {n} examples for {} iterates need {work} example evaluations, above the data work limit of {MAX_DATA_WORK} (with these optimizers and data, at most {most} steps)",
        batches.len(),
        steps.saturating_add(1)
    ))
}

/// Why `scene`, a data scene, is too much work, if it is (nothing to check without data).
pub fn check_scene_data_work(scene: &Scene) -> Result<(), String> {
    let Some(d) = scene.surface.data_surface() else {
        return Ok(());
    };
    let batches: Vec<usize> = scene
        .enabled()
        .filter_map(|o| o.spec.effective_batch(&scene.surface))
        .collect();
    check_data_work(d.len(), &batches, scene.steps)
}

/// The most `steps` that `enabled` optimizers may run within [`MAX_WORK`].
pub fn most_steps(enabled: usize) -> u64 {
    (MAX_WORK / (enabled.max(1) as u64))
        .saturating_sub(1)
        .min(MAX_STEPS)
}

/// Why one more enabled optimizer does not fit in `scene`, if it does not.
pub fn check_one_more(scene: &Scene) -> Result<(), String> {
    if scene.optimizers.len() >= MAX_OPTIMIZERS {
        return Err(format!(
            "the scene has {} optimizers; the limit is {MAX_OPTIMIZERS}",
            scene.optimizers.len()
        ));
    }
    check_work(scene.enabled().count() + 1, scene.steps)
}

/// Why a string field of `what` with this text is too long, if it is.
pub fn check_chars(text: &str, most: usize, what: &str) -> Result<(), String> {
    // counting stops past the limit, so a huge string costs no more than a short one
    let n = text.chars().take(most + 1).count();
    if n <= most {
        Ok(())
    } else {
        Err(format!(
            "{what} is too long ({} characters; the limit is {most})",
            text.chars().count()
        ))
    }
}

/// The deepest nesting of `[`/`{` in TOML text outside strings and comments, stopping as soon
/// as it passes `limit`; the parser's recursion is bounded by this before it runs. Returns
/// the byte offset where the limit was passed.
pub fn nesting_beyond(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                let triple = bytes.get(i..i + 3) == Some(&[q, q, q][..]);
                let close: &[u8] = if triple { &[q, q, q] } else { &[q] };
                i += close.len();
                while i < bytes.len() && !bytes[i..].starts_with(close) {
                    // a basic string's escapes: `\"` does not close it
                    if q == b'"' && bytes[i] == b'\\' {
                        i += 1;
                    }
                    if !triple && bytes[i.min(bytes.len() - 1)] == b'\n' {
                        break;
                    }
                    i += 1;
                }
                i += close.len() - 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_brackets_outside_strings_and_comments() {
        assert_eq!(
            nesting_beyond("a = [[1, 2], [3]]\n[[optimizer]]\n", 2),
            None
        );
        assert_eq!(nesting_beyond("a = [[[1]]]", 2), Some(6));
        let quoted = "d = \"[[[[\"\nl = '{{{{'\nm = \"\"\"\n[[[[\"\"\"\n# [[[[\nx = [1]";
        assert_eq!(nesting_beyond(quoted, 1), None);
        assert_eq!(nesting_beyond("d = \"\\\"[[[\"", 1), None);
        assert_eq!(nesting_beyond(&"[".repeat(1_000_000), MAX_NESTING), Some(8));
        // an unterminated string ends the scan without reading past the end
        assert_eq!(nesting_beyond("d = \"abc\\", 1), None);
        assert_eq!(nesting_beyond("d = '''abc", 1), None);
    }

    #[test]
    fn data_work_counts_examples() {
        assert!(check_data_work(1000, &[1000, 1], 600_000).is_ok());
        let e = check_data_work(100_000, &[100_000; 10], 1_000_000).expect_err("too much");
        assert!(e.contains("data work limit"), "{e}");
        assert!(e.contains("at most 999 steps"), "{e}");
    }

    #[test]
    fn work_and_text_limits_name_themselves() {
        assert!(check_work(16, 999_999).is_ok());
        let e = check_work(1000, 1_000_000).expect_err("too much");
        assert!(e.contains("work limit of 16000000"), "{e}");
        assert!(e.contains("at most 15 optimizers"), "{e}");
        assert_eq!(most_steps(16), 999_999);
        assert_eq!(most_steps(0), MAX_STEPS);
        assert!(check_work(64, most_steps(64)).is_ok());
        assert!(check_work(64, most_steps(64) + 1).is_err());
        assert!(check_map_work([256, 256], 15_000).is_ok());
        let e = check_map_work([1024, 1024], 1000).expect_err("too much");
        assert!(e.contains("at most 953 steps"), "{e}");
        assert!(check_chars("abc", 3, "`label`").is_ok());
        let e = check_chars(&"é".repeat(70), 64, "`label`").expect_err("long");
        assert_eq!(
            e,
            "`label` is too long (70 characters; the limit is 64)".to_string()
        );
    }
}
