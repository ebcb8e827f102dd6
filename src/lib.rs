//! letterhead typesets letters: an organization's letterhead described once in
//! `letterhead.toml`, each letter a Markdown file with TOML front matter, rendered as paginated,
//! print-ready PDF.
//!
//! Besides the `letterhead` command, the crate is a library for programs that make letters
//! themselves: read a [`Letterhead`] and a [`Letter`] from text, [`render`] them with
//! [`Options`], and get a [`Pdf`] in memory, or [`Diagnostics`] that say what is wrong and
//! where, as the command line prints them.
//!
//! ```
//! use letterhead::{Letter, Letterhead, Options};
//!
//! let letterhead = Letterhead::from_toml("[organization]\nname = \"Acme Ltd\"\n", ".")?;
//! let letter = Letter::from_markdown("+++\nto = [\"Ada Lovelace\"]\n+++\n\nDear Ada,\n")?;
//! let pdf = letterhead::render(&letterhead, &letter, &Options::default().now(0))?;
//! assert_eq!(pdf.page_count(), 1);
//! let bytes: Vec<u8> = pdf.into_bytes(); // attach it to an email, send it as a response, …
//! # assert!(bytes.starts_with(b"%PDF-"));
//! # Ok::<(), letterhead::Diagnostics>(())
//! ```
//!
//! These items at the crate root are the whole public API; `internals` serves the crate's
//! own tests and binary and is not covered by semantic versioning.
//!
//! Data flows one way:
//!
//! ```text
//! cli → app → (config, letter, markdown) → paragraph (shape, linebreak) → paginate
//!     → compose (letterhead, continuation header, page numbers) → frame → pdf
//! ```
//!
//! `app` (the command line) and `api` (the library) make a letter by the same steps,
//! `typeset`'s.

mod api;
pub(crate) mod app;
pub(crate) mod breakpoints;
pub(crate) mod cli;
pub(crate) mod compose;
pub(crate) mod config;
pub(crate) mod diag;
pub(crate) mod files;
pub(crate) mod fonts;
pub(crate) mod frame;
pub(crate) mod image;
pub(crate) mod lang;
pub(crate) mod length;
pub(crate) mod letter;
pub(crate) mod linebreak;
pub(crate) mod mail;
pub(crate) mod markdown;
pub(crate) mod merge;
pub(crate) mod paginate;
pub(crate) mod paragraph;
pub(crate) mod pdf;
pub(crate) mod punct;
pub(crate) mod raster;
pub(crate) mod schema;
pub(crate) mod sfnt;
pub(crate) mod shape;
pub(crate) mod svg;
pub(crate) mod typeset;
pub(crate) mod uri;

pub use api::{Diagnostic, Diagnostics, Letter, Letterhead, Options, Pdf, Severity, render};

/// Items the crate's own integration tests, fuzz targets, documentation examples and binary
/// use. **Not part of the public API and not covered by semantic versioning**: anything here
/// may change or go in any release. Programs use the items at the crate root.
#[doc(hidden)]
pub mod internals {
    pub use crate::app::main;
    pub use crate::pdf::embed_font_bytes;
    pub use crate::typeset::typeset_plain;

    pub mod config {
        pub use crate::config::{Color, Letterhead, parse, well_formed_date_format};
    }
    pub mod diag {
        pub use crate::diag::{Diagnostic, Source};
    }
    pub mod lang {
        pub use crate::lang::Language;
    }
    pub mod length {
        pub use crate::length::{Abs, parse};
    }
    pub mod letter {
        pub use crate::letter::{parse, split};
    }
    pub mod mail {
        pub use crate::mail::{Server, message_id};
        pub mod template {
            pub use crate::mail::template::parse_mailbox;
        }
        pub mod text {
            pub use crate::mail::text::{html, plain};
        }
    }
    pub mod markdown {
        pub use crate::markdown::{Block, parse};
    }
    pub mod merge {
        pub use crate::merge::{escape_markdown, sanitize};
    }
    pub mod paragraph {
        pub use crate::paragraph::proper_names;
    }
    pub mod punct {
        pub use crate::punct::{curl, localize, smarten};
    }
    pub mod sfnt {
        pub use crate::sfnt::{TrueType, table};
    }
    pub mod svg {
        pub use crate::svg::convert;
    }
}
