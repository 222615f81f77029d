//! Exports: the figure of a scene painted off-screen as PNG, SVG or an animated GIF, with no
//! window, display or GPU. Painted from the same [`crate::figure::model::Figure`] the window
//! paints, with the font egui embeds, so output looks alike everywhere.
//!
//! One picture, three painters: `layout` places a request's parts in the image and builds
//! its draw list ([`crate::figure::draw`]: colour map, one path per contour level, trails
//! with their heads, markers, axes, colour bar, legend, title) with the builders the window
//! uses too ([`crate::figure::items`]); the tiny-skia painter (`raster`, PNG and GIF frames),
//! the SVG writer (`svg`) and the window's egui painter only paint that list.
//!
//! ```no_run
//! use losscape::export::{self, FigureRequest};
//! let scene = losscape::scene::builtin("rosenbrock-race").unwrap();
//! let runs = losscape::scene::Runs::compute(&scene);
//! let req = FigureRequest::whole(&scene, &runs, 1600, 1200);
//! let png = export::render_png(&req).unwrap();
//! # let _ = png;
//! ```

mod data_panel;
mod format;
mod gif;
pub(crate) mod layout;
mod map;
mod png;
mod raster;
mod svg;

use crate::engine::{Trajectory, ViewBox};
pub use crate::figure::draw::{FigureStyle, LegendPlacement, Theme};
pub use crate::figure::landscape::{Look, ViewMode};
use crate::figure::projection::{Projection, fit_aspect};
use crate::scene::Scene;
pub use format::{Content, Format};
use layout::{Canvas, Layout};
pub use map::{MapPicture, fit_basin_to_png, map_csv, render_map_png, render_map_rgba};

/// Smallest width and height of an export, in pixels.
pub const MIN_SIZE: u32 = 16;
/// Largest width and height of an export, in pixels.
pub const MAX_SIZE: u32 = 8192;
/// Most frames in a GIF.
pub const MAX_FRAMES: u32 = 10_000;
/// Highest GIF frame rate (its delays are whole centiseconds).
pub const MAX_FPS: f64 = 100.0;

/// What to draw: a scene's figure at one step over one view, at a size in pixels.
#[derive(Clone, Copy, Debug)]
pub struct FigureRequest<'a> {
    pub scene: &'a Scene,
    /// One entry per scene optimizer, `None` for disabled ones (as `Session::runs` in the
    /// app); see [`crate::scene::Runs`].
    pub runs: &'a [Option<Trajectory>],
    /// The region of parameter space the plot area shows. It is widened along one axis to
    /// the plot area's shape ([`fit_view`]) so the surface is never distorted: a unit is as
    /// long on x as on y.
    pub view: ViewBox,
    /// Trails are drawn up to this step (clamped to the scene's steps). For a GIF, the last
    /// frame's step.
    pub step: usize,
    pub width: u32,
    pub height: u32,
    /// Theme, legend placement and highlighted optimizer (the window passes its own).
    pub style: FigureStyle,
    /// How an SVG sets its text.
    pub svg_text: SvgText,
    /// 2D, 3D or both side by side.
    pub mode: ViewMode,
    /// The 3D view's camera and heights (its box is the scene's view box).
    pub look: Look,
}

/// How an SVG sets its text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SvgText {
    /// Every glyph as a path: it looks the same in every program, whether or not it reads
    /// the embedded font (rsvg-convert, Inkscape and office suites ignore `@font-face` and
    /// substitute a font of other widths), but is not text to select or search.
    #[default]
    Outlines,
    /// `<text>` in the embedded font: selectable, exact only where `@font-face` is honoured
    /// (browsers).
    Text,
}

impl SvgText {
    pub const ALL: [SvgText; 2] = [SvgText::Outlines, SvgText::Text];

    /// Its name as the command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            SvgText::Outlines => "outlines",
            SvgText::Text => "text",
        }
    }

    /// The choice named `name`.
    pub fn parse(name: &str) -> Option<SvgText> {
        SvgText::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl<'a> FigureRequest<'a> {
    /// The scene's own view box (fitted to the plot area) at its last step, as
    /// `losscape render` draws it.
    pub fn whole(
        scene: &'a Scene,
        runs: &'a [Option<Trajectory>],
        width: u32,
        height: u32,
    ) -> Self {
        FigureRequest {
            scene,
            runs,
            view: fit_view(scene, scene.view_box(), width, height),
            step: scene.last_step(),
            width,
            height,
            style: FigureStyle::default(),
            svg_text: SvgText::default(),
            mode: ViewMode::TwoD,
            look: Look {
                camera: scene.camera.unwrap_or_default(),
                ..Look::default()
            },
        }
    }

    /// This request showing `mode`, with the scene's own view box fitted to the 2D plot of
    /// that mode (side by side, the 2D plot is half as wide).
    pub fn in_mode(self, mode: ViewMode) -> Self {
        let (layout, _) =
            Layout::for_mode(self.scene, self.width, self.height, self.style.legend, mode);
        let [_, _, w, h] = layout.plot;
        FigureRequest {
            mode,
            view: fit_aspect(self.scene.view_box(), w, h),
            ..self
        }
    }
}

/// How to animate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GifOptions {
    /// 1 to [`MAX_FRAMES`].
    pub frames: u32,
    /// Above 0, at most [`MAX_FPS`].
    pub fps: f64,
}

impl Default for GifOptions {
    fn default() -> Self {
        GifOptions {
            frames: 120,
            fps: 30.0,
        }
    }
}

impl GifOptions {
    pub fn validate(&self) -> Result<(), ExportError> {
        if !(1..=MAX_FRAMES).contains(&self.frames) {
            return Err(ExportError::InvalidOption(format!(
                "{} frames is out of range: a GIF has 1 to {MAX_FRAMES} frames",
                self.frames
            )));
        }
        if !(self.fps > 0.0 && self.fps <= MAX_FPS) {
            return Err(ExportError::InvalidOption(format!(
                "{} frames per second is out of range: the rate must be above 0 and at most {MAX_FPS}",
                self.fps
            )));
        }
        Ok(())
    }
}

/// Why an export failed.
#[derive(Debug)]
pub enum ExportError {
    /// The progress callback asked to stop.
    Cancelled,
    /// Width or height outside [`MIN_SIZE`]..=[`MAX_SIZE`].
    InvalidSize { width: i64, height: i64 },
    /// Another request or option is unusable; the message says which and why.
    InvalidOption(String),
    /// Writing the output failed.
    Io(std::io::Error),
    /// The image could not be encoded.
    Encode(String),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Cancelled => write!(f, "the export was cancelled"),
            ExportError::InvalidSize { width, height } => write!(
                f,
                "the image size {width}×{height} is out of range: width and height must each be {MIN_SIZE} to {MAX_SIZE} pixels"
            ),
            ExportError::InvalidOption(m) => write!(f, "{m}"),
            ExportError::Io(e) => write!(f, "cannot write the export: {e}"),
            ExportError::Encode(m) => write!(f, "cannot encode the image: {m}"),
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExportError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Io(e)
    }
}

/// `width × height` as pixel counts if both are in [`MIN_SIZE`]..=[`MAX_SIZE`].
pub fn check_size(width: i64, height: i64) -> Result<(u32, u32), ExportError> {
    let ok = |v: i64| (i64::from(MIN_SIZE)..=i64::from(MAX_SIZE)).contains(&v);
    if ok(width) && ok(height) {
        Ok((width as u32, height as u32))
    } else {
        Err(ExportError::InvalidSize { width, height })
    }
}

/// Left, top, width and height (whole pixels) of the plot area in a `width × height` export
/// of `scene` with the legend beside the plot (the default; the header depends on the
/// scene's title and claim, the legend's column on its labels).
pub fn plot_rect(scene: &Scene, width: u32, height: u32) -> [f64; 4] {
    plot_rect_with(scene, width, height, LegendPlacement::Beside)
}

/// As [`plot_rect`] with the legend placed by `legend` (only beside the plot takes room).
pub fn plot_rect_with(scene: &Scene, width: u32, height: u32, legend: LegendPlacement) -> [f64; 4] {
    Layout::for_scene(scene, width, height, legend).plot
}

/// `view` widened along one axis to the plot area's shape, so a unit is as long on x as on y.
pub fn fit_view(scene: &Scene, view: ViewBox, width: u32, height: u32) -> ViewBox {
    let [_, _, w, h] = plot_rect(scene, width, height);
    fit_aspect(view, w, h)
}

/// Where parameter-space points land in the 2D plot of `req` (its view fitted to the plot).
pub fn projection(req: &FigureRequest) -> Projection {
    let rect = Layout::for_mode(req.scene, req.width, req.height, req.style.legend, req.mode)
        .0
        .plot;
    Projection::new(fit_aspect(req.view, rect[2], rect[3]), rect)
}

/// Where a figure's legend is and what it says.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendPlaced {
    /// Left, top, width, height in pixels.
    pub rect: [f64; 4],
    /// Every line of its text, in order.
    pub lines: Vec<String>,
}

/// The legend of `req`'s figure, if it is drawn.
pub fn legend_box(req: &FigureRequest) -> Result<Option<LegendPlaced>, ExportError> {
    check(req)?;
    let canvas = Canvas::new(req)?;
    Ok(canvas.legend_box(req.step).map(|b| LegendPlaced {
        rect: b.rect,
        lines: b.texts().map(str::to_string).collect(),
    }))
}

fn check(req: &FigureRequest) -> Result<(), ExportError> {
    check_size(i64::from(req.width), i64::from(req.height))?;
    if req.runs.len() != req.scene.optimizers.len() {
        return Err(ExportError::InvalidOption(format!(
            "{} trajectories for a scene with {} optimizers: pass one entry per optimizer (None for disabled ones)",
            req.runs.len(),
            req.scene.optimizers.len()
        )));
    }
    Ok(())
}

/// The figure as an RGBA image (premultiplied, but every pixel is opaque).
pub fn render_rgba(req: &FigureRequest) -> Result<tiny_skia::Pixmap, ExportError> {
    check(req)?;
    let canvas = Canvas::new(req)?;
    let mut pixmap = raster::pixmap(req.width, req.height)?;
    raster::paint(&mut pixmap, &canvas, &canvas.items(req.step));
    Ok(pixmap)
}

/// The figure as a PNG file.
pub fn render_png(req: &FigureRequest) -> Result<Vec<u8>, ExportError> {
    encode_png(&render_rgba(req)?)
}

/// An opaque RGBA row as RGB.
fn rgb_of(rgba: &[u8], rgb: &mut [u8]) {
    for (o, p) in rgb.chunks_exact_mut(3).zip(rgba.chunks_exact(4)) {
        o.copy_from_slice(&p[..3]);
    }
}

/// A rendered figure as a PNG file. Figures are opaque and take the fast RGB encoder; a
/// pixmap with any transparency is written as RGBA by tiny-skia's.
pub fn encode_png(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, ExportError> {
    let data = pixmap.data();
    let opaque = data.chunks_exact(4).all(|p| p[3] == 255);
    let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
    let fast = opaque.then(|| {
        png::encode_rgb(w, h, |row, out| {
            rgb_of(&data[row * 4 * w..(row + 1) * 4 * w], out);
        })
    });
    match fast.flatten() {
        Some(png) => Ok(png),
        None => pixmap
            .encode_png()
            .map_err(|e| ExportError::Encode(e.to_string())),
    }
}

/// The figure as an SVG document.
pub fn render_svg(req: &FigureRequest) -> Result<String, ExportError> {
    check(req)?;
    let canvas = Canvas::new(req)?;
    let mut items = canvas.static_items();
    items.extend(canvas.dynamic_items(req.step));
    svg::write(&canvas, &items, req.svg_text)
}

/// The animation from step 0 to `req.step` in `opts.frames` frames (evenly spaced steps; the
/// last frame is `req.step`), looping forever. `progress(done, total)` is called as frames are
/// written; returning false cancels with [`ExportError::Cancelled`] (what was written to `out`
/// so far is then not a valid GIF: write to a temporary file, as [`crate::io::write_atomic_with`]
/// does).
pub fn render_gif(
    req: &FigureRequest,
    opts: &GifOptions,
    out: &mut dyn std::io::Write,
    progress: &mut dyn FnMut(u32, u32) -> bool,
) -> Result<(), ExportError> {
    check(req)?;
    opts.validate()?;
    let canvas = Canvas::new(req)?;
    let last = req.step.min(req.scene.last_step());
    gif::encode(&canvas, last, opts, out, progress)
}
