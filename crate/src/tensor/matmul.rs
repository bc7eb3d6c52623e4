//! Matrix products for small matrices: c = a·b (+ bias), c = a·bᵀ and c = aᵀ·b.
//!
//! The page's matrices are tiny (8×8 weights, batches of 10), where a general matrix-multiply
//! routine spends more time deciding than multiplying. So the products are plain loops over
//! the row-major data of standard-layout arrays, with the width of the result as a
//! compile-time constant up to 8 (a row of the result then stays in registers). Large or
//! strided operands fall back to ndarray's `general_mat_mul`. Every loop adds the products in
//! the same order, so the same inputs give the same bits.

use super::{Real, ShapeError};
use ndarray::linalg::general_mat_mul;
use ndarray::{ArrayView1, ArrayView2, ArrayViewMut2};

/// Above this size in *both* the inner and the outer dimension, ndarray's blocked
/// `general_mat_mul` beats the plain loops; the networks of the page never get there.
const LOOPS_UP_TO: usize = 32;

/// c (m×n) ← a (m×k) · b (k×n), plus `bias` (length n) on every row when given.
pub(super) fn loops_ab<T: Real>(a: &[T], b: &[T], bias: Option<&[T]>, c: &mut [T], (m, k, n): (usize, usize, usize)) {
    // A layer's width is known only at run time, but it is small: with the width as a
    // constant, a row of c stays in registers while it is summed. Every path adds the
    // products in the same order, so all give the same bits.
    match n {
        1 => ab_rows::<T, 1>(a, b, bias, c, k),
        2 => ab_rows::<T, 2>(a, b, bias, c, k),
        3 => ab_rows::<T, 3>(a, b, bias, c, k),
        4 => ab_rows::<T, 4>(a, b, bias, c, k),
        5 => ab_rows::<T, 5>(a, b, bias, c, k),
        6 => ab_rows::<T, 6>(a, b, bias, c, k),
        7 => ab_rows::<T, 7>(a, b, bias, c, k),
        8 => ab_rows::<T, 8>(a, b, bias, c, k),
        _ => {
            for i in 0..m {
                let ci = &mut c[i * n..(i + 1) * n];
                match bias {
                    Some(v) => ci.copy_from_slice(v),
                    None => ci.fill(T::zero()),
                }
                // Row i of c is Σ_p a[i][p] · (row p of b): the inner loop runs along rows.
                for (p, &aip) in a[i * k..(i + 1) * k].iter().enumerate() {
                    for (cij, &bpj) in ci.iter_mut().zip(&b[p * n..(p + 1) * n]) {
                        *cij = *cij + aip * bpj;
                    }
                }
            }
        }
    }
}

/// [`loops_ab`] for N columns: row i of c = bias + Σ_p a[i][p] · (row p of b). Two rows of c
/// at a time, so each row of b is loaded once for both (the products and their order are
/// the same as one row at a time).
fn ab_rows<T: Real, const N: usize>(a: &[T], b: &[T], bias: Option<&[T]>, c: &mut [T], k: usize) {
    let start: [T; N] = bias.and_then(|v| v.try_into().ok()).unwrap_or([T::zero(); N]);
    let (b_rows, _) = b.as_chunks::<N>();
    let (c_rows, _) = c.as_chunks_mut::<N>();
    if k == 0 {
        c_rows.iter_mut().for_each(|ci| *ci = start);
        return;
    }
    let mut c_pairs = c_rows.chunks_exact_mut(2);
    let mut a_pairs = a.chunks_exact(2 * k);
    for (cc, aa) in (&mut c_pairs).zip(&mut a_pairs) {
        let (a0, a1) = aa.split_at(k);
        let (mut s0, mut s1) = (start, start);
        for ((&x0, &x1), bp) in a0.iter().zip(a1).zip(b_rows) {
            for j in 0..N {
                s0[j] = s0[j] + x0 * bp[j];
                s1[j] = s1[j] + x1 * bp[j];
            }
        }
        cc[0] = s0;
        cc[1] = s1;
    }
    for (ci, ai) in c_pairs.into_remainder().iter_mut().zip(a_pairs.remainder().chunks_exact(k)) {
        let mut acc = start;
        for (&aip, bp) in ai.iter().zip(b_rows) {
            for (s, &bpj) in acc.iter_mut().zip(bp) {
                *s = *s + aip * bpj;
            }
        }
        *ci = acc;
    }
}

/// c (m×n) ← a (m×k) · bᵀ, where b is n×k: c[i][j] is the dot product of row i of a with
/// row j of b.
fn loops_abt<T: Real>(a: &[T], b: &[T], c: &mut [T], (m, k, n): (usize, usize, usize)) {
    for i in 0..m {
        let ai = &a[i * k..(i + 1) * k];
        for (j, cij) in c[i * n..(i + 1) * n].iter_mut().enumerate() {
            *cij = ai.iter().zip(&b[j * k..(j + 1) * k]).fold(T::zero(), |s, (&x, &y)| s + x * y);
        }
    }
}

/// c (m×n) ← aᵀ · b, where a is k×m and b is k×n: c[i][j] = Σ_p a[p][i]·b[p][j].
pub(super) fn loops_atb<T: Real>(a: &[T], b: &[T], c: &mut [T], (m, k, n): (usize, usize, usize)) {
    match n {
        1 => atb_rows::<T, 1>(a, b, c, m),
        2 => atb_rows::<T, 2>(a, b, c, m),
        3 => atb_rows::<T, 3>(a, b, c, m),
        4 => atb_rows::<T, 4>(a, b, c, m),
        5 => atb_rows::<T, 5>(a, b, c, m),
        6 => atb_rows::<T, 6>(a, b, c, m),
        7 => atb_rows::<T, 7>(a, b, c, m),
        8 => atb_rows::<T, 8>(a, b, c, m),
        _ => {
            // Every row p adds a[p][i]·(row p of b) to row i of c.
            c.fill(T::zero());
            for p in 0..k {
                let bp = &b[p * n..(p + 1) * n];
                for (i, &api) in a[p * m..(p + 1) * m].iter().enumerate() {
                    for (cij, &bpj) in c[i * n..(i + 1) * n].iter_mut().zip(bp) {
                        *cij = *cij + api * bpj;
                    }
                }
            }
        }
    }
}

/// [`loops_atb`] for N columns: row i of c = Σ_p a[p][i] · (row p of b). Two rows of c at a
/// time, as in [`ab_rows`].
fn atb_rows<T: Real, const N: usize>(a: &[T], b: &[T], c: &mut [T], m: usize) {
    let (b_rows, _) = b.as_chunks::<N>();
    let (c_rows, _) = c.as_chunks_mut::<N>();
    let a_rows = || a.chunks_exact(m.max(1)).zip(b_rows);
    for (pair, cc) in c_rows.chunks_exact_mut(2).enumerate() {
        let i = 2 * pair;
        let (mut s0, mut s1) = ([T::zero(); N], [T::zero(); N]);
        for (ap, bp) in a_rows() {
            // a[p][i], a[p][i + 1]: i + 1 < m = ap.len()
            let (x0, x1) = (ap[i], ap[i + 1]);
            for j in 0..N {
                s0[j] = s0[j] + x0 * bp[j];
                s1[j] = s1[j] + x1 * bp[j];
            }
        }
        cc[0] = s0;
        cc[1] = s1;
    }
    // the last row, when there is an odd number
    let paired = c_rows.len() / 2 * 2;
    for (i, ci) in c_rows.iter_mut().enumerate().skip(paired) {
        let mut acc = [T::zero(); N];
        for (ap, bp) in a_rows() {
            let api = ap[i]; // a[p][i]: i < m = ap.len(), a check the compiler lifts out of the loop
            for (s, &bpj) in acc.iter_mut().zip(bp) {
                *s = *s + api * bpj;
            }
        }
        *ci = acc;
    }
}

/// c (n) ← the sum of the rows of a (k×n), in row order: dbiases = Σ rows of dz. The width
/// as a constant up to 8 keeps the sums in registers.
pub(super) fn sum_rows<T: Real>(a: &[T], c: &mut [T]) {
    fn fixed<T: Real, const N: usize>(a: &[T], c: &mut [T]) {
        let mut acc = [T::zero(); N];
        for row in a.as_chunks::<N>().0 {
            for (s, &v) in acc.iter_mut().zip(row) {
                *s = *s + v;
            }
        }
        c.copy_from_slice(&acc);
    }
    match c.len() {
        1 => fixed::<T, 1>(a, c),
        2 => fixed::<T, 2>(a, c),
        3 => fixed::<T, 3>(a, c),
        4 => fixed::<T, 4>(a, c),
        5 => fixed::<T, 5>(a, c),
        6 => fixed::<T, 6>(a, c),
        7 => fixed::<T, 7>(a, c),
        8 => fixed::<T, 8>(a, c),
        n => {
            c.fill(T::zero());
            for row in a.chunks_exact(n.max(1)) {
                for (s, &v) in c.iter_mut().zip(row) {
                    *s = *s + v;
                }
            }
        }
    }
}

fn shape_error(what: &str, a: (usize, usize), b: (usize, usize), c: (usize, usize)) -> ShapeError {
    ShapeError::new(format!(
        "cannot compute {what}: the shapes {}×{} and {}×{} do not give {}×{}",
        a.0, a.1, b.0, b.1, c.0, c.1
    ))
}

/// c ← a·b (+ `bias` on every row), for a: m×k, b: k×n, c: m×n, bias: n.
pub fn mat_mul<T: Real>(
    a: ArrayView2<T>,
    b: ArrayView2<T>,
    bias: Option<ArrayView1<T>>,
    mut c: ArrayViewMut2<T>,
) -> Result<(), ShapeError> {
    let ((m, k), (k2, n)) = (a.dim(), b.dim());
    if k != k2 || c.dim() != (m, n) || bias.as_ref().is_some_and(|v| v.len() != n) {
        return Err(shape_error("a·b", a.dim(), b.dim(), c.dim()));
    }
    // `Some(None)`: no bias; `Some(Some(s))`: a contiguous bias; `None`: a strided bias.
    let bias_slice = bias.as_ref().map_or(Some(None), |v| v.as_slice().map(Some));
    if k <= LOOPS_UP_TO || n <= LOOPS_UP_TO {
        if let (Some(a), Some(b), Some(bias), Some(cs)) = (a.as_slice(), b.as_slice(), bias_slice, c.as_slice_mut()) {
            loops_ab(a, b, bias, cs, (m, k, n));
            return Ok(());
        }
    }
    general_mat_mul(T::one(), &a, &b, T::zero(), &mut c);
    if let Some(v) = bias {
        c.zip_mut_with(&v, |x, &b| *x = *x + b);
    }
    Ok(())
}

/// c ← a·bᵀ, for a: m×k, b: n×k, c: m×n.
pub fn mat_mul_bt<T: Real>(a: ArrayView2<T>, b: ArrayView2<T>, mut c: ArrayViewMut2<T>) -> Result<(), ShapeError> {
    let ((m, k), (n, k2)) = (a.dim(), b.dim());
    if k != k2 || c.dim() != (m, n) {
        return Err(shape_error("a·bᵀ", a.dim(), b.dim(), c.dim()));
    }
    if k <= LOOPS_UP_TO || n <= LOOPS_UP_TO {
        if let (Some(a), Some(b), Some(cs)) = (a.as_slice(), b.as_slice(), c.as_slice_mut()) {
            loops_abt(a, b, cs, (m, k, n));
            return Ok(());
        }
    }
    general_mat_mul(T::one(), &a, &b.t(), T::zero(), &mut c);
    Ok(())
}

/// c ← aᵀ·b, for a: k×m, b: k×n, c: m×n.
pub fn mat_mul_at<T: Real>(a: ArrayView2<T>, b: ArrayView2<T>, mut c: ArrayViewMut2<T>) -> Result<(), ShapeError> {
    let ((k, m), (k2, n)) = (a.dim(), b.dim());
    if k != k2 || c.dim() != (m, n) {
        return Err(shape_error("aᵀ·b", a.dim(), b.dim(), c.dim()));
    }
    if m <= LOOPS_UP_TO || n <= LOOPS_UP_TO {
        if let (Some(a), Some(b), Some(cs)) = (a.as_slice(), b.as_slice(), c.as_slice_mut()) {
            loops_atb(a, b, cs, (m, k, n));
            return Ok(());
        }
    }
    general_mat_mul(T::one(), &a.t(), &b, T::zero(), &mut c);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tensor::Rng;
    use ndarray::{Array1, Array2};

    fn close(a: &Array2<f64>, b: &Array2<f64>, tol: f64) -> bool {
        a.dim() == b.dim() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
    }

    #[test]
    fn products_agree_with_ndarray_on_every_path() {
        let mut rng = Rng::new(5);
        // n ≤ 8 (constant-width loops, with odd and even row counts for their two-row
        // blocks), 12 (general loops), 40 × 40 (ndarray's gemm).
        for (m, k, n) in
            [(3, 4, 1), (10, 8, 8), (5, 2, 7), (7, 5, 3), (1, 1, 8), (4, 6, 12), (0, 3, 2), (3, 0, 2), (6, 40, 40)]
        {
            let a = Array2::from_shape_simple_fn((m, k), || rng.range(-1.0, 1.0));
            let b = Array2::from_shape_simple_fn((k, n), || rng.range(-1.0, 1.0));
            let bias = Array1::from_shape_simple_fn(n, || rng.range(-1.0, 1.0));
            let want = a.dot(&b) + &bias;
            let mut c = Array2::zeros((m, n));
            mat_mul(a.view(), b.view(), Some(bias.view()), c.view_mut()).unwrap();
            assert!(close(&c, &want, 1e-12), "a·b + bias for {m}×{k}×{n}");
            // Transposed (strided) operands take ndarray's path.
            let (at, bt) = (a.t().to_owned(), b.t().to_owned());
            mat_mul(at.t(), bt.t(), Some(bias.view()), c.view_mut()).unwrap();
            assert!(close(&c, &want, 1e-12));
            mat_mul_bt(a.view(), bt.view(), c.view_mut()).unwrap();
            assert!(close(&c, &a.dot(&b), 1e-12), "a·bᵀ");
            mat_mul_bt(a.view(), b.t(), c.view_mut()).unwrap();
            assert!(close(&c, &a.dot(&b), 1e-12));
            let mut d = Array2::zeros((k, n));
            let x = Array2::from_shape_simple_fn((m, n), || rng.range(-1.0, 1.0));
            mat_mul_at(a.view(), x.view(), d.view_mut()).unwrap();
            assert!(close(&d, &a.t().dot(&x), 1e-12), "aᵀ·b");
            mat_mul_at(at.t(), x.view(), d.view_mut()).unwrap();
            assert!(close(&d, &a.t().dot(&x), 1e-12));
            let mut sums = vec![0.0; n];
            sum_rows(b.as_slice().unwrap(), &mut sums);
            assert!(
                close(
                    &Array1::from(sums).insert_axis(ndarray::Axis(0)),
                    &b.sum_axis(ndarray::Axis(0)).insert_axis(ndarray::Axis(0)),
                    1e-12
                ),
                "Σ rows"
            );
        }
        let (a, b) = (Array2::<f32>::zeros((2, 3)), Array2::<f32>::zeros((2, 3)));
        let mut c = Array2::<f32>::zeros((2, 3));
        let err = mat_mul(a.view(), b.view(), None, c.view_mut()).unwrap_err();
        assert!(err.to_string().contains("2×3"), "{err}");
        assert!(mat_mul_at(a.view(), b.view(), c.view_mut()).is_err());
        assert!(mat_mul_bt(a.view(), b.view(), c.view_mut()).is_err());
    }
}
