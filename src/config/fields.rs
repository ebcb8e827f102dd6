//! The shape of a `letterhead.toml` for `schema::check`: its tables, keys and what each takes,
//! with the rules a single value must meet (a known page size and language, a date format a
//! date can fill, a font size and leading in range).
//!
//! It must say the same as the serde types in `config` (a key added there is added here);
//! rules between values (margins against the page, DIN and a window) stay in `resolve`.

use toml::de::DeValue;

use super::{Color, check_date_format, check_font_size, check_leading, language, page_size};
use crate::diag;
use crate::length;
use crate::schema::{Field, Kind, Table};

/// A whole `letterhead.toml`.
pub(super) const LETTERHEAD: Table = Table {
    what: "a letterhead",
    fields: &[
        Field::new("organization", Kind::Table(&ORGANIZATION)).required(),
        Field::new("page", Kind::Table(&PAGE)),
        Field::new("style", Kind::Table(&STYLE)),
        Field::new("footer", Kind::Table(&FOOTER)),
    ],
};

const ORGANIZATION: Table = Table {
    what: "a table: [organization] with name = \"…\" on the next line",
    fields: &[
        Field::new("name", Kind::Text).required(),
        Field::new("tagline", Kind::Text),
        Field::new("url", Kind::Text),
        Field::new("logo", Kind::Text).what("the logo file's name in quotes"),
        Field::new("logo-height", Kind::Length { example: "18mm" }),
        Field::new("logo-alt", Kind::Text),
        Field::new("logo-position", Kind::Word(&["left", "right"])),
        Field::new("address", Kind::Texts),
        Field::new("email", Kind::Text),
        Field::new("phone", Kind::Text),
        Field::new("return-address", Kind::Text),
    ],
};

const PAGE: Table = Table {
    what: "a table: [page] with size = \"a4\" on the next line",
    fields: &[
        Field::new(
            "size",
            Kind::Either(&Kind::Text, &Kind::Table(&CUSTOM_SIZE)),
        )
        .what("a paper size like \"a4\", or a table like { width = \"…\", height = \"…\" }")
        .rule(page_size_rule),
        Field::new("margins", Kind::Table(&MARGINS)),
        Field::new("layout", Kind::Word(&["block", "din5008-a", "din5008-b"])),
        Field::new("window", Kind::Word(&["us-10"])),
        Field::new("fold-marks", Kind::Bool),
        Field::new("pdfa", Kind::Bool),
        Field::new("stationery", Kind::Table(&STATIONERY)),
    ],
};

const STATIONERY: Table = Table {
    what: "a table like { first = \"letterhead-first.pdf\", later = \"letterhead-later.pdf\" }",
    fields: &[
        Field::new("first", Kind::Text)
            .required()
            .what("the PDF file's name in quotes"),
        Field::new("later", Kind::Text).what("the PDF file's name in quotes"),
        Field::new("letterhead", Kind::Word(&["none", "draw"])),
    ],
};

const CUSTOM_SIZE: Table = Table {
    what: "a table like { width = \"…\", height = \"…\" }",
    fields: &[
        Field::new("width", Kind::Length { example: "210mm" }).required(),
        Field::new("height", Kind::Length { example: "297mm" }).required(),
    ],
};

const MARGINS: Table = Table {
    what: "a table of lengths, like margins = { top = \"1in\", left = \"25mm\" }",
    fields: &[
        Field::new("top", Kind::Length { example: "25mm" }),
        Field::new("bottom", Kind::Length { example: "25mm" }),
        Field::new("left", Kind::Length { example: "25mm" }),
        Field::new("right", Kind::Length { example: "25mm" }),
    ],
};

const STYLE: Table = Table {
    what: "a table: [style] with font = \"…\" on the next line",
    fields: &[
        Field::new("font", Kind::Either(&Kind::Text, &Kind::Table(&FONT_FILES)))
            .what("a font's name in quotes, or a table of font files like { regular = \"…\" }"),
        Field::new("fallback", Kind::Texts),
        Field::new("size", Kind::Length { example: "11pt" }).rule(font_size_rule),
        Field::new("leading", Kind::Number).rule(leading_rule),
        Field::new(
            "accent",
            Kind::Parsed {
                what: "a colour like \"#7a1f3d\"",
                parse: colour,
            },
        ),
        Field::new("align", Kind::Word(&["left", "justify"])),
        Field::new("hyphenate", Kind::Bool),
        Field::new("language", Kind::Text).rule(language_rule),
        Field::new("date-format", Kind::Text).rule(date_format_rule),
    ],
};

const FONT_FILES: Table = Table {
    what: "a table of font files like { regular = \"…\", bold = \"…\" }",
    fields: &[
        Field::new("regular", Kind::Text).required(),
        Field::new("bold", Kind::Text),
        Field::new("italic", Kind::Text),
        Field::new("bold-italic", Kind::Text),
    ],
};

const FOOTER: Table = Table {
    what: "a table: [footer] with text = \"…\" on the next line",
    fields: &[
        Field::new("text", Kind::Text),
        Field::new("page-numbers", Kind::Bool),
        Field::new("columns", Kind::Columns),
        Field::new("columns-on", Kind::Word(&["every-page", "first-page"])),
    ],
};

fn colour(text: &str) -> Result<(), String> {
    Color::parse(text).map(drop)
}

fn page_size_rule(value: &DeValue<'_>) -> diag::Result<()> {
    match value.as_str() {
        Some(name) => page_size(name).map(drop),
        None => Ok(()),
    }
}

fn font_size_rule(value: &DeValue<'_>) -> diag::Result<()> {
    match value.as_str().map(length::parse) {
        Some(Ok(size)) => check_font_size(size),
        _ => Ok(()),
    }
}

fn leading_rule(value: &DeValue<'_>) -> diag::Result<()> {
    // A number the float parser cannot read (`1_5.0`) is left to serde and `resolve`.
    let leading = match value {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|i| i as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => None,
    };
    leading.map_or(Ok(()), check_leading)
}

fn language_rule(value: &DeValue<'_>) -> diag::Result<()> {
    value.as_str().map_or(Ok(()), |tag| language(tag).map(drop))
}

fn date_format_rule(value: &DeValue<'_>) -> diag::Result<()> {
    value.as_str().map_or(Ok(()), check_date_format)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{File, parse};
    use crate::diag::Source;

    /// Every key, each with a value of its kind.
    const FULL: &str = r##"
[organization]
name = "Acme"
tagline = "t"
url = "https://example.com"
logo = "logo.png"
logo-height = "18mm"
logo-alt = "Acme's logo: a red anvil"
logo-position = "right"
address = ["1 Main St"]
email = "a@example.com"
phone = "1"
[page]
size = { width = "200mm", height = "280mm" }
margins = { top = "1in", bottom = "1in", left = "1in", right = "1in" }
layout = "block"
window = "us-10"
fold-marks = true
pdfa = false
[style]
font = { regular = "a.ttf", bold = "b.ttf", italic = "i.ttf", bold-italic = "bi.ttf" }
size = "11pt"
leading = 1
accent = "#123"
align = "justify"
hyphenate = false
language = "de-DE"
date-format = "[day]. [month repr:long] [year]"
[footer]
text = "f"
page-numbers = false
columns = [["a", "b"], ["c"]]
columns-on = "first-page"
"##;

    fn source(text: &str) -> Source {
        Source {
            path: "letterhead.toml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_letterhead_with_every_key_passes() {
        let lh = parse(&source(FULL)).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(lh.style.leading, 1.0);
    }

    /// The check and serde agree on the keys of every table: an unknown key gets the same
    /// message from both.
    #[test]
    fn the_checked_keys_are_the_deserialized_keys() {
        // Whether serde says which key (an untagged enum, a page size or font that is a
        // string or a table, only says that neither fits).
        let tables = [
            ("", "[organization]\nname = \"A\"\n", true),
            ("[organization]\nname = \"A\"\n", "", true),
            ("[organization]\nname = \"A\"\n[page]\n", "", true),
            ("[organization]\nname = \"A\"\n[page.margins]\n", "", true),
            (
                "[organization]\nname = \"A\"\n[page.size]\nwidth = \"1in\"\nheight = \"1in\"\n",
                "",
                false,
            ),
            ("[organization]\nname = \"A\"\n[style]\n", "", true),
            (
                "[organization]\nname = \"A\"\n[style.font]\nregular = \"a\"\n",
                "",
                false,
            ),
            ("[organization]\nname = \"A\"\n[footer]\n", "", true),
        ];
        for (before, after, names) in tables {
            let text = format!("{before}zzz = 1\n{after}");
            let serde = toml::from_str::<File>(&text).map(drop).unwrap_err();
            let checked = crate::schema::check(&source(&text), 0, &text, &LETTERHEAD).unwrap_err();
            assert!(checked.message.starts_with("unknown field `zzz`"), "{text}");
            if names {
                assert_eq!(checked.message, serde.message().trim(), "{text}");
            }
        }
        // And on the words a key takes.
        for (key, word) in [
            ("[organization]\nname = \"A\"\nlogo-position", "left"),
            ("[organization]\nname = \"A\"\n[page]\nlayout", "block"),
            ("[organization]\nname = \"A\"\n[page]\nwindow", "us-10"),
            ("[organization]\nname = \"A\"\n[style]\nalign", "left"),
            (
                "[organization]\nname = \"A\"\n[footer]\ncolumns-on",
                "every-page",
            ),
        ] {
            let good = format!("{key} = \"{word}\"\n");
            assert!(parse(&source(&good)).is_ok(), "{good}");
            let text = format!("{key} = \"zzz\"\n");
            let serde = toml::from_str::<File>(&text).map(drop).unwrap_err();
            let checked = crate::schema::check(&source(&text), 0, &text, &LETTERHEAD).unwrap_err();
            assert_eq!(checked.message, serde.message().trim(), "{text}");
        }
    }
}
