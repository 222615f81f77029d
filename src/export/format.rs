//! The one list of output formats: figures (PNG, SVG), animations (GIF) and trajectory data
//! (CSV, JSON), each with its file extension, MIME type and name, and the dispatch from a
//! format to the code that writes it. The command line, the app's dialogs and the browser's
//! downloads all read this list, so adding a format is this file plus its writer.

use super::{ExportError, FigureRequest};
use crate::scene::{Runs, Scene};
use std::path::Path;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Png,
    Svg,
    Gif,
    Csv,
    Json,
}

/// What a format holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// A figure at one step.
    Still,
    /// The figure animated over the steps.
    Animation,
    /// The trajectories as numbers.
    Data,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Png,
        Format::Svg,
        Format::Gif,
        Format::Csv,
        Format::Json,
    ];

    /// The file extension, lower case, without the dot; also its name on the command line.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
            Format::Gif => "gif",
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Svg => "image/svg+xml",
            Format::Gif => "image/gif",
            Format::Csv => "text/csv",
            Format::Json => "application/json",
        }
    }

    /// What a file dialog calls it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Png => "PNG image",
            Format::Svg => "SVG image",
            Format::Gif => "GIF animation",
            Format::Csv => "CSV table",
            Format::Json => "JSON document",
        }
    }

    pub fn content(self) -> Content {
        match self {
            Format::Png | Format::Svg => Content::Still,
            Format::Gif => Content::Animation,
            Format::Csv | Format::Json => Content::Data,
        }
    }

    /// The formats holding `content`, in order.
    pub fn of(content: Content) -> impl Iterator<Item = Format> {
        Self::ALL
            .into_iter()
            .filter(move |f| f.content() == content)
    }

    /// The format of an extension, in any case.
    pub fn from_extension(ext: &str) -> Option<Format> {
        Self::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(ext))
    }

    /// The format a path names by its extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        Self::from_extension(path.extension()?.to_str()?)
    }

    /// The file's bytes for a still figure; `None` for other formats (an animation streams
    /// through [`super::render_gif`]).
    pub fn render_still(self, req: &FigureRequest) -> Option<Result<Vec<u8>, ExportError>> {
        match self {
            Format::Png => Some(super::render_png(req)),
            Format::Svg => Some(super::render_svg(req).map(String::into_bytes)),
            Format::Gif | Format::Csv | Format::Json => None,
        }
    }

    /// The text of a data file; `None` for other formats.
    pub fn render_data(self, scene: &Scene, runs: &Runs) -> Option<String> {
        match self {
            Format::Csv => Some(crate::trace::to_csv(scene, runs)),
            Format::Json => Some(crate::trace::to_json(scene, runs)),
            Format::Png | Format::Svg | Format::Gif => None,
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.extension())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_their_format_in_any_case() {
        for f in Format::ALL {
            assert_eq!(Format::from_extension(f.extension()), Some(f));
            assert_eq!(
                Format::from_path(Path::new(&format!("a/b.{}", f.extension().to_uppercase()))),
                Some(f)
            );
            assert!(f.mime().contains('/'));
        }
        assert_eq!(Format::from_path(Path::new("fig")), None);
        assert_eq!(Format::from_extension("jpeg"), None);
        let stills: Vec<Format> = Format::of(Content::Still).collect();
        assert_eq!(stills, [Format::Png, Format::Svg]);
    }
}
