//! `envelope`: envelopes or address labels for a letter's recipient, or for every row of a
//! mail merge's data, written as one PDF.
//!
//! The recipients are read exactly as `merge` reads them (its planning, data and template
//! filling), and laid out by `compose::envelope`. One recipient that does not fit fails the
//! whole file, naming its row: a sheet of labels with a gap, or envelopes missing one, would
//! be printed and mailed as they are. Nothing is written then.

use std::path::Path;

use crate::cli::{BatchArgs, EnvelopeArgs};
use crate::compose::{self, envelope};
use crate::diag::Diagnostic;
use crate::lang::Language;
use crate::letter::{self, Letter};
use crate::pdf;

use super::load::{Resources, Setup};
use super::plan::{Input, Job, Output};
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE, Mode, eprint_diag, merge};

/// What is made.
enum Make {
    Envelopes(&'static envelope::Envelope),
    Labels(&'static envelope::Sheet, usize),
}

/// Runs `envelope` and gives the exit code.
pub(super) fn envelope(args: &EnvelopeArgs) -> u8 {
    let usage = |d: &Diagnostic| {
        eprint_diag(d);
        EXIT_USAGE
    };
    let make = match (&args.size, &args.labels) {
        (_, Some(name)) => match envelope::sheet(name) {
            Some(sheet) if args.skip < sheet.per_sheet() => Make::Labels(sheet, args.skip),
            Some(sheet) => {
                return usage(
                    &Diagnostic::error(format!(
                        "`--skip {}` skips the whole sheet: {} holds {} labels",
                        args.skip,
                        sheet.name,
                        sheet.per_sheet()
                    ))
                    .hint(format!(
                        "give the labels used on the first sheet, 0 to {}",
                        sheet.per_sheet() - 1
                    )),
                );
            }
            None => return usage(&Diagnostic::error(format!("no label sheet `{name}`"))),
        },
        (Some(name), None) => match envelope::envelope(name) {
            Some(env) => Make::Envelopes(env),
            None => return usage(&Diagnostic::error(format!("no envelope size `{name}`"))),
        },
        (None, None) => {
            return usage(&Diagnostic::error(
                "say what to make: `--size SIZE` or `--labels SHEET`",
            ));
        }
    };
    let output = args.output.clone().unwrap_or_else(|| {
        let name = match make {
            Make::Envelopes(_) => "envelopes.pdf",
            Make::Labels(..) => "labels.pdf",
        };
        args.input.parent().unwrap_or(Path::new("")).join(name)
    });
    if same_file(&output, &args.input)
        || args.data.as_deref().is_some_and(|d| same_file(&output, d))
    {
        return usage(
            &Diagnostic::error(format!(
                "the output `{}` is one of the inputs",
                output.display()
            ))
            .hint("name another file with -o"),
        );
    }
    if let Err(d) = super::plan::refuse_to_replace(&output) {
        return usage(&d);
    }
    // 1. the recipients: the rows of the data, or the letter itself.
    let (jobs, merge) = match &args.data {
        Some(data) => {
            let request = merge::MergeRequest {
                template: &args.input,
                data,
                delimiter: args.delimiter,
                name: None,
                out_dir: None,
            };
            match merge::plan(Mode::Check, &request) {
                Ok((jobs, merge)) => (jobs, Some(merge)),
                Err(d) => return usage(&d),
            }
        }
        None => (
            vec![Job::new(
                Input::File {
                    path: args.input.clone(),
                    root: None,
                },
                Output::Nowhere,
            )],
            None,
        ),
    };
    let now = match super::source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH")) {
        Ok(Some(epoch)) => epoch,
        Ok(None) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
        Err(d) => return usage(&d),
    };
    let batch = BatchArgs {
        letterhead: args.letterhead.clone(),
        fonts: args.fonts.clone(),
        page_size: None,
        pdfa: args.pdfa,
        jobs: None,
        fail_fast: false,
        deny_warnings: false,
        quiet: args.quiet,
        diagnostic_format: None,
        report: None,
    };
    let resources = match Resources::load(&jobs, &batch, now, merge, &mut Vec::new()) {
        Ok(resources) => resources,
        Err(d) => return usage(&d),
    };
    // 2. each recipient's letter read, with its letterhead.
    let mut read: Vec<(Letter, Setup)> = Vec::with_capacity(jobs.len());
    let mut failed = 0;
    for job in &jobs {
        match recipient(job, &resources) {
            Ok(pair) => read.push(pair),
            Err(d) => {
                eprint_diag(&name_row(job, *d));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return nothing_written(&output, failed);
    }
    if read.is_empty() {
        return usage(&Diagnostic::error(
            "the data has no rows: there is no one to address",
        ));
    }
    // 3. laid out, all on the first row's letterhead (a merge has one template).
    let inputs: Vec<compose::Input<'_>> = read
        .iter()
        .map(|(letter, setup)| compose::Input {
            letter,
            body: std::borrow::Cow::Borrowed(&[]),
            letterhead: &setup.letterhead,
            family: &setup.family,
            logo: None,
            signature_images: Vec::new(),
            date: String::new(),
            your_letter: None,
            created: now,
        })
        .collect();
    let laid = match make {
        Make::Envelopes(env) => envelope::envelopes(&inputs, env),
        Make::Labels(sheet, skip) => envelope::labels(&inputs, sheet, skip),
    };
    let (document, warnings) = match laid {
        Ok(laid) => laid,
        Err(failures) => {
            for (i, d) in &failures {
                eprint_diag(&name_row(&jobs[*i], (**d).clone()));
            }
            return nothing_written(&output, failures.len());
        }
    };
    if !args.quiet {
        for (i, w) in warnings {
            eprint_diag(&name_row(&jobs[i], w));
        }
    }
    // 4. written whole, or not at all.
    let sheets = document.pages.len();
    let bytes = match pdf::export(document, &resources.fonts) {
        Ok((bytes, _)) => bytes,
        Err(err) => {
            eprint_diag(
                &Diagnostic::error(format!("cannot write the PDF: {err}")).in_file(&output),
            );
            return EXIT_FAILED;
        }
    };
    if let Err(d) = super::batch::write_atomically(&output, &bytes) {
        eprint_diag(&d);
        return EXIT_FAILED;
    }
    if !args.quiet {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let what = match make {
            Make::Envelopes(env) => format!(
                "{} ({})",
                plural(inputs.len(), "envelope", "envelopes"),
                env.name
            ),
            Make::Labels(sheet, _) => format!(
                "{} on {} of {}",
                plural(inputs.len(), "label", "labels"),
                plural(sheets, "sheet", "sheets"),
                sheet.name
            ),
        };
        eprintln!("wrote {what} to {}", output.display());
    }
    EXIT_OK
}

/// One recipient's letter, read and parsed, with the punctuation of its language, and its
/// letterhead. A letter without a recipient cannot be addressed.
fn recipient(job: &Job, resources: &Resources) -> crate::diag::Result<(Letter, Setup)> {
    let source = resources.read_letter(&job.input)?;
    let letter = letter::parse(source)?;
    let setup = resources.setup_for(&job.input, &letter)?;
    if letter.front.to.iter().all(|l| l.trim().is_empty()) {
        let d = Diagnostic::error("the letter has no recipient (`to` is empty or missing)")
            .hint("set `to = [\"Name\", \"Street 1\", \"City\"]` in the front matter");
        return Err(match letter.span_of(&["to"]) {
            Some(span) => d.at(&letter.source, span),
            None => d.in_file(&letter.source.path),
        }
        .boxed());
    }
    let lang = Language::from_tag(&setup.letterhead.style.language).unwrap_or_default();
    let letter = Letter {
        front: letter.front.with_punctuation(lang),
        ..letter
    };
    Ok((letter, setup))
}

/// A diagnostic about a merge row, named after it (``row 7 of `members.csv` (line 8): …``).
fn name_row(job: &Job, mut d: Diagnostic) -> Diagnostic {
    if let Input::Row(row) = &job.input {
        let label = row.name().display().to_string();
        if !d.message.starts_with(&label) {
            d.message = format!("{label}: {}", d.message);
        }
    }
    d
}

fn nothing_written(output: &Path, failed: usize) -> u8 {
    eprintln!(
        "error: {failed} recipient{} could not be addressed; `{}` was not written",
        if failed == 1 { "" } else { "s" },
        output.display()
    );
    EXIT_FAILED
}

/// Whether two paths name one file (both existing), or are spelled the same.
fn same_file(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    a == b || matches!((canon(a), canon(b)), (Some(x), Some(y)) if x == y)
}
