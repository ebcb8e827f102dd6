//! Reading an input file (a letter, letterhead, data file, font, image or SVG) safely: only a
//! regular file is read, and never more than a cap, checked while reading.
//!
//! It takes a path and a byte limit and gives the bytes, or a `ReadError` that says what is
//! wrong in words for a user (a named pipe, a device, over the limit). It knows nothing of what
//! the file is for: callers name the file and its role in their diagnostics.
//!
//! Why not `std::fs::read`: opening a named pipe waits for a writer (a hang), `/dev/zero` or
//! `/dev/urandom` never ends (out of memory), and a size from `metadata` can be a lie or grow
//! while the file is read.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading failed (missing, no permission…).
    Io(io::Error),
    /// It is not a regular file: `kind` says what it is ("a folder", "a named pipe (FIFO)").
    NotRegular {
        /// What it is, with an article.
        kind: &'static str,
    },
    /// It is a symbolic link to `target`, which does not exist.
    Dangling {
        /// Where the link points, as written in it.
        target: PathBuf,
    },
    /// It holds more than `cap` bytes (at least `size` were seen).
    TooLarge {
        /// Its size as far as known: from its metadata, or the bytes read before stopping.
        size: u64,
        /// The limit.
        cap: u64,
    },
}

impl ReadError {
    /// Whether the file is a folder.
    pub fn is_folder(&self) -> bool {
        matches!(self, ReadError::NotRegular { kind } if *kind == FOLDER)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(err) => write!(f, "{err}"),
            ReadError::NotRegular { kind } => write!(f, "it is {kind}, not a regular file"),
            ReadError::Dangling { target } => write!(
                f,
                "it is a dangling symbolic link: `{}`, where it points, does not exist",
                target.display()
            ),
            ReadError::TooLarge { size, cap } => write!(
                f,
                "it is {}, over the limit of {}",
                megabytes(*size),
                megabytes(*cap)
            ),
        }
    }
}

impl std::error::Error for ReadError {}

/// Where `path` points when it is a symbolic link whose target (or a link further on) does
/// not exist.
pub fn dangling(path: &Path) -> Option<PathBuf> {
    let link = std::fs::symlink_metadata(path).ok()?;
    if !link.file_type().is_symlink() {
        return None;
    }
    match std::fs::metadata(path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => std::fs::read_link(path).ok(),
        _ => None,
    }
}

impl From<io::Error> for ReadError {
    fn from(err: io::Error) -> Self {
        ReadError::Io(err)
    }
}

/// `12.6 MB`, `4 MB`, `0.3 MB`: sizes as a user reads them.
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if bytes.is_multiple_of(1_000_000) {
        format!("{mb:.0} MB")
    } else {
        format!("{mb:.1} MB")
    }
}

const FOLDER: &str = "a folder";

/// What a file that is not a regular file is, for messages.
fn not_regular(meta: &Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some(FOLDER);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a file")
}

/// Opens for reading without waiting: a named pipe opened plainly blocks until a writer comes.
/// `O_NONBLOCK` (its value on Linux) makes the open return at once; on a regular file it has no
/// effect, and anything else is refused before a byte is read.
fn open(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        options.custom_flags(O_NONBLOCK);
    }
    options.open(path)
}

/// Reads the regular file at `path` (symlinks followed), refusing folders, named pipes, devices
/// and sockets before reading, and any file over `cap` bytes, whatever its metadata says.
///
/// # Errors
///
/// `NotRegular`, `TooLarge`, or the I/O error of opening or reading it.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    // Looked at before opening, so that a pipe is never opened where `O_NONBLOCK` is not
    // used, and a socket (which cannot be opened) is named as what it is.
    let meta = std::fs::metadata(path).map_err(|err| match dangling(path) {
        Some(target) => ReadError::Dangling { target },
        None => ReadError::Io(err),
    })?;
    if let Some(kind) = not_regular(&meta) {
        return Err(ReadError::NotRegular { kind });
    }
    let file = open(path)?;
    // And looked at again on the file opened: the path may have been replaced in between.
    let meta = file.metadata()?;
    if let Some(kind) = not_regular(&meta) {
        return Err(ReadError::NotRegular { kind });
    }
    if meta.len() > cap {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            cap,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // `take`: a file that grows while it is read stops one byte past the limit.
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            cap,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_within_the_cap_and_refuses_one_over_it() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("a.txt");
        std::fs::write(&path, b"hello").expect("write");
        assert_eq!(read_capped(&path, 5).expect("read"), b"hello");
        let err = read_capped(&path, 4).expect_err("over the cap");
        assert!(
            matches!(err, ReadError::TooLarge { size: 5, cap: 4 }),
            "{err}"
        );
    }

    #[test]
    fn refuses_folders_and_devices_without_reading() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let err = read_capped(dir.path(), 10).expect_err("a folder");
        assert!(err.is_folder(), "{err}");
        #[cfg(unix)]
        {
            let err = read_capped(Path::new("/dev/zero"), 10).expect_err("a device");
            assert_eq!(err.to_string(), "it is a device, not a regular file");
        }
    }

    #[test]
    fn sizes_read_as_megabytes() {
        assert_eq!(megabytes(12_000_000), "12 MB");
        assert_eq!(megabytes(12_600_000), "12.6 MB");
    }
}
