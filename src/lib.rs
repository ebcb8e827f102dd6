//! letterhead typesets letters: an organization's letterhead described once in
//! `letterhead.toml`, each letter a Markdown file with TOML front matter, rendered as paginated,
//! print-ready PDF.
//!
//! Data flows one way:
//!
//! ```text
//! cli → app → (config, letter, markdown) → paragraph (shape, linebreak) → paginate
//!     → compose (letterhead, continuation header, page numbers) → frame → pdf
//! ```

pub mod app;
pub mod breakpoints;
pub mod cli;
pub mod compose;
pub mod config;
pub mod diag;
pub mod files;
pub mod fonts;
pub mod frame;
pub mod image;
pub mod lang;
pub mod length;
pub mod letter;
pub mod linebreak;
pub mod mail;
pub mod markdown;
pub mod merge;
pub mod paginate;
pub mod paragraph;
pub mod pdf;
pub mod punct;
pub mod raster;
pub mod schema;
pub mod sfnt;
pub mod shape;
pub mod svg;
pub mod uri;
