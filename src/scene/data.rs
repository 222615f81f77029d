//! Data sets of data surfaces as a scene gives them (CONTRACT.md, "Data surfaces and
//! minibatches"): CSV text with an optional header row, CSV files read with a size cap, and
//! the data sets shipped with losscape (`builtin:NAME`, embedded in the binary so the names
//! resolve from any folder and in the browser).

use super::limits::MAX_DATA_BYTES;
use crate::engine::data::{Examples, MAX_EXAMPLES};
use std::path::Path;

/// One data set shipped with losscape.
pub struct Dataset {
    pub name: &'static str,
    /// One line: what it is and which lesson it serves.
    pub description: &'static str,
    pub csv: &'static str,
}

macro_rules! dataset {
    ($name:literal, $description:literal) => {
        Dataset {
            name: $name,
            description: $description,
            csv: include_str!(concat!("../../assets/data/", $name, ".csv")),
        }
    };
}

/// The built-in data sets, in the order `losscape datasets` lists them.
pub const DATASETS: &[Dataset] = &[
    dataset!("line", "20 points near the line b = 2a + 1 (noise σ 0.6)"),
    dataset!(
        "line-far",
        "20 points on a line with features 8…12, far from zero: a ravine until normalized"
    ),
    dataset!(
        "classes-overlap",
        "two overlapping classes (targets 0/1), 30 each, for logistic regression"
    ),
    dataset!(
        "classes-separable",
        "two separable classes (targets 0/1): logistic regression has no minimum without l2"
    ),
    dataset!(
        "tanh",
        "24 points from a one-unit tanh network b = 1.5·tanh(1.2a) plus noise"
    ),
    dataset!(
        "line-large",
        "1,000 points near the line b = 2a + 1 (noise σ 1), for batch-size lessons"
    ),
    dataset!(
        "classes-large",
        "1,000 examples of two overlapping classes (targets 0/1)"
    ),
    dataset!(
        "line-few",
        "8 points near the line b = 2a + 1 (noise σ 1.2): a small training set"
    ),
    dataset!(
        "line-heldout",
        "200 more points from the same line as line-few: its held-out test set"
    ),
];

/// A built-in data set by name.
pub fn dataset(name: &str) -> Option<&'static Dataset> {
    DATASETS.iter().find(|d| d.name == name)
}

/// Where a CSV went wrong: 1-based line and column, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

fn csv_err(line: usize, column: usize, message: impl Into<String>) -> CsvError {
    CsvError {
        line,
        column,
        message: message.into(),
    }
}

/// Reads CSV text of two numeric columns (feature, target), comma separated, with an optional
/// first row of column names; blank lines are skipped. Values must be finite and there may be
/// at most [`MAX_EXAMPLES`] rows.
pub fn parse_csv(text: &str) -> Result<Examples, CsvError> {
    let mut examples = Vec::new();
    let mut first = true;
    for (i, raw) in text.split('\n').enumerate() {
        let line = i + 1;
        let row = raw.strip_suffix('\r').unwrap_or(raw);
        if row.trim().is_empty() {
            continue;
        }
        let cells = cells(row);
        let header = first && cells.iter().all(|(_, c)| c.parse::<f64>().is_err());
        first = false;
        if header {
            continue;
        }
        if cells.len() != 2 {
            return Err(csv_err(
                line,
                1,
                format!(
                    "a row must be two numbers, feature and target, separated by a comma; \
                     this one has {} cells",
                    cells.len()
                ),
            ));
        }
        if examples.len() >= MAX_EXAMPLES {
            return Err(csv_err(
                line,
                1,
                format!("more than {MAX_EXAMPLES} rows; the limit is {MAX_EXAMPLES} examples"),
            ));
        }
        let mut pair = [0.0; 2];
        for (slot, (column, cell)) in pair.iter_mut().zip(&cells) {
            let v: f64 = cell
                .parse()
                .map_err(|_| csv_err(line, *column, format!("`{cell}` is not a number")))?;
            if !v.is_finite() {
                return Err(csv_err(
                    line,
                    *column,
                    format!("`{cell}` is not finite; every value must be a finite number"),
                ));
            }
            *slot = v;
        }
        examples.push(pair);
    }
    Ok(examples)
}

/// The comma-separated cells of a row, trimmed, each with its 1-based column (in characters)
/// where its text starts.
fn cells(row: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in row.split(',') {
        let lead = part.len() - part.trim_start().len();
        let column = row[..start + lead].chars().count() + 1;
        out.push((column, part.trim()));
        start += part.len() + 1;
    }
    out
}

/// A data file's text, reading no more than one byte past [`MAX_DATA_BYTES`].
pub fn read_data_file(path: &Path) -> Result<String, String> {
    super::read_text_capped(path, MAX_DATA_BYTES, "data file")
}

/// Examples as CSV text that [`parse_csv`] reads back to the same values.
pub fn to_csv(examples: &[[f64; 2]]) -> String {
    let mut s = String::from("feature,target\n");
    for [a, b] in examples {
        s.push_str(&format!("{a:?},{b:?}\n"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_blank_lines_are_skipped() {
        let e = parse_csv("feature,target\r\n1, 2\n\n  \n3.5,-4e1\n").expect("valid");
        assert_eq!(e, vec![[1.0, 2.0], [3.5, -40.0]]);
        assert_eq!(parse_csv("1,2").expect("no header"), vec![[1.0, 2.0]]);
    }

    #[test]
    fn a_bad_cell_is_named_by_line_and_column() {
        let e = parse_csv("a,b\n1,2\n3, x7\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 4));
        assert!(e.message.contains("`x7` is not a number"), "{}", e.message);
        let e = parse_csv("1,2,3\n").unwrap_err();
        assert!(e.message.contains("3 cells"), "{}", e.message);
        let e = parse_csv("1,inf\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 3));
        assert!(e.message.contains("finite"));
    }

    #[test]
    fn too_many_rows_stop_at_the_first_beyond_the_limit() {
        let text = "1,2\n".repeat(MAX_EXAMPLES + 1);
        let e = parse_csv(&text).unwrap_err();
        assert_eq!(e.line, MAX_EXAMPLES + 1);
    }

    #[test]
    fn every_builtin_data_set_reads_and_round_trips() {
        assert!(DATASETS.len() >= 6);
        for d in DATASETS {
            let e = parse_csv(d.csv).unwrap_or_else(|e| panic!("{}: {e:?}", d.name));
            assert!(!e.is_empty(), "{}", d.name);
            assert_eq!(parse_csv(&to_csv(&e)).expect("round trip"), e);
        }
        assert_eq!(
            dataset("line-large").map(|d| parse_csv(d.csv).map(|e| e.len())),
            Some(Ok(1000))
        );
    }
}
