//! Renders a letter from two strings — a letterhead and a letter — to a PDF file, as a program
//! that makes letters itself would: `cargo run --example render_from_strings [OUT.pdf]`
//! (default `letter.pdf`). On error it prints the diagnostics, as `letterhead render` does,
//! and exits with status 1.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const LETTERHEAD: &str = r##"
[organization]
name = "Northwind Trading"
address = ["12 Harbour Road", "Bristol BS1 4RN"]
email = "orders@northwind.example"

[style]
language = "en-GB"
accent = "#1f4e79"
"##;

const LETTER: &str = r#"+++
to = ["Ada Lovelace", "5 St James's Square", "London SW1Y 4JU"]
subject = "Your order 1042"
salutation = "Dear Ms Lovelace,"
closing = "Yours sincerely,"

[signature]
name = "Charles Babbage"
title = "Orders"
+++

Thank you for your order of **two difference engines**. They leave our workshop on
Monday and should reach you by the end of the week.
"#;

fn main() -> ExitCode {
    let out = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("letter.pdf"), PathBuf::from);
    match make(&out) {
        Ok(written) => {
            println!("{written}");
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("{problem}");
            ExitCode::FAILURE
        }
    }
}

/// Renders the letter into the file `out`. Gives the line saying what was written, or what
/// went wrong: the diagnostics as `letterhead render` prints them, or the file that could not
/// be written. Warnings are printed on standard error.
pub fn make(out: &Path) -> Result<String, String> {
    let letterhead = letterhead::Letterhead::from_toml(LETTERHEAD, ".")
        .map_err(|diagnostics| diagnostics.to_string())?;
    let letter =
        letterhead::Letter::from_markdown(LETTER).map_err(|diagnostics| diagnostics.to_string())?;
    let options = letterhead::Options::default();
    let pdf = letterhead::render(&letterhead, &letter, &options)
        .map_err(|diagnostics| diagnostics.to_string())?;
    if !pdf.warnings().is_empty() {
        eprintln!("{}", pdf.warnings());
    }
    std::fs::write(out, pdf.bytes())
        .map_err(|err| format!("error: cannot write `{}` ({err})", out.display()))?;
    let pages = pdf.page_count();
    Ok(format!(
        "wrote {} ({pages} page{}, {} bytes)",
        out.display(),
        if pages == 1 { "" } else { "s" },
        pdf.bytes().len()
    ))
}
