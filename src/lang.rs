//! Languages: what `style.language` changes in a letter — hyphenation patterns, the date's
//! month and weekday names, quotation marks, and the words the layout adds itself ("Page 2 of
//! 3", "Enclosures", "cc").
//!
//! It takes a language tag and gives these; it knows nothing about layout. Month and weekday
//! names are kept here because the `time` crate formats English names only.

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    /// American English (the default).
    #[default]
    EnUs,
    /// British English.
    EnGb,
    /// German (Germany).
    DeDe,
    /// French (France).
    FrFr,
    /// Spanish (Spain).
    EsEs,
}

/// The tags `style.language` accepts.
pub const TAGS: [&str; 5] = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES"];

/// English month names, which dates are written with and localized from.
pub(crate) const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

impl Language {
    /// The language for a tag (`de-DE`; case-insensitive, `_` taken for `-`).
    ///
    /// ```
    /// use letterhead::lang::Language;
    /// assert_eq!(Language::from_tag("de_de"), Some(Language::DeDe));
    /// assert_eq!(Language::from_tag("xx"), None);
    /// ```
    pub fn from_tag(tag: &str) -> Option<Language> {
        // No allocation: this runs for every hyphenated word.
        let same = |a: &str, b: &str| {
            a.len() == b.len()
                && a.bytes()
                    .zip(b.bytes())
                    .all(|(x, y)| x.eq_ignore_ascii_case(&y) || (x == b'_' && y == b'-'))
        };
        const ALL: [Language; 5] = [
            Language::EnUs,
            Language::EnGb,
            Language::DeDe,
            Language::FrFr,
            Language::EsEs,
        ];
        ALL.into_iter()
            .find(|l| same(tag, l.tag()) || same(tag, &l.tag()[..2]))
            .filter(|l| tag.len() != 2 || *l != Language::EnGb)
    }

    /// The BCP 47 tag, for shaping.
    pub fn tag(self) -> &'static str {
        TAGS[self as usize]
    }

    /// Hyphenation patterns.
    pub fn hyphenation(self) -> hypher::Lang {
        match self {
            Language::EnUs | Language::EnGb => hypher::Lang::English,
            Language::DeDe => hypher::Lang::German,
            Language::FrFr => hypher::Lang::French,
            Language::EsEs => hypher::Lang::Spanish,
        }
    }

    /// The date's default format (`time` format description; names are English and
    /// translated by `localize_date`).
    pub fn date_format(self) -> &'static str {
        match self {
            Language::EnUs => "[month repr:long] [day padding:none], [year]",
            Language::EnGb | Language::FrFr | Language::EsEs => {
                "[day padding:none] [month repr:long] [year]"
            }
            Language::DeDe => "[day padding:none]. [month repr:long] [year]",
        }
    }

    /// Replaces English month and weekday names in a formatted date with this language's,
    /// and adds the words Spanish puts between day, month and year.
    ///
    /// ```
    /// use letterhead::lang::Language;
    /// assert_eq!(Language::DeDe.localize_date("5. March 2026"), "5. März 2026");
    /// assert_eq!(Language::FrFr.localize_date("Monday 5 August 2015"), "lundi 5 août 2015");
    /// assert_eq!(Language::EsEs.localize_date("5 August 2015"), "5 de agosto de 2015");
    /// ```
    pub fn localize_date(self, formatted: &str) -> String {
        let (months, weekdays): (&[&str; 12], &[&str; 7]) = match self {
            Language::EnUs | Language::EnGb => return formatted.to_string(),
            Language::DeDe => (
                &[
                    "Januar",
                    "Februar",
                    "März",
                    "April",
                    "Mai",
                    "Juni",
                    "Juli",
                    "August",
                    "September",
                    "Oktober",
                    "November",
                    "Dezember",
                ],
                &[
                    "Montag",
                    "Dienstag",
                    "Mittwoch",
                    "Donnerstag",
                    "Freitag",
                    "Samstag",
                    "Sonntag",
                ],
            ),
            Language::FrFr => (
                &[
                    "janvier",
                    "février",
                    "mars",
                    "avril",
                    "mai",
                    "juin",
                    "juillet",
                    "août",
                    "septembre",
                    "octobre",
                    "novembre",
                    "décembre",
                ],
                &[
                    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
                ],
            ),
            Language::EsEs => (
                &[
                    "enero",
                    "febrero",
                    "marzo",
                    "abril",
                    "mayo",
                    "junio",
                    "julio",
                    "agosto",
                    "septiembre",
                    "octubre",
                    "noviembre",
                    "diciembre",
                ],
                &[
                    "lunes",
                    "martes",
                    "miércoles",
                    "jueves",
                    "viernes",
                    "sábado",
                    "domingo",
                ],
            ),
        };
        let mut out = Vec::new();
        let words: Vec<&str> = formatted.split(' ').collect();
        for (i, word) in words.iter().enumerate() {
            let bare = word.trim_end_matches(',');
            let tail = &word[bare.len()..];
            if let Some(m) = MONTHS_EN.iter().position(|n| *n == bare) {
                // Spanish: "5 de agosto de 2015".
                let spanish = self == Language::EsEs;
                if spanish && i > 0 && words[i - 1].chars().all(|c| c.is_ascii_digit()) {
                    out.push("de".to_string());
                }
                out.push(format!("{}{tail}", months[m]));
                if spanish
                    && words
                        .get(i + 1)
                        .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
                {
                    out.push("de".to_string());
                }
            } else if let Some(d) = WEEKDAYS_EN.iter().position(|n| *n == bare) {
                out.push(format!("{}{tail}", weekdays[d]));
            } else {
                out.push((*word).to_string());
            }
        }
        out.join(" ")
    }

    /// Turns the English curly quotes of smart punctuation into this language's: „…“ in
    /// German, « … » (with narrow no-break spaces) in French, «…» in Spanish. A closing single
    /// quote is left as it is unless a single quote was opened before it, since it is also the
    /// apostrophe. Marks the writer typed in the language's own style are kept, with what they
    /// enclose: the “ that closes a typed „ in German, the “…” inside a typed «…» in French and
    /// Spanish.
    ///
    /// ```
    /// use letterhead::lang::Language;
    /// assert_eq!(Language::DeDe.quotes("“Haus” und ‘Hof’ geht’s"), "„Haus“ und ‚Hof‘ geht’s");
    /// assert_eq!(Language::DeDe.quotes("„Haus“ und ‚Hof‘"), "„Haus“ und ‚Hof‘");
    /// assert_eq!(Language::FrFr.quotes("“oui”"), "«\u{202F}oui\u{202F}»");
    /// assert_eq!(Language::EsEs.quotes("«dijo “no”»"), "«dijo “no”»");
    /// ```
    pub fn quotes(self, text: &str) -> String {
        self.quotes_in(text, &mut QuoteState::default())
    }

    /// `quotes` for one run of a paragraph, with what the runs before it opened.
    pub fn quotes_in(self, text: &str, state: &mut QuoteState) -> String {
        let (open2, close2, open1, close1) = match self {
            Language::EnUs | Language::EnGb => return text.to_string(),
            Language::DeDe => ("„", "“", "‚", "‘"),
            Language::FrFr => ("«\u{202F}", "\u{202F}»", "‹\u{202F}", "\u{202F}›"),
            Language::EsEs => ("«", "»", "“", "”"),
        };
        let german = self == Language::DeDe;
        let mut out = String::with_capacity(text.len() + 8);
        let chars: Vec<char> = text.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            match c {
                // The language's own opening marks, typed: what closes them is kept.
                '„' | '«' => {
                    state.typed_double += 1;
                    out.push(c);
                }
                '‚' | '‹' => {
                    state.typed_single += 1;
                    out.push(c);
                }
                '»' => {
                    state.typed_double = state.typed_double.saturating_sub(1);
                    out.push(c);
                }
                '›' => {
                    state.typed_single = state.typed_single.saturating_sub(1);
                    out.push(c);
                }
                // German closes „ with the English opening quote.
                '“' if german && state.typed_double > 0 => {
                    state.typed_double -= 1;
                    out.push(c);
                }
                '‘' if german && state.typed_single > 0 => {
                    state.typed_single -= 1;
                    out.push(c);
                }
                // Inside a typed «…», “…” are the second level of French and Spanish quotes.
                '“' | '”' if !german && state.typed_double > 0 => out.push(c),
                '“' => out.push_str(open2),
                '”' => out.push_str(close2),
                '‘' => {
                    state.single_open = true;
                    out.push_str(open1);
                }
                // A closing quote is followed by no letter; an apostrophe usually is.
                '’' if state.single_open
                    && !chars.get(i + 1).is_some_and(|n| n.is_alphabetic()) =>
                {
                    state.single_open = false;
                    out.push_str(close1);
                }
                c => out.push(c),
            }
        }
        out
    }

    /// "Page 2 of 3".
    pub fn page_of(self, n: usize, total: usize) -> String {
        match self {
            Language::EnUs | Language::EnGb => format!("Page {n} of {total}"),
            Language::DeDe => format!("Seite {n} von {total}"),
            Language::FrFr => format!("Page {n} sur {total}"),
            Language::EsEs => format!("Página {n} de {total}"),
        }
    }

    /// The label of the enclosures, for `count` of them.
    pub fn enclosures(self, count: usize) -> String {
        let (one, many) = match self {
            Language::EnUs | Language::EnGb => ("Enclosure", "Enclosures"),
            Language::DeDe => ("Anlage", "Anlagen"),
            Language::FrFr => ("Pièce jointe", "Pièces jointes"),
            Language::EsEs => ("Anexo", "Anexos"),
        };
        if count == 1 {
            one.to_string()
        } else {
            format!("{many} ({count})")
        }
    }

    /// The label of the copies ("cc").
    pub fn cc(self) -> &'static str {
        match self {
            Language::EnUs | Language::EnGb => "cc",
            Language::DeDe => "Kopie an",
            Language::FrFr => "Copie à",
            Language::EsEs => "c.c.",
        }
    }

    /// The label of the postscript.
    pub fn ps(self) -> &'static str {
        match self {
            Language::EnUs | Language::EnGb | Language::EsEs => "P.S.",
            Language::DeDe | Language::FrFr => "PS",
        }
    }

    /// The labels of the signer's email and phone lines.
    pub fn contact_labels(self) -> (&'static str, &'static str) {
        match self {
            Language::EnUs | Language::EnGb => ("Email", "Phone"),
            Language::DeDe => ("E-Mail", "Telefon"),
            Language::FrFr => ("Courriel", "Téléphone"),
            Language::EsEs => ("Correo", "Teléfono"),
        }
    }

    /// The label of a reference field of the front matter (`your-ref`, `your-letter`,
    /// `our-ref`, `customer`), and of the date and the signer's name in the DIN information
    /// block (`date`, `name`).
    pub fn reference_label(self, field: Reference) -> &'static str {
        use Reference::{Customer, Date, Name, OurRef, YourLetter, YourRef};
        match (self, field) {
            (Language::EnUs | Language::EnGb, YourRef) => "Your ref.",
            (Language::EnUs | Language::EnGb, YourLetter) => "Your letter of",
            (Language::EnUs | Language::EnGb, OurRef) => "Our ref.",
            (Language::EnUs | Language::EnGb, Customer) => "Customer no.",
            (Language::EnUs | Language::EnGb, Date) => "Date",
            (Language::EnUs | Language::EnGb, Name) => "Contact",
            (Language::DeDe, YourRef) => "Ihr Zeichen",
            (Language::DeDe, YourLetter) => "Ihr Schreiben vom",
            (Language::DeDe, OurRef) => "Unser Zeichen",
            (Language::DeDe, Customer) => "Kundennummer",
            (Language::DeDe, Date) => "Datum",
            (Language::DeDe, Name) => "Ansprechpartner",
            (Language::FrFr, YourRef) => "Votre référence",
            (Language::FrFr, YourLetter) => "Votre lettre du",
            (Language::FrFr, OurRef) => "Notre référence",
            (Language::FrFr, Customer) => "N° client",
            (Language::FrFr, Date) => "Date",
            (Language::FrFr, Name) => "Contact",
            (Language::EsEs, YourRef) => "Su referencia",
            (Language::EsEs, YourLetter) => "Su carta del",
            (Language::EsEs, OurRef) => "Nuestra referencia",
            (Language::EsEs, Customer) => "N.º de cliente",
            (Language::EsEs, Date) => "Fecha",
            (Language::EsEs, Name) => "Contacto",
        }
    }

    /// What goes between a label and its value: French sets a space before the colon.
    pub fn colon(self) -> &'static str {
        match self {
            Language::FrFr => "\u{202F}:",
            _ => ":",
        }
    }
}

/// The quotation marks a paragraph has opened so far, carried from one of its runs to the
/// next by `Language::quotes_in`.
#[derive(Debug, Clone, Copy, Default)]
pub struct QuoteState {
    /// A single quote converted from smart punctuation is open.
    single_open: bool,
    /// Typed opening marks of the language's own style still open (`„`, `«`).
    typed_double: usize,
    /// Typed single opening marks still open (`‚`, `‹`).
    typed_single: usize,
}

/// A labelled line of the reference block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// `your-ref`: the recipient's reference.
    YourRef,
    /// `your-letter`: the date of the recipient's letter.
    YourLetter,
    /// `our-ref`: the sender's reference.
    OurRef,
    /// `customer`: the recipient's customer number.
    Customer,
    /// The date (DIN information block).
    Date,
    /// The signer, to contact (DIN information block).
    Name,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tag_round_trips() {
        for tag in TAGS {
            assert_eq!(Language::from_tag(tag).map(Language::tag), Some(tag));
        }
    }

    #[test]
    fn dates_in_every_language() {
        let cases = [
            (Language::EnUs, "August 5, 2015"),
            (Language::EnGb, "5 August 2015"),
            (Language::DeDe, "5. August 2015"),
            (Language::FrFr, "5 août 2015"),
            (Language::EsEs, "5 de agosto de 2015"),
        ];
        let date = time::macros::date!(2015 - 08 - 05);
        for (lang, expected) in cases {
            let format = time::format_description::parse_borrowed::<1>(lang.date_format()).unwrap();
            let english = date.format(&format).unwrap();
            assert_eq!(lang.localize_date(&english), expected, "{lang:?}");
        }
    }

    #[test]
    fn german_compounds_hyphenate() {
        let syllables: Vec<&str> =
            hypher::hyphenate("donaudampfschifffahrt", Language::DeDe.hyphenation()).collect();
        assert!(syllables.len() >= 4, "{syllables:?}");
        assert!(syllables.contains(&"dampf"), "{syllables:?}");
    }
}
