//! The `losscape` binary: the command line and, with no command, the desktop app.

fn main() -> std::process::ExitCode {
    losscape::cli::main()
}
