//! The scene layer's error: one sentence naming the file, the line and column (or the key)
//! and what is valid there.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SceneErrorKind {
    /// The file could not be read.
    Io,
    /// Not valid TOML.
    Syntax,
    /// Valid TOML, but not a valid scene.
    Invalid,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SceneError {
    pub kind: SceneErrorKind,
    /// The file path, `builtin:NAME`, or another name for where the text came from.
    pub origin: String,
    /// 1-based line and column, when the error has a place in the text.
    pub location: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((line, col)) => write!(f, "{}:{line}:{col}: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for SceneError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The closest of `candidates` to `word`, if it is a plausible typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 4) && d < c.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "a = 1\nbb = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 9), (2, 4));
    }

    #[test]
    fn suggests_typos_only() {
        assert_eq!(suggest("momentun", ["lr", "momentum"]), Some("momentum"));
        assert_eq!(suggest("zzz", ["lr", "momentum"]), None);
    }
}
