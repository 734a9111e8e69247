//! Deterministic randomness for benchmark inputs: SplitMix64 (Steele, Lea & Flood 2014) and
//! `ln`/`exp`/normal deviates computed with correctly rounded operations only (`+ − × ÷ √`, no
//! fused multiply-add, no libm), so the same seed gives the same bits on every target.

/// SplitMix64: 64-bit state, one add and two multiply-xorshift rounds per output.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
    spare_normal: Option<f64>,
}

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed, spare_normal: None }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal deviate (Marsaglia's polar method).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let f = (-2.0 * ln(s) / s).sqrt();
                self.spare_normal = Some(v * f);
                return u * f;
            }
        }
    }
}

const LN2_HI: f64 = 6.931_471_803_691_238e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
const LN2: f64 = std::f64::consts::LN_2;

/// Natural logarithm of a positive normal `x` (relative error ~1e-16), from `+ − × ÷` only.
pub fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7FF) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172: 12 odd terms reach 1e-19.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let (mut term, mut sum) = (s, 0.0);
    for k in 0..12 {
        sum += term / (2 * k + 1) as f64;
        term *= s2;
    }
    2.0 * sum + e as f64 * LN2
}

/// `e^y` for `|y| < 700` (relative error ~1e-16), from `+ − × ÷` only.
pub fn exp(y: f64) -> f64 {
    let k = (y / LN2).round();
    let r = (y - k * LN2_HI) - k * LN2_LO;
    // Taylor series of e^r, |r| ≤ 0.347, Horner form to r^15/15!.
    let mut p = 1.0;
    for i in (1..=15).rev() {
        p = 1.0 + p * r / i as f64;
    }
    let k = (k as i64).clamp(-1022, 1023);
    p * f64::from_bits(((k + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_and_exp_agree_with_libm_to_a_few_ulps() {
        for &x in &[1e-300, 1e-16, 0.001, 0.5, 0.999, 1.0, 1.5, 2.0, 10.0, 1e10, 1e300] {
            assert!((ln(x) - x.ln()).abs() <= 4.0 * f64::EPSILON * x.ln().abs().max(1.0), "ln {x}");
        }
        for &y in &[-700.0, -20.0, -1.0, -1e-9, 0.0, 0.3, 1.0, 3.9, 20.0, 700.0] {
            assert!((exp(y) - y.exp()).abs() <= 4.0 * f64::EPSILON * y.exp(), "exp {y}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..1000 {
            assert_eq!(a.normal().to_bits(), b.normal().to_bits());
        }
        // SplitMix64's published first output for seed 0.
        assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
    }
}
