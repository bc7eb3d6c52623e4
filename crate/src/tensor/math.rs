//! Portable f32 math for training: eˣ, tanh x and ln(1 + x) from IEEE 754 operations only
//! (+, −, ×, ÷, bit manipulation), so the same inputs give the same bits on every platform —
//! native and wasm, where the platform's `expf`/`tanhf` differ in the last bit — and the
//! same seed gives the same training run everywhere. They are also branch-free, so loops over
//! them vectorise, and faster than the platform's functions. Gradient checks run in f64 with
//! the standard library's functions instead (see [`Real`](super::Real)).

/// 1.5·2⁵²: adding it to a float below 2⁵¹ in size rounds that float to a whole number (to
/// nearest, ties to even) and leaves the number in the low bits of the sum.
const ROUND_F64: f64 = 6_755_399_441_055_744.0;

/// e^x for −1022 < x·log₂e < 1023, relative error below 1e-8: x = k·ln 2 + r with
/// |r| ≤ ½ln 2, e^r by its Taylor polynomial of degree 7 (the next term is below 6e-9),
/// times 2^k built from its bits. Only +, × and bit operations, all exactly specified by
/// IEEE 754, so the result is the same bits on every platform; no branch and no call, so
/// loops over it vectorise.
#[inline(always)]
fn exp_f64_portable(x: f64) -> f64 {
    let shifted = x * std::f64::consts::LOG2_E + ROUND_F64;
    let k = shifted - ROUND_F64;
    let r = x - k * std::f64::consts::LN_2;
    let p = 1.0
        + r * (1.0
            + r * (1.0 / 2.0
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    // The low bits of `shifted` hold k (two's complement, wrapping): 2^k has exponent k + 1023.
    let k_bits = shifted.to_bits().wrapping_sub(ROUND_F64.to_bits());
    p * f64::from_bits(k_bits.wrapping_add(1023) << 52)
}

/// e^x in f32, computed in f64 by a portable polynomial and rounded: within 1 ulp of the
/// exact value, and bit-identical on every platform (native and wasm), unlike the
/// platform's `expf`.
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    // Beyond these e^x is ∞ or 0 in f32; clamping keeps 2^k a normal f64. NaN stays NaN.
    let y = exp_f64_portable((x as f64).clamp(-110.0, 100.0));
    if x.is_nan() {
        x
    } else {
        y as f32
    }
}

/// ln(1 + x) in f32, portable like [`exp_f32`]. For 0 ≤ x ≤ 1 (where binary cross-entropy
/// needs it, with x = e^(−|z|)) it is 2·atanh(s) = 2(s + s³/3 + s⁵/5 + …) with
/// s = x/(2 + x) ≤ ⅓, nine terms in f64: accurate to f32 precision, also for tiny x. Other
/// arguments use the platform's `log1pf`.
pub fn ln_1p_f32(x: f32) -> f32 {
    if (0.0..=1.0).contains(&x) {
        ln_1p_unit(x)
    } else {
        x.ln_1p()
    }
}

/// [`ln_1p_f32`] for 0 ≤ x ≤ 1 only (no branch, so loops over it vectorise).
#[inline(always)]
pub(super) fn ln_1p_unit(x: f32) -> f32 {
    let x = x as f64;
    let s = x / (2.0 + x);
    let s2 = s * s;
    let series = 1.0
        + s2 * (1.0 / 3.0
            + s2 * (1.0 / 5.0
                + s2 * (1.0 / 7.0
                    + s2 * (1.0 / 9.0
                        + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0 + s2 * (1.0 / 17.0))))))));
    (2.0 * s * series) as f32
}

/// tanh x in f32: the odd rational minimax approximation of degrees 13/6 used by Eigen,
/// XLA and ONNX Runtime, with x clamped to ±7.905 (where tanh rounds to ±1 in f32) and
/// tanh x = x below 0.0004. A few ulp from the exact value; only f32 +, ×, ÷, so the same
/// bits on every platform, and about three times as fast as the platform's `tanhf`.
#[allow(clippy::excessive_precision)]
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    // Eigen's coefficients as published (more digits than an f32 holds).
    const A: [f32; 7] = [
        4.89352455891786e-03,
        6.37261928875436e-04,
        1.48572235717979e-05,
        5.12229709037114e-08,
        -8.60467152213735e-11,
        2.00018790482477e-13,
        -2.76076847742355e-16,
    ];
    const B: [f32; 4] = [4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04, 1.19825839466702e-06];
    const CLAMP: f32 = 7.90531110763549805;
    let c = x.clamp(-CLAMP, CLAMP);
    let c2 = c * c;
    let p = c * (A[0] + c2 * (A[1] + c2 * (A[2] + c2 * (A[3] + c2 * (A[4] + c2 * (A[5] + c2 * A[6]))))));
    let q = B[0] + c2 * (B[1] + c2 * (B[2] + c2 * B[3]));
    if x.abs() < 4e-4 {
        x
    } else {
        p / q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative error of an f32 result against the exact f64 value.
    fn rel(got: f32, want: f64) -> f64 {
        (got as f64 - want).abs() / want.abs().max(1e-300)
    }

    #[test]
    fn portable_f32_math_is_accurate() {
        let ulp = f32::EPSILON as f64;
        let (mut worst_exp, mut worst_tanh, mut worst_ln) = (0.0f64, 0.0f64, 0.0f64);
        for k in -200_000..=200_000 {
            let x = k as f32 * 4.4e-4; // −88 … 88
            worst_exp = worst_exp.max(rel(exp_f32(x), (x as f64).exp()));
            let t = k as f32 * 6e-5; // −12 … 12, and very small values near 0
            worst_tanh = worst_tanh.max(rel(tanh_f32(t), (t as f64).tanh()));
        }
        for k in 0..=100_000 {
            let x = k as f32 * 1e-5;
            worst_ln = worst_ln.max(rel(ln_1p_f32(x), (x as f64).ln_1p()));
            let tiny = k as f32 * 1e-30;
            worst_ln = worst_ln.max(rel(ln_1p_f32(tiny), (tiny as f64).ln_1p()));
        }
        assert!(worst_exp <= ulp, "exp: {:.2} ulp", worst_exp / ulp);
        assert!(worst_tanh <= 4.0 * ulp, "tanh: {:.2} ulp", worst_tanh / ulp);
        assert!(worst_ln <= ulp, "ln_1p: {:.2} ulp", worst_ln / ulp);
        // The edges.
        assert_eq!(exp_f32(100.0), f32::INFINITY);
        assert_eq!(exp_f32(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp_f32(-200.0), 0.0);
        assert_eq!(exp_f32(0.0), 1.0);
        assert!(exp_f32(f32::NAN).is_nan());
        assert_eq!(tanh_f32(20.0), 1.0);
        assert_eq!(tanh_f32(-f32::INFINITY), -1.0);
        assert!(tanh_f32(f32::NAN).is_nan());
        assert!((-100..=100).all(|k| tanh_f32(k as f32 * 0.1).abs() <= 1.0));
        assert!((ln_1p_f32(3.0) - 4f32.ln()).abs() < 1e-6);
        assert!(ln_1p_f32(-1.0).is_infinite() && ln_1p_f32(-2.0).is_nan());
    }
}
