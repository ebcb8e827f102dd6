//! Lengths: the `Abs` newtype (an absolute length in PostScript points) and the parser for
//! the unit strings users write in `letterhead.toml` (`"25mm"`, `"1in"`, `"2.5cm"`, `"12pt"`).
//!
//! It knows nothing about pages or fonts; it only measures and parses.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

/// An absolute length, stored in points (1/72 in).
#[derive(Debug, Default, Clone, Copy, PartialEq, PartialOrd)]
pub struct Abs(f64);

impl Abs {
    /// Zero length.
    pub const ZERO: Abs = Abs(0.0);

    /// A length in points.
    ///
    /// ```
    /// use letterhead::internals::length::Abs;
    /// assert_eq!(Abs::pt(72.0), Abs::inches(1.0));
    /// ```
    pub const fn pt(pt: f64) -> Abs {
        Abs(pt)
    }

    /// A length in millimetres.
    pub fn mm(mm: f64) -> Abs {
        Abs(mm * 72.0 / 25.4)
    }

    /// A length in centimetres.
    pub fn cm(cm: f64) -> Abs {
        Abs::mm(cm * 10.0)
    }

    /// A length in inches.
    pub fn inches(inches: f64) -> Abs {
        Abs(inches * 72.0)
    }

    /// The length in points.
    pub const fn to_pt(self) -> f64 {
        self.0
    }

    /// The length in millimetres.
    pub fn to_mm(self) -> f64 {
        self.0 * 25.4 / 72.0
    }

    /// The larger of two lengths.
    pub fn max(self, other: Abs) -> Abs {
        Abs(self.0.max(other.0))
    }

    /// The smaller of two lengths.
    pub fn min(self, other: Abs) -> Abs {
        Abs(self.0.min(other.0))
    }

    /// Whether the length is finite (not NaN or infinite).
    pub fn is_finite(self) -> bool {
        self.0.is_finite()
    }
}

impl fmt::Display for Abs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}pt", self.0)
    }
}

impl Add for Abs {
    type Output = Abs;
    fn add(self, rhs: Abs) -> Abs {
        Abs(self.0 + rhs.0)
    }
}

impl AddAssign for Abs {
    fn add_assign(&mut self, rhs: Abs) {
        self.0 += rhs.0;
    }
}

impl Sub for Abs {
    type Output = Abs;
    fn sub(self, rhs: Abs) -> Abs {
        Abs(self.0 - rhs.0)
    }
}

impl SubAssign for Abs {
    fn sub_assign(&mut self, rhs: Abs) {
        self.0 -= rhs.0;
    }
}

impl Neg for Abs {
    type Output = Abs;
    fn neg(self) -> Abs {
        Abs(-self.0)
    }
}

impl Mul<f64> for Abs {
    type Output = Abs;
    fn mul(self, rhs: f64) -> Abs {
        Abs(self.0 * rhs)
    }
}

impl Div<f64> for Abs {
    type Output = Abs;
    fn div(self, rhs: f64) -> Abs {
        Abs(self.0 / rhs)
    }
}

/// The ratio of two lengths.
impl Div for Abs {
    type Output = f64;
    fn div(self, rhs: Abs) -> f64 {
        self.0 / rhs.0
    }
}

impl Sum for Abs {
    fn sum<I: Iterator<Item = Abs>>(iter: I) -> Abs {
        iter.fold(Abs::ZERO, Add::add)
    }
}

/// Parses a length with a unit: `pt`, `mm`, `cm` or `in`.
///
/// ```
/// use letterhead::internals::length::{parse, Abs};
/// assert_eq!(parse("1in"), Ok(Abs::pt(72.0)));
/// assert!(parse("12").is_err());
/// ```
pub fn parse(text: &str) -> Result<Abs, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| {
            format!("`{text}` has no unit; write it like \"25mm\", \"1in\", \"2.5cm\" or \"12pt\"")
        })?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` does not start with a number; write it like \"25mm\""))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("`{text}` must be a positive length"));
    }
    match unit {
        "pt" => Ok(Abs::pt(value)),
        "mm" => Ok(Abs::mm(value)),
        "cm" => Ok(Abs::cm(value)),
        "in" => Ok(Abs::inches(value)),
        _ => Err(format!(
            "`{unit}` is not a unit; use one of `pt`, `mm`, `cm`, `in`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(parse("12pt"), Ok(Abs::pt(12.0)));
        assert_eq!(parse("1in"), Ok(Abs::pt(72.0)));
        assert_eq!(parse("25.4mm"), Ok(Abs::pt(72.0)));
        assert_eq!(parse("2.54cm"), Ok(Abs::pt(72.0)));
        assert_eq!(parse(" 0.5 in "), Ok(Abs::pt(36.0)));
    }

    #[test]
    fn rejects_missing_or_unknown_units() {
        assert!(parse("12").unwrap_err().contains("no unit"));
        assert!(parse("12px").unwrap_err().contains("`px` is not a unit"));
        assert!(parse("mm").unwrap_err().contains("number"));
        assert!(parse("-3mm").is_err());
    }
}
