//! The send journal (`sent.jsonl`): an append-only file of JSON lines, one per step of each
//! row's delivery, written and synced to disk before the run goes on.
//!
//! A row's last entry says where it stands: `sending` is written (and synced) just before the
//! message's text goes to the server, `sent` after the server accepted it, `failed` or
//! `deferred` after it refused it. A row whose last entry is `sending` or `unknown` may or may
//! not have been delivered (the run died, or the connection dropped, between the message and
//! the reply): it is not sent again unless asked. A line cut short by a crash is ignored; it
//! can only be the last one, and it is closed with a line break before anything is added.
//!
//! It reads and appends the journal file; it does not decide what to send.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where a row's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// The message's text is going to the server; no reply yet.
    Sending,
    /// The server accepted the message.
    Sent,
    /// The server refused it for good (5xx), or it could not be sent; nothing was delivered.
    Failed,
    /// The server refused it for now (4xx) and retries ran out; nothing was delivered.
    Deferred,
    /// The connection ended between the message and the reply.
    Unknown,
}

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The row's number in the data file (1-based).
    pub row: usize,
    pub state: State,
    /// The message's `Message-ID`.
    pub message_id: String,
    /// SHA-256 of the row's letter text and message fields (hex): a changed letter shows.
    pub digest: String,
    /// The `To` addresses.
    pub to: Vec<String>,
    /// Seconds since 1970.
    pub time: i64,
    /// The server's reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
}

/// An open journal: the last entry of every row, of every message (its recipients and
/// content) and of every recipient list, and the file to append to.
pub struct Journal {
    path: PathBuf,
    file: File,
    last: BTreeMap<usize, Entry>,
    /// By recipients and digest: the same message, whatever row it was in.
    by_message: BTreeMap<(Vec<String>, String), Entry>,
    /// By recipients: the latest message to them.
    by_to: BTreeMap<Vec<String>, Entry>,
    /// Lines that could not be read (a crash mid-line), 1-based.
    pub unreadable: Vec<usize>,
}

impl Journal {
    /// Opens (or creates) the journal at `path` and reads what it holds.
    pub fn open(path: &Path) -> std::io::Result<Journal> {
        let created = !path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)?;
        if created {
            // The new file's name is made durable too.
            sync_folder(path);
        }
        let mut text = String::new();
        file.read_to_string(&mut text)?;
        let mut journal = Journal {
            path: path.to_path_buf(),
            file,
            last: BTreeMap::new(),
            by_message: BTreeMap::new(),
            by_to: BTreeMap::new(),
            unreadable: Vec::new(),
        };
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Entry>(line) {
                Ok(entry) => journal.remember(entry),
                Err(_) => journal.unreadable.push(i + 1),
            }
        }
        if !text.is_empty() && !text.ends_with('\n') {
            // A line cut short by a crash: closed, so the next entry starts on its own line.
            journal.file.seek(SeekFrom::End(0))?;
            journal.file.write_all(b"\n")?;
            journal.file.sync_data()?;
        }
        Ok(journal)
    }

    fn remember(&mut self, entry: Entry) {
        self.by_message
            .insert((entry.to.clone(), entry.digest.clone()), entry.clone());
        self.by_to.insert(entry.to.clone(), entry.clone());
        self.last.insert(entry.row, entry);
    }

    /// What the journal knows of the message of row `row` to `to` with `digest`, so that a
    /// data file sorted differently between runs sends nobody a letter twice: the same
    /// message (recipients and digest) in whatever row it was; else the last message to the
    /// same recipients (a changed letter), this row's first; else nothing (a new recipient).
    pub fn find(&self, row: usize, to: &[String], digest: &str) -> Option<&Entry> {
        self.by_message
            .get(&(to.to_vec(), digest.to_string()))
            .or_else(|| self.last.get(&row).filter(|e| e.to == to))
            .or_else(|| self.by_to.get(to))
    }

    /// The journal file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last entry of a row.
    #[cfg(test)]
    pub fn last(&self, row: usize) -> Option<&Entry> {
        self.last.get(&row)
    }

    /// Appends an entry and syncs it to disk before returning.
    pub fn record(&mut self, entry: Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_string(&entry).map_err(std::io::Error::other)?;
        line.push('\n');
        // One write of the whole line: with O_APPEND it lands whole at the end.
        self.file.write_all(line.as_bytes())?;
        self.file.sync_data()?;
        self.remember(entry);
        Ok(())
    }
}

/// Syncs the folder holding `path`, so a new file's entry in it survives a crash.
fn sync_folder(path: &Path) {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(dir) = File::open(folder) {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(row: usize, state: State) -> Entry {
        Entry {
            row,
            state,
            message_id: format!("<{row}@example.org>"),
            digest: "00".into(),
            to: vec!["a@example.org".into()],
            time: 0,
            reply: None,
        }
    }

    #[test]
    fn the_last_entry_of_a_row_counts_and_survives_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sent.jsonl");
        let mut j = Journal::open(&path).expect("open");
        j.record(entry(1, State::Sending)).expect("record");
        j.record(entry(1, State::Sent)).expect("record");
        j.record(entry(2, State::Sending)).expect("record");
        drop(j);
        let j = Journal::open(&path).expect("reopen");
        assert_eq!(j.last(1).map(|e| e.state), Some(State::Sent));
        assert_eq!(j.last(2).map(|e| e.state), Some(State::Sending));
        assert_eq!(j.last(3), None);
    }

    #[test]
    fn a_line_cut_short_is_ignored_and_closed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sent.jsonl");
        let first = serde_json::to_string(&entry(1, State::Sending)).expect("json");
        std::fs::write(&path, format!("{first}\n{{\"row\":1,\"sta")).expect("write");
        let mut j = Journal::open(&path).expect("open");
        assert_eq!(j.unreadable, [2]);
        assert_eq!(j.last(1).map(|e| e.state), Some(State::Sending));
        j.record(entry(2, State::Sent)).expect("record");
        drop(j);
        let j = Journal::open(&path).expect("reopen");
        assert_eq!(j.last(2).map(|e| e.state), Some(State::Sent));
        assert_eq!(j.unreadable, [2]);
    }
}
