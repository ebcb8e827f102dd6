//! The command line, declared with clap's derive API, and its translation into resolved
//! settings. Nothing below `app` sees clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Typesets letters on your letterhead: Markdown in, print-ready PDF out.
#[derive(Debug, Parser)]
#[command(name = "letterhead", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render letters to PDF.
    ///
    /// Each INPUT is a `.md` file, a folder (every `*.md` below it, in sorted order), or `-` for
    /// standard input (the PDF then goes to standard output unless `-o` is given).
    Render(RenderArgs),
}

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Letters to render: `.md` files, folders, or `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Write the PDF here (only with a single input letter).
    #[arg(short, long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,
    /// Write the PDFs into this folder, mirroring the input folders.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Use this letterhead for every letter instead of looking one up.
    #[arg(short, long, value_name = "FILE")]
    pub letterhead: Option<PathBuf>,
    /// Override the letterhead's page size.
    #[arg(long, value_enum, value_name = "SIZE")]
    pub page_size: Option<PageSizeArg>,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Page sizes accepted by `--page-size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PageSizeArg {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
    /// US Legal, 8.5 × 14 in.
    Legal,
    /// ISO A5, 148 × 210 mm.
    A5,
}

impl PageSizeArg {
    /// The name `config::named_size` knows.
    pub fn name(self) -> &'static str {
        match self {
            PageSizeArg::A4 => "a4",
            PageSizeArg::Letter => "letter",
            PageSizeArg::Legal => "legal",
            PageSizeArg::A5 => "a5",
        }
    }
}
