//! Languages: what `style.language` changes in a letter — hyphenation patterns, the date's
//! month and weekday names, quotation marks, and the words the layout adds itself ("Page 2 of
//! 3", "Enclosures", "cc").
//!
//! It takes a language tag and gives these; it knows nothing about layout. Dates are formatted
//! here, from their parts, with each language's month and weekday names (the `time` crate
//! writes English names only): a letter's date, or today's, by the letterhead's date format.

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

/// Why a letter's date could not be formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// A time without a day (`date = 10:30:00`).
    NoDay,
    /// A day the calendar does not have (`2026-02-30`).
    NotADate,
    /// The format is not a `time` format description; the parser's message.
    BadFormat(String),
    /// The date could not be written by the format; the formatter's message.
    Format(String),
}

/// The tags `style.language` accepts.
pub const TAGS: [&str; 5] = ["en-US", "en-GB", "de-DE", "fr-FR", "es-ES"];

impl Language {
    /// The language for a tag (`de-DE`; case-insensitive, `_` taken for `-`).
    ///
    /// ```
    /// use letterhead::internals::lang::Language;
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

    /// The date's default format (`time` format description; `format_date` gives the month
    /// and weekday names in the language).
    pub fn date_format(self) -> &'static str {
        match self {
            Language::EnUs => "[month repr:long] [day padding:none], [year]",
            Language::EnGb | Language::FrFr => "[day padding:none] [month repr:long] [year]",
            Language::DeDe => "[day padding:none]. [month repr:long] [year]",
            Language::EsEs => "[day padding:none] de [month repr:long] de [year]",
        }
    }

    /// Formats `date` by a parsed `time` format description, with the month and weekday
    /// names (long and short) of this language; every other component as `time` formats it.
    ///
    /// ```
    /// use letterhead::internals::lang::Language;
    /// use time::format_description::parse_borrowed;
    /// let date = time::macros::date!(2026 - 03 - 05);
    /// let format = parse_borrowed::<1>("[weekday repr:short] [day]. [month repr:short]").unwrap();
    /// assert_eq!(Language::DeDe.format_date(date, &format).unwrap(), "Do 05. Mär");
    /// let format = parse_borrowed::<1>(Language::EsEs.date_format()).unwrap();
    /// assert_eq!(Language::EsEs.format_date(date, &format).unwrap(), "5 de marzo de 2026");
    /// ```
    pub fn format_date(
        self,
        date: time::Date,
        format: &[time::format_description::BorrowedFormatItem<'_>],
    ) -> Result<String, time::error::Format> {
        let mut out = String::new();
        for item in format {
            self.format_item(date, item, &mut out)?;
        }
        Ok(out)
    }

    /// Formats a letter's date by `format` (a `time` format description) in this language:
    /// `date` as the front matter gives it, or the day of `now` (seconds since 1970, UTC) for a
    /// letter without one.
    ///
    /// ```
    /// use letterhead::internals::lang::Language;
    /// let date: toml::value::Datetime = "2015-08-05".parse().unwrap();
    /// let format = Language::FrFr.date_format();
    /// assert_eq!(Language::FrFr.format_letter_date(Some(&date), format, 0).unwrap(), "5 août 2015");
    /// assert_eq!(Language::DeDe.format_letter_date(None, "[day].[month].[year]", 86_400).unwrap(), "02.01.1970");
    /// ```
    pub fn format_letter_date(
        self,
        date: Option<&toml::value::Datetime>,
        format: &str,
        now: i64,
    ) -> Result<String, DateError> {
        let date = match date {
            Some(dt) => {
                let d = dt.date.ok_or(DateError::NoDay)?;
                let month = time::Month::try_from(d.month).map_err(|_| DateError::NotADate)?;
                time::Date::from_calendar_date(i32::from(d.year), month, d.day)
                    .map_err(|_| DateError::NotADate)?
            }
            None => time::OffsetDateTime::from_unix_timestamp(now)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
                .date(),
        };
        let format = time::format_description::parse_borrowed::<1>(format)
            .map_err(|err| DateError::BadFormat(err.to_string()))?;
        self.format_date(date, &format)
            .map_err(|err| DateError::Format(err.to_string()))
    }

    fn format_item(
        self,
        date: time::Date,
        item: &time::format_description::BorrowedFormatItem<'_>,
        out: &mut String,
    ) -> Result<(), time::error::Format> {
        use time::format_description::{BorrowedFormatItem as Item, Component};
        match item {
            Item::Component(Component::MonthLong(_)) => {
                out.push_str(self.month_name(date.month(), false));
            }
            Item::Component(Component::MonthShort(_)) => {
                out.push_str(self.month_name(date.month(), true));
            }
            Item::Component(Component::WeekdayLong(_)) => {
                out.push_str(self.weekday_name(date.weekday(), false));
            }
            Item::Component(Component::WeekdayShort(_)) => {
                out.push_str(self.weekday_name(date.weekday(), true));
            }
            Item::Compound(items) => {
                for item in *items {
                    self.format_item(date, item, out)?;
                }
            }
            // A date has every component a date format can name, so an optional part is
            // always written, and of alternatives the first, as `time` does.
            Item::Optional(item) => self.format_item(date, item, out)?,
            Item::First(items) => {
                if let Some(item) = items.first() {
                    self.format_item(date, item, out)?;
                }
            }
            // Literal text, numbers, and whatever later versions of `time` add, as `time`
            // writes them.
            item => out.push_str(&date.format(item)?),
        }
        Ok(())
    }

    /// The month's name, in full or short (`[month repr:short]`).
    ///
    /// ```
    /// use letterhead::internals::lang::Language;
    /// assert_eq!(Language::DeDe.month_name(time::Month::March, true), "Mär");
    /// assert_eq!(Language::FrFr.month_name(time::Month::August, false), "août");
    /// ```
    pub fn month_name(self, month: time::Month, short: bool) -> &'static str {
        let index = usize::from(u8::from(month)) - 1;
        let names = if short {
            self.months_short()
        } else {
            self.months()
        };
        names[index]
    }

    /// The weekday's name, in full or short (`[weekday repr:short]`).
    ///
    /// ```
    /// use letterhead::internals::lang::Language;
    /// assert_eq!(Language::EsEs.weekday_name(time::Weekday::Wednesday, false), "miércoles");
    /// assert_eq!(Language::EnGb.weekday_name(time::Weekday::Sunday, true), "Sun");
    /// ```
    pub fn weekday_name(self, weekday: time::Weekday, short: bool) -> &'static str {
        let index = usize::from(weekday.number_days_from_monday());
        let names = if short {
            self.weekdays_short()
        } else {
            self.weekdays()
        };
        names[index]
    }

    /// The months' full names, January first.
    pub(crate) fn months(self) -> &'static [&'static str; 12] {
        match self {
            Language::EnUs | Language::EnGb => &[
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
            ],
            Language::DeDe => &[
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
            Language::FrFr => &[
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
            Language::EsEs => &[
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
        }
    }

    /// The months' short names (the Unicode CLDR's abbreviations; German's three letters,
    /// as on calendars).
    fn months_short(self) -> &'static [&'static str; 12] {
        match self {
            Language::EnUs | Language::EnGb => &[
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ],
            Language::DeDe => &[
                "Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez",
            ],
            Language::FrFr => &[
                "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.",
            ],
            Language::EsEs => &[
                "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
            ],
        }
    }

    /// The weekdays' full names, Monday first.
    fn weekdays(self) -> &'static [&'static str; 7] {
        match self {
            Language::EnUs | Language::EnGb => &[
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
            Language::DeDe => &[
                "Montag",
                "Dienstag",
                "Mittwoch",
                "Donnerstag",
                "Freitag",
                "Samstag",
                "Sonntag",
            ],
            Language::FrFr => &[
                "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
            ],
            Language::EsEs => &[
                "lunes",
                "martes",
                "miércoles",
                "jueves",
                "viernes",
                "sábado",
                "domingo",
            ],
        }
    }

    /// The weekdays' short names, Monday first (the Unicode CLDR's abbreviations).
    fn weekdays_short(self) -> &'static [&'static str; 7] {
        match self {
            Language::EnUs | Language::EnGb => &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            Language::DeDe => &["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
            Language::FrFr => &["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
            Language::EsEs => &["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
        }
    }

    /// Turns the English curly quotes of smart punctuation into this language's: „…“ in
    /// German, « … » (with narrow no-break spaces) in French, «…» in Spanish. A closing single
    /// quote is left as it is unless a single quote was opened before it, since it is also the
    /// apostrophe. Marks the writer typed in the language's own style are kept, with what they
    /// enclose: the “ that closes a typed „ in German, the “…” inside a typed «…» in French and
    /// Spanish.
    ///
    /// ```
    /// use letterhead::internals::lang::Language;
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

    /// A date in a language by a format description.
    fn date_in(lang: Language, date: time::Date, format: &str) -> String {
        let format = time::format_description::parse_borrowed::<1>(format).unwrap();
        lang.format_date(date, &format).unwrap()
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
            assert_eq!(
                date_in(lang, date, lang.date_format()),
                expected,
                "{lang:?}"
            );
        }
    }

    #[test]
    fn short_and_long_names_in_every_language() {
        // A Thursday in March: "März" and "Mär" differ, as "mars" and "mars" do not.
        let date = time::macros::date!(2026 - 03 - 05);
        let format = "[weekday repr:short] [weekday] [day padding:none] [month repr:short] [month repr:long] [month] [year]";
        let cases = [
            (Language::EnUs, "Thu Thursday 5 Mar March 03 2026"),
            (Language::EnGb, "Thu Thursday 5 Mar March 03 2026"),
            (Language::DeDe, "Do Donnerstag 5 Mär März 03 2026"),
            (Language::FrFr, "jeu. jeudi 5 mars mars 03 2026"),
            (Language::EsEs, "jue jueves 5 mar marzo 03 2026"),
        ];
        for (lang, expected) in cases {
            assert_eq!(date_in(lang, date, format), expected, "{lang:?}");
        }
    }

    #[test]
    fn every_month_and_weekday_has_its_names() {
        let langs = TAGS.map(|t| Language::from_tag(t).unwrap());
        for lang in langs {
            for m in 1..=12u8 {
                let month = time::Month::try_from(m).unwrap();
                let date = time::Date::from_calendar_date(2026, month, 1).unwrap();
                let long = date_in(lang, date, "[month repr:long]");
                let short = date_in(lang, date, "[month repr:short]");
                assert_eq!(long, lang.months()[usize::from(m) - 1]);
                assert!(!short.is_empty() && short.chars().count() <= 5, "{short}");
                // The short name starts as the long one does (with its accent).
                let stem: String = short.trim_end_matches('.').chars().take(3).collect();
                assert!(long.starts_with(&stem), "{lang:?}: {short} / {long}");
            }
            // 2026-03-02 is a Monday.
            for d in 0..7u8 {
                let date = time::macros::date!(2026 - 03 - 02) + time::Duration::days(d.into());
                let long = date_in(lang, date, "[weekday]");
                let short = date_in(lang, date, "[weekday repr:short]");
                let stem: String = short.trim_end_matches('.').chars().take(2).collect();
                assert!(long.starts_with(&stem), "{lang:?}: {short} / {long}");
            }
        }
        // English names come from our tables, not the `time` crate's: the same words.
        let date = time::macros::date!(2026 - 09 - 13);
        let format = "[weekday] [weekday repr:short] [month repr:long] [month repr:short]";
        assert_eq!(
            date_in(Language::EnUs, date, format),
            date.format(&time::format_description::parse_borrowed::<1>(format).unwrap())
                .unwrap()
        );
    }

    #[test]
    fn literal_and_numeric_parts_of_a_format() {
        let date = time::macros::date!(2015 - 08 - 05);
        assert_eq!(
            date_in(Language::DeDe, date, "[[[weekday]] [day]/[month]"),
            "[Mittwoch] 05/08"
        );
        assert_eq!(
            date_in(Language::FrFr, date, "[year]-[month]-[day]"),
            "2015-08-05"
        );
    }

    #[test]
    fn a_letters_date_or_today_in_the_language() {
        let date = |text: &str| text.parse::<toml::value::Datetime>().unwrap();
        let written = date("2015-08-05");
        assert_eq!(
            Language::DeDe.format_letter_date(Some(&written), Language::DeDe.date_format(), 0),
            Ok("5. August 2015".to_string())
        );
        // A date-time counts by its day.
        assert_eq!(
            Language::EnUs.format_letter_date(Some(&date("2015-08-05T10:30:00")), "[year]", 0),
            Ok("2015".to_string())
        );
        // No date: the day of `now`, in UTC (1438732800 is 2015-08-05 00:00 UTC).
        assert_eq!(
            Language::EsEs.format_letter_date(None, Language::EsEs.date_format(), 1_438_732_800),
            Ok("5 de agosto de 2015".to_string())
        );
    }

    #[test]
    fn a_date_without_a_day_or_outside_the_calendar_is_refused() {
        use toml::value::{Date, Datetime, Time};
        let time = Time {
            hour: 10,
            minute: 30,
            second: Some(0),
            nanosecond: None,
        };
        let no_day = Datetime {
            date: None,
            time: Some(time),
            offset: None,
        };
        let format = Language::EnUs.date_format();
        assert_eq!(
            Language::EnUs.format_letter_date(Some(&no_day), format, 0),
            Err(DateError::NoDay)
        );
        let february_30 = Datetime {
            date: Some(Date {
                year: 2026,
                month: 2,
                day: 30,
            }),
            time: None,
            offset: None,
        };
        assert_eq!(
            Language::EnUs.format_letter_date(Some(&february_30), format, 0),
            Err(DateError::NotADate)
        );
        assert!(matches!(
            Language::EnUs.format_letter_date(None, "[weekda", 0),
            Err(DateError::BadFormat(_))
        ));
    }

    #[test]
    fn german_compounds_hyphenate() {
        let syllables: Vec<&str> =
            hypher::hyphenate("donaudampfschifffahrt", Language::DeDe.hyphenation()).collect();
        assert!(syllables.len() >= 4, "{syllables:?}");
        assert!(syllables.contains(&"dampf"), "{syllables:?}");
    }
}
