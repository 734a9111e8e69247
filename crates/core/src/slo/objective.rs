//! Objectives as exact decimals and the exact fractions derived from them (algorithms.md §6.1).
//!
//! `99.9` is parsed as the integer ratio `999 / 1000`, never as the float `0.999`, so the error
//! budget is exactly `1/1000` (floating point gives `(100 − 99.9) / 100 = 0.0009999999999999432`,
//! which Sloth prints in its generated rules, and `1 − 0.999 = 0.0010000000000000009`). Thresholds (`factor × budget`) are derived as exact
//! [`Ratio`]s too; `f64` appears only at the end ([`Ratio::to_f64`]), where the nearest double to
//! the exact value is produced by one correctly rounded division.
//!
//! Accepted text: `99.9`, `99.95%`, `99.9 %`, `0.999` (a value below 1 without `%` is a fraction,
//! 1 or more is a percentage), at most 18 significant decimals, no sign, no exponent.

use std::cmp::Ordering;
use std::fmt;

use super::SloError;

/// An exact non-negative fraction `num / den` in lowest terms (`den > 0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: u64,
    den: u64,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Ratio {
    /// Zero.
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    /// One.
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// `num / den` in lowest terms; `None` when `den` is 0.
    pub fn new(num: u64, den: u64) -> Option<Ratio> {
        Ratio::from_u128(u128::from(num), u128::from(den))
    }

    /// `num / den` reduced; `None` when `den` is 0 or the reduced terms do not fit in `u64`.
    pub(crate) fn from_u128(num: u128, den: u128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den).max(1);
        Some(Ratio { num: u64::try_from(num / g).ok()?, den: u64::try_from(den / g).ok()? })
    }

    /// `percent / 100`.
    pub fn percent(percent: u64) -> Ratio {
        Ratio::new(percent, 100).unwrap_or(Ratio::ZERO)
    }

    /// The numerator (lowest terms).
    pub fn num(self) -> u64 {
        self.num
    }

    /// The denominator (lowest terms, > 0).
    pub fn den(self) -> u64 {
        self.den
    }

    /// The nearest `f64` (exact for terms below 2⁵³: one correctly rounded division).
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// `self × other`; `None` on overflow of the reduced terms.
    pub fn checked_mul(self, other: Ratio) -> Option<Ratio> {
        Ratio::from_u128(u128::from(self.num) * u128::from(other.num), u128::from(self.den) * u128::from(other.den))
    }

    /// `self / other`; `None` when `other` is 0 or on overflow.
    pub fn checked_div(self, other: Ratio) -> Option<Ratio> {
        Ratio::from_u128(u128::from(self.num) * u128::from(other.den), u128::from(self.den) * u128::from(other.num))
    }

    /// `self − other`; `None` when negative.
    pub fn checked_sub(self, other: Ratio) -> Option<Ratio> {
        let a = u128::from(self.num) * u128::from(other.den);
        let b = u128::from(other.num) * u128::from(self.den);
        Ratio::from_u128(a.checked_sub(b)?, u128::from(self.den) * u128::from(other.den))
    }

    /// True when the decimal expansion terminates (the denominator has no prime factor but 2 and 5).
    pub fn is_terminating(self) -> bool {
        let mut d = self.den;
        for p in [2, 5] {
            while d % p == 0 {
                d /= p;
            }
        }
        d == 1
    }

    /// Decimal text: exact when the expansion terminates within `max_frac_digits`
    /// (`1/1000` → `0.001`, `72/5` → `14.4`), otherwise rounded to that many digits and prefixed
    /// with `≈` (`14/15` → `≈0.9333` at 4 digits).
    pub fn to_decimal_string(self, max_frac_digits: usize) -> String {
        let int = self.num / self.den;
        let mut rem = u128::from(self.num % self.den);
        let den = u128::from(self.den);
        let mut digits = Vec::new();
        while rem != 0 && digits.len() < max_frac_digits {
            rem *= 10;
            digits.push((rem / den) as u8);
            rem %= den;
        }
        if rem == 0 {
            let frac: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
            return if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") };
        }
        // Round half up on the next digit, carrying into the integer part.
        let round_up = rem * 10 / den >= 5;
        let mut int = u128::from(int);
        if round_up {
            let mut i = digits.len();
            loop {
                if i == 0 {
                    int += 1;
                    break;
                }
                i -= 1;
                if let Some(d) = digits.get_mut(i) {
                    if *d == 9 {
                        *d = 0;
                    } else {
                        *d += 1;
                        break;
                    }
                }
            }
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        let frac: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        if frac.is_empty() {
            format!("≈{int}")
        } else {
            format!("≈{int}.{frac}")
        }
    }

    /// As a percentage with up to `max_frac_digits` decimals (`1/50` → `2`, `1/48` → `≈2.083`).
    pub fn to_percent_string(self, max_frac_digits: usize) -> String {
        match self.checked_mul(Ratio::ONE.scale(100)) {
            Some(p) => p.to_decimal_string(max_frac_digits),
            None => format!("{}", self.to_f64() * 100.0),
        }
    }

    fn scale(self, k: u64) -> Ratio {
        Ratio::new(self.num.saturating_mul(k), self.den).unwrap_or(self)
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        (u128::from(self.num) * u128::from(other.den)).cmp(&(u128::from(other.num) * u128::from(self.den)))
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Ratio {
    /// `num/den` (`1/1000`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// A parsed decimal: `mantissa / 10^scale` with trailing zeros removed, plus whether it was
/// written with `%`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    mantissa: u64,
    scale: u32,
    percent_sign: bool,
}

/// Most decimals kept (10¹⁸ fits in `u64`).
const MAX_SCALE: u32 = 18;

fn parse_decimal(field: &'static str, text: &str) -> Result<Decimal, SloError> {
    let syntax = |reason: &str| SloError::Syntax { field, text: text.to_string(), reason: reason.to_string() };
    let mut body = text.trim();
    if body.is_empty() {
        return Err(SloError::Empty { field });
    }
    let percent_sign = body.ends_with('%');
    if percent_sign {
        body = body.trim_end_matches('%').trim_end();
    }
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(syntax("expected a number such as 99.9, 99.95% or 0.999"));
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax("only digits and one decimal point (no sign or exponent), as in 99.9 or 99.95%"));
    }
    let frac_part = frac_part.trim_end_matches('0');
    let int_part = int_part.trim_start_matches('0');
    let scale = u32::try_from(frac_part.len()).map_err(|_| syntax("too many decimals"))?;
    if scale > MAX_SCALE || int_part.len() + frac_part.len() > MAX_SCALE as usize {
        return Err(SloError::TooPrecise { field, text: text.to_string() });
    }
    let digits = format!("{int_part}{frac_part}");
    let mantissa = if digits.is_empty() { 0 } else { digits.parse::<u64>().map_err(|_| syntax("number too large"))? };
    Ok(Decimal { mantissa, scale, percent_sign })
}

/// `mantissa / 10^scale` with trailing zeros of the mantissa folded into the scale.
fn normalize(mut mantissa: u64, mut scale: u32) -> (u64, u32) {
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    if mantissa == 0 {
        scale = 0;
    }
    (mantissa, scale)
}

/// An SLO objective in `[0, 1)`, held exactly as `num / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Objective {
    num: u64,
    scale: u32,
}

impl Objective {
    /// Parses `99.9`, `99.95%`, `99.9 %` (percentages) or `0.999` (a fraction: a value below 1
    /// written without `%`).
    pub fn parse(text: &str) -> Result<Objective, SloError> {
        let d = parse_decimal("objective", text)?;
        let is_fraction = !d.percent_sign && u128::from(d.mantissa) < 10u128.pow(d.scale);
        Objective::from_decimal(text, d, if is_fraction { 0 } else { 2 })
    }

    /// Parses a percentage (`99.9` or `99.9%`), as OpenSLO `targetPercent` ∈ [0, 100).
    pub fn parse_percent(text: &str) -> Result<Objective, SloError> {
        let d = parse_decimal("objective", text)?;
        Objective::from_decimal(text, d, 2)
    }

    /// Parses a fraction (`0.999`), as OpenSLO `target` ∈ [0, 1). A `%` sign is refused.
    pub fn parse_fraction(text: &str) -> Result<Objective, SloError> {
        let d = parse_decimal("objective", text)?;
        if d.percent_sign {
            return Err(SloError::Syntax {
                field: "objective",
                text: text.to_string(),
                reason: "a fraction such as 0.999 is expected here, not a percentage".to_string(),
            });
        }
        Objective::from_decimal(text, d, 0)
    }

    /// OpenSLO `target` read by a JSON parser as `f64` (`0.999`): its shortest decimal text is
    /// the number the author wrote, so `0.999` gives exactly `999/1000`.
    pub fn from_openslo_target(target: f64) -> Result<Objective, SloError> {
        Objective::parse_fraction(&float_text(target)?)
    }

    /// OpenSLO `targetPercent` read as `f64` (`99.9`).
    pub fn from_openslo_target_percent(target_percent: f64) -> Result<Objective, SloError> {
        Objective::parse_percent(&float_text(target_percent)?)
    }

    fn from_decimal(text: &str, d: Decimal, extra_scale: u32) -> Result<Objective, SloError> {
        let (num, scale) = normalize(d.mantissa, d.scale + extra_scale);
        if scale > MAX_SCALE {
            return Err(SloError::TooPrecise { field: "objective", text: text.to_string() });
        }
        if u128::from(num) >= 10u128.pow(scale) {
            return Err(SloError::OutOfRange {
                field: "objective",
                text: text.to_string(),
                reason: "an objective must be below 100 % (100 % leaves no error budget)".to_string(),
            });
        }
        Ok(Objective { num, scale })
    }

    /// The objective as an exact fraction (`99.9` → `999/1000`).
    pub fn ratio(self) -> Ratio {
        Ratio::new(self.num, 10u64.pow(self.scale)).unwrap_or(Ratio::ZERO)
    }

    /// The error budget `1 − objective`, exactly (`99.9` → `1/1000`, `99.95` → `1/2000`); never 0.
    pub fn budget(self) -> Ratio {
        let den = 10u64.pow(self.scale);
        Ratio::new(den - self.num, den).unwrap_or(Ratio::ONE)
    }

    /// The objective as the nearest `f64` (for plotting only).
    pub fn to_f64(self) -> f64 {
        self.ratio().to_f64()
    }

    /// The objective as a percentage without float noise (`99.9`, `99.95`, `0` …).
    pub fn percent_text(self) -> String {
        self.ratio().to_percent_string(MAX_SCALE as usize)
    }
}

impl fmt::Display for Objective {
    /// `99.9%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percent_text())
    }
}

/// A per-slice target for OpenSLO `Timeslices` (`timeSliceTarget` ∈ (0, 1]): a slice is good
/// when its own ratio is at least this. Distinct from the SLO objective (E44).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SliceTarget(Ratio);

impl SliceTarget {
    /// Parses `0.95`, `95%` or `1` (as [`Objective::parse`]; `1` and `100%` are allowed).
    pub fn parse(text: &str) -> Result<SliceTarget, SloError> {
        let d = parse_decimal("time slice target", text)?;
        let is_fraction = !d.percent_sign && u128::from(d.mantissa) <= 10u128.pow(d.scale);
        let (num, scale) = normalize(d.mantissa, d.scale + if is_fraction { 0 } else { 2 });
        let out_of_range = || SloError::OutOfRange {
            field: "time slice target",
            text: text.to_string(),
            reason: "a time slice target must be above 0 and at most 1 (100 %)".to_string(),
        };
        if scale > MAX_SCALE {
            return Err(SloError::TooPrecise { field: "time slice target", text: text.to_string() });
        }
        let r = Ratio::new(num, 10u64.pow(scale)).ok_or_else(out_of_range)?;
        if r == Ratio::ZERO || r > Ratio::ONE {
            return Err(out_of_range());
        }
        Ok(SliceTarget(r))
    }

    /// The target as an exact fraction.
    pub fn ratio(self) -> Ratio {
        self.0
    }

    /// True when `good / total ≥ target`, compared as `good · den ≥ num · total` (no division).
    pub fn is_met(self, good: f64, total: f64) -> bool {
        total > 0.0 && good * self.0.den() as f64 >= self.0.num() as f64 * total
    }
}

/// The shortest decimal text that reads back as `x` (Rust's `Display` never uses an exponent).
fn float_text(x: f64) -> Result<String, SloError> {
    if !x.is_finite() {
        return Err(SloError::Syntax {
            field: "objective",
            text: x.to_string(),
            reason: "the target must be a finite number".to_string(),
        });
    }
    Ok(format!("{x}"))
}
