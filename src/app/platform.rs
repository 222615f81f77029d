//! Everything that differs between the desktop and the browser, behind one module: how the
//! app starts (a native window, or the page's canvas with a scene shared by link), the window
//! title, the base address of share links, and where saved bytes go (an atomically written
//! file, or a download). The rest of the app calls these and never asks which platform it is
//! on; `src/main.rs` calls [`start`] in the browser and the CLI [`run`] on the desktop.

use super::{LosscapeApp, Settings};

/// Names the window (the browser tab) after the scene.
pub fn set_title(ctx: &egui::Context, title: &str) {
    #[cfg(target_arch = "wasm32")]
    web::set_title(title);
    ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.to_string()));
}

/// The address share links start with: the page's own in the browser, else the configured
/// web app's.
pub fn link_base(settings: &Settings) -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(page) = web::page_address() {
        return page;
    }
    settings.site.clone()
}

/// Writes `bytes` to `path` atomically; in the browser, offers them as a download named after
/// the path's file name instead.
pub fn save_bytes(path: &std::path::Path, bytes: &[u8], mime: &str) -> std::io::Result<()> {
    #[cfg(target_arch = "wasm32")]
    {
        let name = path
            .file_name()
            .map_or_else(|| "losscape".into(), |n| n.to_string_lossy().into_owned());
        web::download(&name, bytes, mime).map_err(std::io::Error::other)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = mime;
        crate::io::write_atomic(path, bytes)
    }
}

/// Opens the window; blocks until it is closed.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(scene: Option<crate::scene::Scene>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("losscape")
            .with_app_id("losscape")
            .with_inner_size([1400.0, 860.0])
            .with_min_inner_size([960.0, 600.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "losscape",
        options,
        Box::new(move |cc| {
            let settings = cc
                .storage
                .and_then(|s| eframe::get_value::<Settings>(s, eframe::APP_KEY));
            Ok(Box::new(LosscapeApp::restore(scene, settings)))
        }),
    )
    .map_err(|e| e.to_string())
}

#[cfg(target_arch = "wasm32")]
pub use web::start;

/// The web page (wasm32): starts the same app in the page's canvas, opens a scene shared by
/// link (`#scene=…`), and turns file saves into downloads.
#[cfg(target_arch = "wasm32")]
mod web {
    use super::LosscapeApp;
    use crate::scene::link;
    use wasm_bindgen::JsCast as _;

    fn set_loading_text(text: &str) {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("loading"))
        {
            el.set_text_content(Some(text));
            if text.is_empty() {
                let _ = el.remove();
            }
        }
    }

    pub fn set_title(title: &str) {
        if let Some(d) = web_sys::window().and_then(|w| w.document()) {
            d.set_title(title);
        }
    }

    /// The page's address without its fragment: the base of share links.
    pub fn page_address() -> Option<String> {
        let href = web_sys::window()?.location().href().ok()?;
        Some(href.split('#').next().unwrap_or(&href).to_string())
    }

    /// Starts the app in the canvas `#losscape_canvas`.
    pub fn start() {
        let window = web_sys::window();
        let canvas = window
            .as_ref()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("losscape_canvas"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        let Some(canvas) = canvas else {
            set_loading_text("losscape could not find its canvas on this page.");
            return;
        };
        let hash = window
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            let runner = eframe::WebRunner::new();
            let started = runner
                .start(
                    canvas,
                    eframe::WebOptions::default(),
                    Box::new(move |cc| {
                        crate::app::setup_fonts(&cc.egui_ctx);
                        let settings = cc
                            .storage
                            .and_then(|s| eframe::get_value(s, eframe::APP_KEY));
                        let (scene, notice) = if link::is_link(&hash) {
                            match link::unpack(&hash) {
                                Ok(s) => (Some(s), None),
                                Err(e) => (
                                    crate::scene::builtin(crate::scene::DEFAULT_SCENE).ok(),
                                    Some(format!("{e}; showing the default scene instead.")),
                                ),
                            }
                        } else {
                            (None, None)
                        };
                        let shared = scene.is_some() && notice.is_none();
                        let mut app = LosscapeApp::restore(scene, settings);
                        if shared {
                            app.session.clock.restart();
                        }
                        // keep a notice the app set itself (a remembered scene it discarded)
                        if notice.is_some() {
                            app.session.notice = notice;
                        }
                        Ok(Box::new(app))
                    }),
                )
                .await;
            match started {
                Ok(()) => set_loading_text(""),
                Err(e) => set_loading_text(&format!(
                    "losscape could not start in this browser: {}. It needs WebGL 2.",
                    e.as_string().unwrap_or_else(|| format!("{e:?}"))
                )),
            }
        });
    }

    /// Offers `bytes` to the user as a download named `name`.
    pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
        let fail = |what: &str| format!("the browser refused the download ({what})");
        let window = web_sys::window().ok_or_else(|| fail("no window"))?;
        let document = window.document().ok_or_else(|| fail("no document"))?;
        let array = js_sys::Uint8Array::from(bytes);
        let parts = js_sys::Array::of1(&array);
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
            .map_err(|_| fail("blob"))?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("url"))?;
        let anchor = document
            .create_element("a")
            .map_err(|_| fail("anchor"))?
            .dyn_into::<web_sys::HtmlAnchorElement>()
            .map_err(|_| fail("anchor"))?;
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
        let _ = web_sys::Url::revoke_object_url(&url);
        Ok(())
    }
}
