//! The `losscape` binary: the command line and, with no command, the desktop app; compiled
//! to WebAssembly, the web page.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    losscape::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {
    losscape::app::platform::start();
}
