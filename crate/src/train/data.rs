//! Toy datasets in the plane, as in the TensorFlow playground, and the input features a
//! network sees.
//!
//! Every set is made from a seed, so the same [`DatasetConfig`] always gives the same points.
//! A [`Point`] is `(x, y, label)`:
//!
//! - **classification** sets (circle, xor, gaussians, spiral, moons; gaussians and spiral
//!   also with 3 classes) live in the square [−6, 6]² ([`PLANE`]); `label` is the class
//!   0, 1 (or 2), and the classes have the same number of points (±1).
//! - **regression** sets (3x², sin x) are curves: `x` is the input, `label` the target, and
//!   `y` equals the target too, so a point is drawn where it is. Their x ranges are in
//!   [`DatasetKind::domain`].
//!
//! `noise` is the **standard deviation** of Gaussian noise in the units of the plane: added
//! to both coordinates of a classification point (the label stays, so noisy classes overlap),
//! added to the target of a regression point. 0 is clean; 0.5–1 is noticeably noisy.
//!
//! The test set is a `test_fraction` of the points, split per class so that both sets stay
//! balanced.

use super::import::{Scale, EXTENT};
use super::{check_range, TrainError};
use crate::tensor::{ensure_shape, Real, Rng};
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::f64::consts::{PI, TAU};

/// Classification points lie in [−PLANE, PLANE]².
pub const PLANE: f64 = 6.0;
/// Most points a dataset may have.
pub const MAX_POINTS: usize = 10_000;

/// Which toy problem.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    /// Class 0 in a disc of radius 2.5 around the origin, class 1 on a ring from 3.5 to 5.
    #[default]
    Circle,
    /// Class 1 in the first and third quadrants (x·y > 0), class 0 in the others.
    Xor,
    /// Two Gaussian blobs (standard deviation 1) around (−2, −2) (class 0) and (2, 2) (class 1).
    Gaussians,
    /// Two interleaved spiral arms.
    Spiral,
    /// Two interleaved half-moons.
    Moons,
    /// Three Gaussian blobs at radius 3, 120° apart.
    Gaussians3,
    /// Three interleaved spiral arms.
    Spiral3,
    /// Regression: target 3x² for x in [−2, 2].
    Quadratic,
    /// Regression: target sin x for x in [−6, 6].
    Sine,
    /// One's own data ([`DatasetConfig::own`], read by [`super::import`]) with this many
    /// classes, 0 for a regression.
    Own(usize),
}

/// Every kind, for pickers and tests.
pub const DATASET_KINDS: [DatasetKind; 9] = [
    DatasetKind::Circle,
    DatasetKind::Xor,
    DatasetKind::Gaussians,
    DatasetKind::Spiral,
    DatasetKind::Moons,
    DatasetKind::Gaussians3,
    DatasetKind::Spiral3,
    DatasetKind::Quadratic,
    DatasetKind::Sine,
];

/// The rectangle the points are drawn in (before noise): `x` and `y` as (min, max).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub x: (f64, f64),
    pub y: (f64, f64),
}

impl DatasetKind {
    /// Number of classes; 0 for a regression set.
    pub fn classes(self) -> usize {
        match self {
            DatasetKind::Quadratic | DatasetKind::Sine => 0,
            DatasetKind::Gaussians3 | DatasetKind::Spiral3 => 3,
            DatasetKind::Own(k) => k,
            _ => 2,
        }
    }

    pub fn is_regression(self) -> bool {
        self.classes() == 0
    }

    /// The name shown to students.
    pub fn label(self) -> &'static str {
        match self {
            DatasetKind::Circle => "circle",
            DatasetKind::Xor => "xor",
            DatasetKind::Gaussians => "two gaussians",
            DatasetKind::Spiral => "spiral",
            DatasetKind::Moons => "moons",
            DatasetKind::Gaussians3 => "three gaussians",
            DatasetKind::Spiral3 => "three-arm spiral",
            DatasetKind::Quadratic => "3x²",
            DatasetKind::Sine => "sin x",
            DatasetKind::Own(_) => "your data",
        }
    }

    /// Where the points lie: [−6, 6]² for classification; the input range and the range of
    /// the clean target for regression.
    pub fn domain(self) -> Domain {
        match self {
            DatasetKind::Quadratic => Domain { x: (-2.0, 2.0), y: (0.0, 12.0) },
            DatasetKind::Sine => Domain { x: (-PLANE, PLANE), y: (-1.0, 1.0) },
            DatasetKind::Own(0) => Domain { x: (-EXTENT, EXTENT), y: (-EXTENT, EXTENT) },
            _ => Domain { x: (-PLANE, PLANE), y: (-PLANE, PLANE) },
        }
    }
}

/// How to make a dataset. Missing fields read from serde take the defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DatasetConfig {
    pub kind: DatasetKind,
    /// Points in all, training and test together (at most [`MAX_POINTS`]).
    pub points: usize,
    /// Standard deviation of the Gaussian noise, in the units of the plane (0 to 10).
    pub noise: f64,
    /// The fraction of points kept aside for testing (0 to 0.9).
    pub test_fraction: f64,
    pub seed: u64,
    /// One's own points, for [`DatasetKind::Own`] (else none): split into training and test
    /// sets by `test_fraction` and `seed` like the built-in sets; `points` and `noise` are not
    /// used for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own: Option<OwnData>,
}

impl Default for DatasetConfig {
    fn default() -> Self {
        Self { kind: DatasetKind::Circle, points: 500, noise: 0.0, test_fraction: 0.5, seed: 1, own: None }
    }
}

/// One's own data, in the plane's coordinates, with each axis' scale from the file's values
/// ([`super::import::read_csv`] makes them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnData {
    /// 2 or 3 classes, or 0 for a regression (the kind is [`DatasetKind::Own`] of it).
    pub classes: usize,
    pub points: Vec<Point>,
    pub x: Scale,
    pub y: Scale,
    /// The file's column names, when it had a header.
    #[serde(default)]
    pub header: Option<Vec<String>>,
}

/// One example: a position and its class (classification) or target (regression).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub label: f64,
}

/// A training and a test set of points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    config: DatasetConfig,
    train: Vec<Point>,
    test: Vec<Point>,
}

impl Dataset {
    /// Makes the points of `config` (the same config always gives the same points).
    pub fn generate(config: &DatasetConfig) -> Result<Self, TrainError> {
        if config.points > MAX_POINTS {
            return Err(TrainError::TooLarge { what: "points", limit: MAX_POINTS, got: config.points });
        }
        check_range("noise", "a number from 0 to 10", config.noise, 0.0, 10.0)?;
        check_range("test fraction", "a number from 0 to 0.9", config.test_fraction, 0.0, 0.9)?;
        let mut rng = Rng::new(config.seed);
        let kind = config.kind;
        let groups: Vec<Vec<Point>> = if let DatasetKind::Own(k) = kind {
            let own = config.own.as_ref().ok_or_else(|| {
                TrainError::Invalid("the data set is your own, but there are no points: import a CSV".into())
            })?;
            if own.classes != k {
                return Err(TrainError::Invalid(format!(
                    "your data have {} classes but the data set was given {k}",
                    own.classes
                )));
            }
            check_points(&own.points, k)?;
            if k == 0 {
                vec![own.points.clone()]
            } else {
                (0..k).map(|c| own.points.iter().copied().filter(|p| p.label == c as f64).collect()).collect()
            }
        } else if kind.is_regression() {
            vec![(0..config.points).map(|_| regression_point(kind, config.noise, &mut rng)).collect()]
        } else {
            let k = kind.classes();
            (0..k)
                .map(|c| {
                    // Classes differ in size by at most one point.
                    let n = config.points / k + usize::from(c < config.points % k);
                    (0..n).map(|i| class_point(kind, c, i, n, config.noise, &mut rng)).collect()
                })
                .collect()
        };
        // Split each class on its own, so that training and test sets stay balanced.
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for mut group in groups {
            rng.shuffle(&mut group);
            let n_test = (group.len() as f64 * config.test_fraction).round() as usize;
            test.extend_from_slice(&group[..n_test]);
            train.extend_from_slice(&group[n_test..]);
        }
        rng.shuffle(&mut train);
        rng.shuffle(&mut test);
        Ok(Self { config: config.clone(), train, test })
    }

    /// A dataset of these points exactly (a lab file's), checked: at most [`MAX_POINTS`],
    /// finite, each label a class of `config.kind` (for a regression, the target, equal to y).
    pub fn from_points(config: DatasetConfig, train: Vec<Point>, test: Vec<Point>) -> Result<Self, TrainError> {
        if train.len() + test.len() > MAX_POINTS {
            return Err(TrainError::TooLarge { what: "points", limit: MAX_POINTS, got: train.len() + test.len() });
        }
        check_points(&train, config.kind.classes())?;
        check_points(&test, config.kind.classes())?;
        Ok(Self { config, train, test })
    }

    pub fn config(&self) -> &DatasetConfig {
        &self.config
    }

    pub fn kind(&self) -> DatasetKind {
        self.config.kind
    }

    pub fn train(&self) -> &[Point] {
        &self.train
    }

    pub fn test(&self) -> &[Point] {
        &self.test
    }

    /// Number of classes; 0 for regression.
    pub fn classes(&self) -> usize {
        self.config.kind.classes()
    }

    pub fn is_regression(&self) -> bool {
        self.config.kind.is_regression()
    }

    /// Adds a point to the training set: `label` is the class (a whole number below
    /// `classes()`); for regression `label` is ignored and the target is `y`.
    pub fn add_point(&mut self, x: f64, y: f64, label: f64) -> Result<(), TrainError> {
        check_range("x", "a finite number", x, f64::MIN, f64::MAX)?;
        check_range("y", "a finite number", y, f64::MIN, f64::MAX)?;
        if self.train.len() + self.test.len() >= MAX_POINTS {
            return Err(TrainError::TooLarge { what: "points", limit: MAX_POINTS, got: MAX_POINTS + 1 });
        }
        let label = if self.is_regression() {
            y
        } else if label >= 0.0 && label < self.classes() as f64 && label.fract() == 0.0 {
            label
        } else {
            return Err(TrainError::BadTarget { value: label, classes: self.classes() });
        };
        self.train.push(Point { x, y, label });
        Ok(())
    }

    /// Removes the point (training or test) nearest to (x, y) and returns it; `None` when
    /// there are no points or (x, y) is not a finite position.
    pub fn remove_nearest(&mut self, x: f64, y: f64) -> Option<Point> {
        if !(x.is_finite() && y.is_finite()) {
            return None;
        }
        let d2 = |p: &Point| (p.x - x).powi(2) + (p.y - y).powi(2);
        let nearest =
            |set: &[Point]| set.iter().enumerate().map(|(i, p)| (i, d2(p))).min_by(|a, b| a.1.total_cmp(&b.1));
        match (nearest(&self.train), nearest(&self.test)) {
            (Some((i, a)), Some((_, b))) if a <= b => Some(self.train.remove(i)),
            (Some((i, _)), None) => Some(self.train.remove(i)),
            (_, Some((j, _))) => Some(self.test.remove(j)),
            (None, None) => None,
        }
    }
}

/// Points a set of `classes` classes (0: a regression) can hold: at most [`MAX_POINTS`],
/// finite, labelled with a class, or for a regression with the target y.
fn check_points(points: &[Point], classes: usize) -> Result<(), TrainError> {
    if points.len() > MAX_POINTS {
        return Err(TrainError::TooLarge { what: "points", limit: MAX_POINTS, got: points.len() });
    }
    if !(classes == 0 || classes == 2 || classes == 3) {
        return Err(TrainError::Invalid(format!(
            "a data set has 2 or 3 classes or is a regression (got {classes} classes)"
        )));
    }
    for p in points {
        if !(p.x.is_finite() && p.y.is_finite() && p.label.is_finite()) {
            return Err(TrainError::Invalid(format!(
                "a point must have finite coordinates (got {}, {}, {})",
                p.x, p.y, p.label
            )));
        }
        let fits = if classes == 0 {
            p.label == p.y
        } else {
            p.label >= 0.0 && p.label < classes as f64 && p.label.fract() == 0.0
        };
        if !fits {
            return Err(TrainError::BadTarget { value: p.label, classes });
        }
    }
    Ok(())
}

/// The i-th of n points of class `c`.
fn class_point(kind: DatasetKind, c: usize, i: usize, n: usize, noise: f64, rng: &mut Rng) -> Point {
    let (x, y) = match kind {
        DatasetKind::Circle => {
            let r = if c == 0 { rng.range(0.0, 2.5) } else { rng.range(3.5, 5.0) };
            let angle = rng.range(0.0, TAU);
            (r * angle.cos(), r * angle.sin())
        }
        DatasetKind::Xor => {
            // Away from the axes by 0.3, so that clean data has a visible gap.
            let sx = if rng.uniform() < 0.5 { -1.0 } else { 1.0 };
            let sy = if c == 1 { sx } else { -sx };
            (sx * rng.range(0.3, 5.5), sy * rng.range(0.3, 5.5))
        }
        DatasetKind::Gaussians => {
            let centre = if c == 0 { -2.0 } else { 2.0 };
            (centre + rng.normal(), centre + rng.normal())
        }
        DatasetKind::Gaussians3 => {
            let angle = PI / 2.0 + c as f64 * TAU / 3.0;
            (3.0 * angle.cos() + rng.normal(), 3.0 * angle.sin() + rng.normal())
        }
        DatasetKind::Spiral | DatasetKind::Spiral3 => {
            // Arm c turns 1.75 times while its radius grows from 0 to 5 (as in the playground).
            let k = kind.classes() as f64;
            let s = i as f64 / n.max(1) as f64;
            let (r, t) = (5.0 * s, 1.75 * TAU * s + c as f64 * TAU / k);
            (r * t.sin(), r * t.cos())
        }
        DatasetKind::Moons => {
            // The two half circles of scikit-learn's make_moons, scaled by 3 and centred.
            let t = rng.range(0.0, PI);
            let (mx, my) = if c == 0 { (t.cos(), t.sin()) } else { (1.0 - t.cos(), 0.5 - t.sin()) };
            (3.0 * (mx - 0.5), 3.0 * (my - 0.25))
        }
        DatasetKind::Quadratic | DatasetKind::Sine | DatasetKind::Own(_) => (0.0, 0.0),
    };
    Point { x: x + noise * rng.normal(), y: y + noise * rng.normal(), label: c as f64 }
}

fn regression_point(kind: DatasetKind, noise: f64, rng: &mut Rng) -> Point {
    let (lo, hi) = kind.domain().x;
    let x = rng.range(lo, hi);
    let clean = if kind == DatasetKind::Quadratic { 3.0 * x * x } else { x.sin() };
    let t = clean + noise * rng.normal();
    Point { x, y: t, label: t }
}

// ---------------------------------------------------------------------------------------------
// Features
// ---------------------------------------------------------------------------------------------

/// An input the network sees, computed from a point's position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    X,
    Y,
    XSquared,
    YSquared,
    XTimesY,
    SinX,
    SinY,
}

/// Every feature, for pickers and tests.
pub const FEATURES: [Feature; 7] =
    [Feature::X, Feature::Y, Feature::XSquared, Feature::YSquared, Feature::XTimesY, Feature::SinX, Feature::SinY];

impl Feature {
    /// The feature's value at (x, y).
    pub fn value(self, x: f64, y: f64) -> f64 {
        match self {
            Feature::X => x,
            Feature::Y => y,
            Feature::XSquared => x * x,
            Feature::YSquared => y * y,
            Feature::XTimesY => x * y,
            Feature::SinX => x.sin(),
            Feature::SinY => y.sin(),
        }
    }

    /// How it is written for students: `x`, `y`, `x²`, `y²`, `x·y`, `sin x`, `sin y`.
    pub fn label(self) -> &'static str {
        match self {
            Feature::X => "x",
            Feature::Y => "y",
            Feature::XSquared => "x²",
            Feature::YSquared => "y²",
            Feature::XTimesY => "x·y",
            Feature::SinX => "sin x",
            Feature::SinY => "sin y",
        }
    }

    /// Whether it reads y (not allowed for regression, where y is the target).
    pub fn reads_y(self) -> bool {
        matches!(self, Feature::Y | Feature::YSquared | Feature::XTimesY | Feature::SinY)
    }
}

/// Fills `out` (one row per point, one column per feature) with the features of `points`,
/// reallocating it only if its shape is not already right.
pub fn featurize_into<T: Real>(points: &[Point], features: &[Feature], out: &mut Array2<T>) {
    ensure_shape(out, points.len(), features.len());
    for (mut row, p) in out.rows_mut().into_iter().zip(points) {
        for (v, f) in row.iter_mut().zip(features) {
            *v = T::from_f64(f.value(p.x, p.y));
        }
    }
}

/// The features of `points` in a new array.
/// The targets of the points as a column (N × 1): the class or the regression target, as
/// [`Loss`](super::Loss) expects them.
pub fn targets<T: Real>(points: &[Point]) -> Array2<T> {
    Array2::from_shape_fn((points.len(), 1), |(i, _)| T::from_f64(points[i].label))
}

pub fn featurize<T: Real>(points: &[Point], features: &[Feature]) -> Array2<T> {
    let mut out = Array2::zeros((points.len(), features.len()));
    featurize_into(points, features, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(kind: DatasetKind, points: usize) -> DatasetConfig {
        DatasetConfig { kind, points, noise: 0.3, test_fraction: 0.2, seed: 11, own: None }
    }

    #[test]
    fn same_seed_same_points_other_seed_other_points() {
        for kind in DATASET_KINDS {
            let a = Dataset::generate(&config(kind, 100)).unwrap();
            let b = Dataset::generate(&config(kind, 100)).unwrap();
            assert_eq!(a, b, "{kind:?}");
            let c = Dataset::generate(&DatasetConfig { seed: 12, ..config(kind, 100) }).unwrap();
            assert_ne!(a.train(), c.train(), "{kind:?}");
        }
    }

    #[test]
    fn counts_split_and_balance() {
        for kind in DATASET_KINDS {
            let d = Dataset::generate(&config(kind, 300)).unwrap();
            assert_eq!(d.train().len() + d.test().len(), 300, "{kind:?}");
            assert_eq!(d.test().len(), 60, "{kind:?}");
            for c in 0..kind.classes() {
                let count = |set: &[Point]| set.iter().filter(|p| p.label == c as f64).count();
                let k = kind.classes();
                assert_eq!(count(d.train()) + count(d.test()), 300 / k, "{kind:?} class {c}");
                assert_eq!(count(d.test()), 60 / k, "{kind:?} class {c} in the test set");
            }
            let dom = kind.domain();
            for p in d.train().iter().chain(d.test()) {
                assert!(p.x.is_finite() && p.y.is_finite() && p.label.is_finite());
                // Within the domain give or take the noise (0.3, so 6σ is plenty).
                assert!(p.x >= dom.x.0 - 2.0 && p.x <= dom.x.1 + 2.0, "{kind:?} {p:?}");
                if kind.is_regression() {
                    assert_eq!(p.y, p.label);
                } else {
                    assert!(p.y >= dom.y.0 - 2.0 && p.y <= dom.y.1 + 2.0, "{kind:?} {p:?}");
                }
            }
        }
        // Odd counts: classes differ by at most one.
        let d = Dataset::generate(&DatasetConfig { points: 7, ..config(DatasetKind::Spiral3, 7) }).unwrap();
        let all: Vec<Point> = d.train().iter().chain(d.test()).copied().collect();
        let counts: Vec<usize> = (0..3).map(|c| all.iter().filter(|p| p.label == c as f64).count()).collect();
        assert_eq!(counts, vec![3, 2, 2]);
    }

    #[test]
    fn labels_follow_the_geometry_without_noise() {
        let clean = |kind| Dataset::generate(&DatasetConfig { noise: 0.0, ..config(kind, 200) }).unwrap();
        for p in clean(DatasetKind::Xor).train() {
            assert_eq!(p.label, if p.x * p.y > 0.0 { 1.0 } else { 0.0 });
        }
        for p in clean(DatasetKind::Circle).train() {
            let r = p.x.hypot(p.y);
            assert_eq!(p.label, if r < 3.0 { 0.0 } else { 1.0 });
        }
        for p in clean(DatasetKind::Quadratic).train() {
            assert!((p.label - 3.0 * p.x * p.x).abs() < 1e-12);
        }
    }

    #[test]
    fn bad_configs_are_errors() {
        let bad = |f: fn(&mut DatasetConfig)| {
            let mut c = DatasetConfig::default();
            f(&mut c);
            Dataset::generate(&c).unwrap_err()
        };
        assert!(matches!(bad(|c| c.points = MAX_POINTS + 1), TrainError::TooLarge { .. }));
        assert!(matches!(bad(|c| c.noise = f64::NAN), TrainError::Setting { .. }));
        assert!(matches!(bad(|c| c.noise = -1.0), TrainError::Setting { .. }));
        assert!(matches!(bad(|c| c.test_fraction = 1.0), TrainError::Setting { .. }));
        let empty = Dataset::generate(&DatasetConfig { points: 0, ..DatasetConfig::default() }).unwrap();
        assert!(empty.train().is_empty() && empty.test().is_empty());
    }

    #[test]
    fn add_and_remove_points() {
        let mut d = Dataset::generate(&config(DatasetKind::Gaussians, 20)).unwrap();
        let n = d.train().len();
        d.add_point(5.5, -5.5, 1.0).unwrap();
        assert_eq!(d.train().len(), n + 1);
        assert_eq!(d.train().last(), Some(&Point { x: 5.5, y: -5.5, label: 1.0 }));
        assert!(d.add_point(0.0, 0.0, 2.0).is_err(), "no class 2 in a two-class set");
        assert!(d.add_point(0.0, 0.0, 0.5).is_err());
        assert!(d.add_point(f64::NAN, 0.0, 0.0).is_err());
        assert_eq!(d.remove_nearest(5.4, -5.4), Some(Point { x: 5.5, y: -5.5, label: 1.0 }));
        assert_eq!(d.train().len(), n);
        // Removing everything, then nothing is left to remove.
        for _ in 0..20 {
            assert!(d.remove_nearest(0.0, 0.0).is_some());
        }
        assert_eq!(d.remove_nearest(0.0, 0.0), None);
        assert_eq!(d.remove_nearest(f64::NAN, 0.0), None);

        let mut r = Dataset::generate(&config(DatasetKind::Sine, 10)).unwrap();
        r.add_point(1.0, 0.25, 7.0).unwrap();
        assert_eq!(r.train().last(), Some(&Point { x: 1.0, y: 0.25, label: 0.25 }));
    }

    #[test]
    fn features_fill_a_reused_buffer() {
        let points = [Point { x: 2.0, y: -3.0, label: 0.0 }, Point { x: 0.5, y: 1.0, label: 1.0 }];
        let a: Array2<f64> = featurize(&points, &FEATURES);
        assert_eq!(a.row(0).to_vec(), vec![2.0, -3.0, 4.0, 9.0, -6.0, 2f64.sin(), (-3f64).sin()]);
        let mut buf = Array2::<f32>::zeros((2, 2));
        let ptr = buf.as_ptr();
        featurize_into(&points, &[Feature::XTimesY, Feature::X], &mut buf);
        assert_eq!(buf.as_ptr(), ptr);
        assert_eq!(buf.row(1).to_vec(), vec![0.5, 0.5]);
        assert!(Feature::XTimesY.reads_y() && !Feature::SinX.reads_y());
    }
}
