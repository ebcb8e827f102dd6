//! `letterhead completions SHELL` and `letterhead man`: the shell completion scripts and the
//! manual pages, generated from the command line's declaration, so they never drift from it.
//!
//! It writes what `clap_complete` and `clap_mangen` make of `cli::Cli`; it knows nothing about
//! letters.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::diag::Diagnostic;

use super::{EXIT_FAILED, EXIT_OK, eprint_diag};

/// Prints the completion script for `shell` on standard output; returns the exit code.
pub(super) fn completions(shell: clap_complete::Shell) -> u8 {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "letterhead", &mut script);
    write_stdout(&script)
}

/// Prints `letterhead.1` on standard output, or writes it and a page per command into
/// `out_dir`; returns the exit code.
pub(super) fn man(out_dir: Option<&Path>) -> u8 {
    // Built, so that each command knows its full name (`letterhead-render`).
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    match out_dir {
        None => match page(&cmd) {
            Ok(page) => write_stdout(&page),
            Err(err) => {
                eprint_diag(&Diagnostic::error(format!(
                    "cannot make the manual page ({err})"
                )));
                EXIT_FAILED
            }
        },
        Some(dir) => {
            let written = std::fs::create_dir_all(dir).and_then(|()| {
                let commands = std::iter::once(&cmd).chain(cmd.get_subcommands());
                for command in commands.filter(|c| !c.is_hide_set()) {
                    let name = command
                        .get_display_name()
                        .unwrap_or_else(|| command.get_name());
                    std::fs::write(dir.join(format!("{name}.1")), page(command)?)?;
                }
                Ok(())
            });
            match written {
                Ok(()) => {
                    eprintln!("wrote the manual pages into {}", dir.display());
                    EXIT_OK
                }
                Err(err) => {
                    eprint_diag(&Diagnostic::error(format!(
                        "cannot write the manual pages into `{}` ({err})",
                        dir.display()
                    )));
                    EXIT_FAILED
                }
            }
        }
    }
}

/// One command's manual page: `clap_mangen`'s sections, with the examples of `after_help` in
/// an EXAMPLES section set line by line (`clap_mangen` fills them into a paragraph).
fn page(cmd: &clap::Command) -> std::io::Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page)?;
    }
    if cmd.get_subcommands().any(|c| !c.is_hide_set()) {
        man.render_subcommands_section(&mut page)?;
    }
    if let Some(after) = cmd.get_after_help() {
        page.extend_from_slice(examples(&after.to_string()).as_bytes());
    }
    if cmd.get_version().is_some() {
        man.render_version_section(&mut page)?;
    }
    Ok(page)
}

/// An EXAMPLES section in roff from an `after_help` text that starts with `Examples:`: lines
/// kept as they are (`.nf`), with roff's escapes.
fn examples(after_help: &str) -> String {
    let body = after_help
        .strip_prefix("Examples:")
        .unwrap_or(after_help)
        .trim_matches('\n');
    let mut out = String::from(".SH EXAMPLES\n.nf\n");
    for line in body.lines() {
        // `\-` is a minus sign (an option's dashes copy as typed), `\e` a backslash; `\&` keeps
        // a line that starts with `.` or `'` from being read as a request.
        let line = line.replace('\\', "\\e").replace('-', "\\-");
        if line.starts_with(['.', '\'']) {
            out.push_str("\\&");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(".fi\n");
    out
}

/// Writes `bytes` to standard output; a closed pipe or a full disk is an error (exit 1).
fn write_stdout(bytes: &[u8]) -> u8 {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(err) => {
            eprint_diag(&Diagnostic::error(format!(
                "cannot write to standard output ({err})"
            )));
            EXIT_FAILED
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_keep_their_lines_and_escape_roff() {
        let roff = examples("Examples:\n  letterhead man --out-dir man\n.hidden 'x' \\n");
        assert_eq!(
            roff,
            ".SH EXAMPLES\n.nf\n  letterhead man \\-\\-out\\-dir man\n\\&.hidden 'x' \\en\n.fi\n"
        );
    }
}
