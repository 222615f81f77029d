//! The window's exports: a screenshot of the plot as shown, a figure (PNG or SVG at a chosen
//! size) and an animation (GIF) painted off-screen by [`crate::export`]. Slow work runs on a
//! helper thread with progress and Cancel; files are written aside and renamed, so a failure
//! or a cancel never leaves half a file.

use crate::engine::ViewBox;
use crate::export::{self, ExportError, FigureRequest, Format, GifOptions};
use crate::scene::{Runs, Scene};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// Sizes offered in the dialogs.
pub const PRESETS: [(&str, u32, u32); 5] = [
    ("1280 × 720", 1280, 720),
    ("1920 × 1080", 1920, 1080),
    ("2560 × 1440", 2560, 1440),
    ("3840 × 2160", 3840, 2160),
    ("1200 × 1200", 1200, 1200),
];

/// What the export dialogs remember.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportSettings {
    pub width: u32,
    pub height: u32,
    /// A still format (PNG or SVG).
    pub format: Format,
    pub frames: u32,
    pub fps: f64,
    /// Animate up to the last step rather than the current one.
    pub to_last_step: bool,
}

impl Default for ExportSettings {
    fn default() -> Self {
        ExportSettings {
            width: 1920,
            height: 1080,
            format: Format::Png,
            frames: 120,
            fps: 30.0,
            to_last_step: true,
        }
    }
}

/// Everything an off-screen render needs, owned so it can move to another thread.
pub struct Snapshot {
    pub scene: Scene,
    pub runs: Runs,
    pub view: ViewBox,
    pub step: usize,
    /// The window's theme, legend placement and highlight: exports look like the window.
    pub style: crate::export::FigureStyle,
    /// The views shown (the export follows the window) and the 3D view's camera.
    pub mode: crate::export::ViewMode,
    pub look: crate::export::Look,
}

impl Snapshot {
    fn request(&self, width: u32, height: u32) -> FigureRequest<'_> {
        FigureRequest {
            scene: &self.scene,
            runs: &self.runs,
            view: self.view,
            step: self.step,
            width,
            height,
            style: self.style,
            svg_text: crate::export::SvgText::default(),
            mode: self.mode,
            look: self.look,
        }
    }
}

/// A render running on a helper thread.
pub struct Job {
    pub what: String,
    pub done: Arc<AtomicU32>,
    pub total: Arc<AtomicU32>,
    pub cancel: Arc<AtomicBool>,
    result: Arc<Mutex<Option<Result<PathBuf, String>>>>,
}

impl Job {
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed).max(1);
        self.done.load(Ordering::Relaxed) as f32 / total as f32
    }

    /// The outcome, once finished.
    pub fn finished(&self) -> Option<Result<PathBuf, String>> {
        self.result.lock().ok()?.take()
    }
}

fn describe(e: &ExportError, path: &Path) -> String {
    match e {
        ExportError::Cancelled => "Export cancelled; no file was written.".to_string(),
        other => format!(
            "Could not export {}: {other}. Nothing was written.",
            path.display()
        ),
    }
}

/// Renders and writes a figure in the background.
pub fn start_figure(snapshot: Snapshot, settings: &ExportSettings, path: PathBuf) -> Job {
    let (w, h, format) = (settings.width, settings.height, settings.format);
    spawn(format!("figure {w} × {h}"), 1, move |_done, _cancel| {
        let req = snapshot.request(w, h);
        let bytes = format
            .render_still(&req)
            .ok_or_else(|| format!("{} is not a still figure format.", format.name()))?
            .map_err(|e| describe(&e, &path))?;
        write_streaming(&path, |out| out.write_all(&bytes)).map_err(|e| {
            format!(
                "Could not save {}: {e}. Nothing was written.",
                path.display()
            )
        })?;
        Ok(path)
    })
}

/// Renders and writes an animation in the background; Cancel stops it between frames.
pub fn start_animation(snapshot: Snapshot, settings: &ExportSettings, path: PathBuf) -> Job {
    let (w, h) = (settings.width, settings.height);
    let opts = GifOptions {
        frames: settings.frames,
        fps: settings.fps,
    };
    spawn(
        format!("animation {w} × {h}, {} frames", settings.frames),
        settings.frames,
        move |done, cancel| {
            let req = snapshot.request(w, h);
            let mut failure = None;
            let written = write_streaming(&path, |out| {
                let mut progress = |d: u32, _t: u32| {
                    done.store(d, Ordering::Relaxed);
                    !cancel.load(Ordering::Relaxed)
                };
                export::render_gif(&req, &opts, out, &mut progress).map_err(|e| {
                    let message = describe(&e, &path);
                    failure = Some(message.clone());
                    std::io::Error::other(message)
                })
            });
            match (written, failure) {
                (Ok(()), _) => Ok(path),
                (Err(_), Some(message)) => Err(message),
                (Err(e), None) => Err(format!(
                    "Could not save {}: {e}. Nothing was written.",
                    path.display()
                )),
            }
        },
    )
}

/// Streams into an atomically written file; in the browser, into memory and then a download.
fn write_streaming(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    #[cfg(target_arch = "wasm32")]
    {
        let mut buffer = Vec::new();
        fill(&mut buffer)?;
        super::files::save_bytes(path, &buffer)
    }
    #[cfg(not(target_arch = "wasm32"))]
    crate::io::write_atomic_with(path, |w| fill(w))
}

fn spawn(
    what: String,
    total: u32,
    work: impl FnOnce(&AtomicU32, &AtomicBool) -> Result<PathBuf, String> + Send + 'static,
) -> Job {
    let job = Job {
        what,
        done: Arc::new(AtomicU32::new(0)),
        total: Arc::new(AtomicU32::new(total)),
        cancel: Arc::new(AtomicBool::new(false)),
        result: Arc::new(Mutex::new(None)),
    };
    let (done, cancel, result) = (
        Arc::clone(&job.done),
        Arc::clone(&job.cancel),
        Arc::clone(&job.result),
    );
    let run = move || {
        let outcome = work(&done, &cancel);
        if let Ok(mut slot) = result.lock() {
            *slot = Some(outcome);
        }
    };
    // the browser has no threads (spawning one panics there): the page waits for the export
    #[cfg(target_arch = "wasm32")]
    run();
    #[cfg(not(target_arch = "wasm32"))]
    std::thread::spawn(run);
    job
}

/// A figure rendered on a helper thread for the clipboard (a long run takes seconds to draw:
/// the window keeps going meanwhile).
pub struct ClipboardJob {
    result: Arc<Mutex<Option<Result<egui::ColorImage, String>>>>,
}

impl ClipboardJob {
    /// Renders `snapshot` at `width` × `height` with the export renderer.
    pub fn start(snapshot: Snapshot, width: u32, height: u32) -> Self {
        let result = Arc::new(Mutex::new(None));
        let slot = Arc::clone(&result);
        let work = move || {
            let image = export::render_rgba(&snapshot.request(width, height))
                .map(|pixmap| pixmap_to_image(&pixmap))
                .map_err(|e| format!("Could not copy the figure: {e}."));
            if let Ok(mut s) = slot.lock() {
                *s = Some(image);
            }
        };
        // the browser has no threads: there the page waits for the render
        #[cfg(target_arch = "wasm32")]
        work();
        #[cfg(not(target_arch = "wasm32"))]
        std::thread::spawn(work);
        ClipboardJob { result }
    }

    /// The image, once rendered.
    pub fn finished(&self) -> Option<Result<egui::ColorImage, String>> {
        self.result.lock().ok()?.take()
    }
}

/// A rendered figure as an egui image (colours un-premultiplied, as the clipboard wants).
pub fn pixmap_to_image(pixmap: &tiny_skia::Pixmap) -> egui::ColorImage {
    let rgba: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    egui::ColorImage::from_rgba_unmultiplied(
        [pixmap.width() as usize, pixmap.height() as usize],
        &rgba,
    )
}

/// Encodes a screenshot (RGBA, physical pixels) cropped to `rect` (physical pixels) as PNG.
pub fn screenshot_png(image: &egui::ColorImage, rect: [usize; 4]) -> Result<Vec<u8>, String> {
    let [x0, y0, w, h] = rect;
    let [iw, ih] = image.size;
    let (x0, y0) = (x0.min(iw), y0.min(ih));
    let (w, h) = (w.min(iw - x0), h.min(ih - y0));
    if w == 0 || h == 0 {
        return Err("the plot is not visible".into());
    }
    let mut rgba = Vec::with_capacity(w * h * 4);
    for y in y0..y0 + h {
        for px in &image.pixels[y * iw + x0..y * iw + x0 + w] {
            // opaque window pixels: unmultiplied equals premultiplied
            let [r, g, b, _] = px.to_srgba_unmultiplied();
            rgba.extend_from_slice(&[r, g, b, 255]);
        }
    }
    let size = tiny_skia::IntSize::from_wh(w as u32, h as u32).ok_or("empty screenshot")?;
    let pixmap = tiny_skia::Pixmap::from_vec(rgba, size).ok_or("screenshot size mismatch")?;
    pixmap.encode_png().map_err(|e| e.to_string())
}

/// Where screenshots go: `dir`, else the pictures folder (see [`pictures_dir`]), else the
/// working directory. The name carries the scene and the step shown.
pub fn screenshot_path(dir: Option<&Path>, scene_title: &str, step: usize) -> PathBuf {
    let dir = dir
        .map(Path::to_path_buf)
        .or_else(pictures_dir)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    dir.join(format!(
        "losscape-{}-step{step}-{}.png",
        file_stem(scene_title),
        timestamp()
    ))
}

/// The user's pictures folder, XDG aware: `$XDG_PICTURES_DIR`, else its line in
/// `user-dirs.dirs` (`$XDG_CONFIG_HOME`, or ~/.config), else ~/Pictures. Created when it
/// is missing (a fresh account has none), so screenshots never land in /tmp.
pub fn pictures_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let from_file = || {
        let text = std::fs::read_to_string(config.as_ref()?.join("user-dirs.dirs")).ok()?;
        user_dirs_pictures(&text, home.as_deref()?)
    };
    let dir = std::env::var_os("XDG_PICTURES_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(from_file)
        .or_else(|| home.as_ref().map(|h| h.join("Pictures")))?;
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

/// The pictures folder named in the text of a `user-dirs.dirs` file
/// (`XDG_PICTURES_DIR="$HOME/Pictures"`), with `$HOME` replaced by `home`.
fn user_dirs_pictures(text: &str, home: &Path) -> Option<PathBuf> {
    let value = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("XDG_PICTURES_DIR="))
        .next_back()?
        .trim()
        .trim_matches('"');
    let path = match value.strip_prefix("$HOME") {
        Some(rest) => home.join(rest.trim_start_matches('/')),
        None => PathBuf::from(value),
    };
    // the spec allows only absolute paths and $HOME-relative ones
    (path.is_absolute() && path != home).then_some(path)
}

/// A file name stem from a scene title: lower-case letters and digits, dashes between words
/// ("Rotated ravine" → "rotated-ravine"; "scene" when nothing is left).
pub fn file_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    match stem.trim_matches('-') {
        "" => "scene".to_string(),
        s => s.to_string(),
    }
}

/// `YYYYMMDD-HHMMSS` in UTC.
fn timestamp() -> String {
    // the browser has no std clock (`std::time::SystemTime::now` panics there)
    #[cfg(not(target_arch = "wasm32"))]
    use std::time::{SystemTime, UNIX_EPOCH};
    #[cfg(target_arch = "wasm32")]
    use web_time::{SystemTime, UNIX_EPOCH};
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // civil-from-days (H. Hinnant)
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}-{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_look_like_dates() {
        let t = timestamp();
        assert_eq!(t.len(), 15);
        assert!(t.starts_with("20"));
    }

    #[test]
    fn the_pictures_folder_is_read_from_user_dirs() {
        let home = Path::new("/home/ada");
        let text = "# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_PICTURES_DIR=\"$HOME/Bilder\"\n";
        assert_eq!(
            user_dirs_pictures(text, home),
            Some(PathBuf::from("/home/ada/Bilder"))
        );
        let absolute = "XDG_PICTURES_DIR=\"/data/pics\"";
        assert_eq!(
            user_dirs_pictures(absolute, home),
            Some(PathBuf::from("/data/pics"))
        );
        // "$HOME/" alone means "no pictures folder" in the spec: fall back, do not use $HOME
        assert_eq!(
            user_dirs_pictures("XDG_PICTURES_DIR=\"$HOME/\"", home),
            None
        );
        assert_eq!(
            user_dirs_pictures("XDG_MUSIC_DIR=\"$HOME/Music\"", home),
            None
        );
    }

    #[test]
    fn screenshot_names_carry_the_scene_and_the_step() {
        let p = screenshot_path(Some(Path::new("/x")), "Rotated ravine", 42);
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(
            name.starts_with("losscape-rotated-ravine-step42-"),
            "{name}"
        );
        assert_eq!(p.parent(), Some(Path::new("/x")));
    }

    #[test]
    fn screenshots_are_cropped_to_the_plot() {
        let mut image = egui::ColorImage::filled([10, 8], egui::Color32::BLACK);
        image.pixels[3 * 10 + 4] = egui::Color32::RED;
        let png = screenshot_png(&image, [4, 3, 2, 2]).expect("encodes");
        let decoded = tiny_skia::Pixmap::decode_png(&png).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), (2, 2));
        assert_eq!(
            decoded.pixel(0, 0).map(|p| (p.red(), p.green())),
            Some((255, 0))
        );
    }
}
