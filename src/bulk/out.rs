//! Where records go: a writer that never tears a line (stdout, or OUT.jsonl appended to), and
//! what `--resume` learns from an OUT written before.

use std::collections::HashSet;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

use super::record::{Status, Written};

/// Writes whole records: each is one `write_all` of the full line, then a flush, under a
/// lock, so lines from tasks finishing together never interleave and a reader (or a resume
/// after Ctrl-C) sees only complete lines.
pub struct JsonlWriter {
    out: Mutex<Box<dyn Write + Send>>,
}

impl JsonlWriter {
    pub fn new(out: Box<dyn Write + Send>) -> JsonlWriter {
        JsonlWriter {
            out: Mutex::new(out),
        }
    }

    /// `line` must be one record ending in `\n`.
    pub fn write_line(&self, line: &str) -> io::Result<()> {
        // A poisoned lock means a writer panicked between whole writes; the stream is intact.
        let mut out = self
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        out.write_all(line.as_bytes())?;
        out.flush()
    }
}

/// Inputs already answered (`found` / `not_found`) in an OUT file, by line number and input.
/// Only a hash of each input is kept, so a resume of a long run stays small.
#[derive(Debug, Default)]
pub struct Done {
    answered: HashSet<(usize, u64)>,
}

impl Done {
    pub fn contains(&self, line: usize, input: &str) -> bool {
        self.answered.contains(&(line, input_hash(input)))
    }

    pub fn len(&self) -> usize {
        self.answered.len()
    }

    pub fn is_empty(&self) -> bool {
        self.answered.is_empty()
    }

    fn insert(&mut self, line: usize, input: &str) {
        self.answered.insert((line, input_hash(input)));
    }
}

fn input_hash(input: &str) -> u64 {
    // The same hasher (fixed keys) for reading OUT and for the input, within one process.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    input.hash(&mut h);
    h.finish()
}

/// Open OUT for `--resume`: create it (0600, never through a symlink) or read what it holds,
/// cut a torn last line (a crash mid-write), and return it ready for appending.
pub fn open_resume(path: &Path) -> io::Result<(File, Done)> {
    let mut file = open_private_rw(path)?;
    let mut done = Done::default();
    let mut reader = BufReader::new(&file);
    let mut line = Vec::new();
    let mut good_end: u64 = 0;
    loop {
        line.clear();
        // No cap: these are our own records, each was in memory whole when it was written.
        let read = reader.read_until(b'\n', &mut line)?;
        if read == 0 || line.last() != Some(&b'\n') {
            break;
        }
        good_end += read as u64;
        // Lines that are not records (edited by hand) are ignored: their inputs run again.
        if let Ok(w) = serde_json::from_slice::<Written>(&line)
            && matches!(w.status, Status::Found | Status::NotFound)
        {
            done.insert(w.line, &w.input);
        }
    }
    drop(reader);
    if file.metadata()?.len() != good_end {
        file.set_len(good_end)?;
    }
    file.seek(SeekFrom::End(0))?;
    Ok((file, done))
}

fn open_private_rw(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(0o600)
            .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits().cast_signed());
    }
    let file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
            return io::Error::other(format!(
                "{} is a symbolic link; userscope does not write through links",
                crate::fsio::shown(path)
            ));
        }
        e
    })?;
    if !file.metadata()?.file_type().is_file() {
        return Err(io::Error::other(format!(
            "{} is not a regular file",
            crate::fsio::shown(path)
        )));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn resume_reads_answered_lines_and_cuts_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let text = concat!(
            "{\"line\":1,\"input\":\"a\",\"status\":\"found\",\"exitCode\":0}\n",
            "{\"line\":2,\"input\":\"b\",\"status\":\"error\",\"exitCode\":6}\n",
            "not a record\n",
            "{\"line\":4,\"input\":\"d\",\"status\":\"not_found\",\"exitCode\":3}\n",
            "{\"line\":5,\"input\":\"e\",\"sta"
        );
        std::fs::write(&path, text).unwrap();
        let (mut file, done) = open_resume(&path).unwrap();
        assert_eq!(done.len(), 2);
        assert!(done.contains(1, "a"));
        assert!(done.contains(4, "d"));
        assert!(!done.contains(2, "b"));
        assert!(
            !done.contains(1, "b"),
            "the same line with another input runs again"
        );
        file.write_all(b"{\"line\":5}\n").unwrap();
        drop(file);
        let mut after = String::new();
        File::open(&path)
            .unwrap()
            .read_to_string(&mut after)
            .unwrap();
        let torn_at = text.rfind("{\"line\":5").unwrap();
        assert_eq!(after, format!("{}{{\"line\":5}}\n", &text[..torn_at]));
    }

    #[cfg(unix)]
    #[test]
    fn resume_creates_a_private_file_and_refuses_a_symlink() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.jsonl");
        let (_, done) = open_resume(&path).unwrap();
        assert!(done.is_empty());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let err = open_resume(&link).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
    }
}
