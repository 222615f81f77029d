//! Writing files so that a failure, a cancel or a signal never leaves half of one: write to a
//! temporary file beside the target, then rename it over the target.
//!
//! - The temporary file has an unpredictable name and is created exclusively (`tempfile`), so
//!   a link planted in a shared directory is never followed and nothing else is overwritten.
//! - The target is only ever replaced if it is a regular file or absent. A device, FIFO,
//!   socket or directory (also when reached through a symlink, like `/dev/stdout`) is refused:
//!   renaming over `/dev/null` as root would replace the system's device with a file.
//! - A symlink at the target is replaced by the new file; the file it pointed to is untouched.
//! - SIGINT, SIGTERM and SIGHUP during any write (`trace`, `render`, the app's exports) remove
//!   every temporary file still open and exit with status 1 saying what was not written: one
//!   handler for the whole process, installed with the first write.

use std::io::Write;
use std::path::Path;
#[cfg(not(target_arch = "wasm32"))]
use std::{path::PathBuf, sync::Mutex};

/// Writes `bytes` to `path` atomically; on error the target is untouched and no temporary
/// file is left behind.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

#[cfg(not(target_arch = "wasm32"))]
/// Temporary files being written, with their targets: what a signal must clean up.
static LIVE: Mutex<Vec<(u64, PathBuf, PathBuf)>> = Mutex::new(Vec::new());

#[cfg(not(target_arch = "wasm32"))]
fn live() -> std::sync::MutexGuard<'static, Vec<(u64, PathBuf, PathBuf)>> {
    // the list stays valid even if a writer panicked while holding it
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(not(target_arch = "wasm32"))]
/// Takes a temporary file off [`LIVE`] when its write ends, however it ends.
struct Registered(u64);

#[cfg(not(target_arch = "wasm32"))]
impl Drop for Registered {
    fn drop(&mut self) {
        live().retain(|(id, _, _)| *id != self.0);
    }
}

/// Refuses a target that exists and is not a regular file (following links).
pub fn check_target(path: &Path) -> std::io::Result<()> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        // absent (or a dangling link): created
        Err(_) => return Ok(()),
    };
    if meta.is_file() {
        return Ok(());
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "it is {}, not a regular file; losscape only creates or replaces regular files",
            file_type_name(&meta.file_type())
        ),
    ))
}

fn file_type_name(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// As [`write_atomic`], with the content produced by `fill` (which may fail, or be cancelled
/// by returning an error).
#[cfg(not(target_arch = "wasm32"))]
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    signals::install();
    check_target(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        // what `File::create` gives (the umask applies), not tempfile's private 0600
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // created and listed under the lock, so a signal never misses a file just made
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let (mut tmp, _registered) = {
        let mut live = live();
        let tmp = builder.tempfile_in(dir)?;
        live.push((id, tmp.path().to_path_buf(), path.to_path_buf()));
        (tmp, Registered(id))
    };
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    // the target may have changed while the content was made
    check_target(path)?;
    // renamed under the lock: a signal now either finds the file still temporary (and removes
    // it) or not at all
    let live = live();
    tmp.persist(path).map_err(|e| e.error)?;
    drop(live);
    Ok(())
}

/// In the browser there is no file system: nothing is written in place.
#[cfg(target_arch = "wasm32")]
pub fn write_atomic_with(
    _path: &Path,
    _fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    Err(std::io::Error::other("the browser has no file system"))
}

/// The message a signal prints for each write it stopped (also `render`'s after a cancel).
pub fn interrupted_message(target: &Path) -> String {
    format!("interrupted: {} was not written", target.display())
}

#[cfg(unix)]
mod signals {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use std::sync::Once;

    /// Watches for the signals on a thread of its own (signal-hook does the async-signal-safe
    /// part); the first one removes the temporary files and ends the process.
    pub fn install() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            let _ = std::thread::Builder::new()
                .name("losscape-signals".into())
                .spawn(move || {
                    if signals.forever().next().is_some() {
                        super::stop();
                    }
                });
        });
    }
}

// elsewhere but in the browser (which has no signals and no files to clean up)
#[cfg(all(not(unix), not(target_arch = "wasm32")))]
mod signals {
    pub fn install() {}
}

/// Removes every temporary file and exits 1, naming what was not written.
#[cfg(unix)]
fn stop() -> ! {
    // held until the process ends, so no write completes its rename after this
    let live = live();
    let mut message = String::new();
    for (_, tmp, target) in live.iter() {
        let _ = std::fs::remove_file(tmp);
        message.push_str(&format!("losscape: {}\n", interrupted_message(target)));
    }
    if message.is_empty() {
        message.push_str("losscape: interrupted\n");
    }
    let _ = std::io::stderr().write_all(message.as_bytes());
    std::process::exit(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_regular_files_and_leave_nothing_else() {
        let dir = tempfile::tempdir().expect("dir");
        let out = dir.path().join("a.csv");
        write_atomic(&out, b"one").expect("write");
        write_atomic(&out, b"two").expect("rewrite");
        assert_eq!(std::fs::read(&out).expect("read"), b"two");
        let failed = write_atomic_with(&out, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("stop"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&out).expect("read"), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.csv")]);
        assert!(live().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_directories_are_refused_and_links_replaced() {
        let dir = tempfile::tempdir().expect("dir");
        let e = write_atomic(Path::new("/dev/null"), b"x").expect_err("device");
        assert!(e.to_string().contains("a character device"), "{e}");
        let e = write_atomic(dir.path(), b"x").expect_err("directory");
        assert!(e.to_string().contains("a directory"), "{e}");
        // a link to a regular file: the link is replaced, its target untouched
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").expect("victim");
        let link = dir.path().join("out.csv");
        std::os::unix::fs::symlink(&victim, &link).expect("link");
        write_atomic(&link, b"new").expect("write");
        assert_eq!(std::fs::read(&victim).expect("victim"), b"keep");
        assert!(std::fs::symlink_metadata(&link).expect("meta").is_file());
        assert_eq!(std::fs::read(&link).expect("out"), b"new");
        // a link planted at the name the temporary file once had (`.NAME.PID.tmp`, opened
        // following links) is neither followed nor replaced
        let planted = dir
            .path()
            .join(format!(".out.csv.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &planted).expect("plant");
        write_atomic(&link, b"newer").expect("write");
        assert_eq!(std::fs::read(&victim).expect("victim"), b"keep");
        assert!(
            std::fs::symlink_metadata(&planted)
                .expect("meta")
                .is_symlink()
        );
        // a link to a device is refused like the device
        let to_null = dir.path().join("null.csv");
        std::os::unix::fs::symlink("/dev/null", &to_null).expect("link");
        assert!(write_atomic(&to_null, b"x").is_err());
        assert!(
            std::fs::symlink_metadata(&to_null)
                .expect("meta")
                .is_symlink()
        );
    }
}
