//! `letterhead combine`: PDFs letterhead wrote — letters, or the combined print files of a
//! merge's shards — joined in order into one print file, by the code that writes a merge's
//! combined file (`pdf::combine`). Each input is read whole, appended and dropped, so memory
//! holds one input at a time.

use std::path::Path;

use crate::cli::CombineArgs;
use crate::diag::Diagnostic;
use crate::pdf::combine::Combiner;

use super::{
    EXIT_FAILED, EXIT_OK, EXIT_USAGE, eprint_diag, finish_to_stdout, is_stdout, plan,
    source_date_epoch, staging_path,
};

/// Runs `combine`; returns the exit code.
pub(super) fn join(args: &CombineArgs) -> u8 {
    let output = &args.output;
    let usage = |d: Diagnostic| {
        eprint_diag(&d);
        EXIT_USAGE
    };
    for input in &args.inputs {
        if same_file(input, output) {
            return usage(Diagnostic::error(format!(
                "`{}` is both an input and the output",
                input.display()
            )));
        }
    }
    let created = match source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH")) {
        Ok(Some(epoch)) => epoch,
        Ok(None) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
        Err(d) => return usage(*d),
    };
    // `-o -`: standard output, once the file is complete.
    let to_stdout = is_stdout(output);
    let staged = staging_path(output);
    let created = std::fs::create_dir_all(plan::folder_of(&staged))
        .and_then(|()| plan::create_temporary(&staged))
        .and_then(|(tmp, _)| {
            Combiner::create(&staged, &tmp, false, created).inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })
        });
    let mut combiner = match created {
        Ok(c) => c,
        Err(err) => {
            return usage(Diagnostic::error(format!(
                "cannot write `{}` ({err})",
                output.display()
            )));
        }
    };
    for input in &args.inputs {
        let fail = |why: String| {
            eprint_diag(
                &Diagnostic::error(format!(
                    "cannot join `{}`: {why}; `{}` was not written",
                    input.display(),
                    output.display()
                ))
                .in_file(input),
            );
            EXIT_FAILED
        };
        let bytes = match std::fs::read(input) {
            Ok(bytes) => bytes,
            Err(err) => return fail(err.to_string()),
        };
        let title = input
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        // A bug in reading a file fails the run with a message, never a half-written file.
        let appended = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            combiner.append_pdf(&bytes, &title)
        }))
        .unwrap_or_else(|_| Err("internal error while reading it".into()));
        if let Err(why) = appended {
            return fail(why);
        }
    }
    let pages = combiner.page_count();
    let finished = if to_stdout {
        finish_to_stdout(combiner)
    } else {
        combiner.finish()
    };
    match finished {
        Ok(()) => {
            if !args.quiet && to_stdout {
                eprintln!("wrote the combined PDF to standard output ({pages} pages)");
            } else if !args.quiet {
                eprintln!("wrote {} ({pages} pages)", output.display());
            }
            EXIT_OK
        }
        Err(err) => {
            eprint_diag(&Diagnostic::error(format!(
                "cannot write `{}` ({err})",
                output.display()
            )));
            EXIT_FAILED
        }
    }
}

/// Whether two paths name the same file (an existing output is compared by identity).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
