//! The numbers behind the plots, with no web types so they are tested natively: colours, axis
//! ranges and ticks, clipping lines to the plot, contour lines by marching squares, where a
//! legend hides the least data, and the pixel ↔ data mapping for clicks. `web::plot` draws
//! with them on a canvas.
//!
//! Positions inside a plot are often handled in *unit* coordinates: 0 at the low end of an axis,
//! 1 at the high end, linear in the value or in its log. Clipping, legends and cells work there,
//! the same way for linear and log axes.

/// A colour as (red, green, blue).
pub type Rgb = (u8, u8, u8);

/// Training curves and data: blue.
pub const TRAIN: Rgb = (0x25, 0x63, 0xeb);
/// Test curves: orange.
pub const TEST: Rgb = (0xea, 0x58, 0x0c);
/// Runs that diverged (loss NaN or ∞): red.
pub const DIVERGED: Rgb = (0xdc, 0x26, 0x26);
/// Good outcomes (a minimum, a suggested rate): green.
pub const GOOD: Rgb = (0x16, 0xa3, 0x4a);
/// Neutral grey (baselines, references).
pub const NEUTRAL: Rgb = (0x6b, 0x72, 0x80);

/// Categorical colours for several series: blue, orange, green, purple, pink, teal, amber, grey.
/// Red is left out: on this page it means "diverged".
pub const PALETTE: [Rgb; 8] =
    [TRAIN, TEST, GOOD, (0x93, 0x33, 0xea), (0xdb, 0x27, 0x77), (0x0d, 0x94, 0x88), (0xca, 0x8a, 0x04), NEUTRAL];

/// Viridis sampled at nine evenly spaced points (dark purple → yellow).
const VIRIDIS: [Rgb; 9] = [
    (0x44, 0x01, 0x54),
    (0x47, 0x2d, 0x7b),
    (0x3b, 0x52, 0x8b),
    (0x2c, 0x72, 0x8e),
    (0x21, 0x90, 0x8c),
    (0x27, 0xad, 0x81),
    (0x5d, 0xc8, 0x63),
    (0xaa, 0xdc, 0x32),
    (0xfd, 0xe7, 0x25),
];

/// Colour for a sequential scale, `t` in [0, 1] (clamped): viridis, perceptually even and
/// readable in grey, so low and high stay distinct for everyone. NaN gives a light grey.
pub fn colormap(t: f64) -> Rgb {
    if t.is_nan() {
        return (0xd1, 0xd5, 0xdb);
    }
    let x = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let a = VIRIDIS.get(i).copied().unwrap_or((0x44, 0x01, 0x54));
    let b = VIRIDIS.get(i + 1).copied().unwrap_or(a);
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round().clamp(0.0, 255.0) as u8;
    (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// `c` moved a fraction `amount` of the way to white: a lighter fill that lines drawn on top
/// stand out from.
pub fn lighten(c: Rgb, amount: f64) -> Rgb {
    let a = amount.clamp(0.0, 1.0);
    let up = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * a).round().clamp(0.0, 255.0) as u8;
    (up(c.0), up(c.1), up(c.2))
}

/// Relative brightness in [0, 1] (Rec. 709 weights), to pick dark or light ink on a colour.
pub fn luminance(c: Rgb) -> f64 {
    (0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2)) / 255.0
}

/// Values beyond this are pulled in so a range's width stays finite.
const HUGE: f64 = 1e300;

/// An axis range for `values`: finite values only (and positive ones on a log axis), with a 5 %
/// margin (in log space on a log axis; not below 0 for non-negative data on a linear one). An
/// empty set gives (0, 1), or (1, 10) on a log axis; a single value is widened around it.
/// The result always has lo < hi, both finite (and positive if `log`).
pub fn data_range(values: impl Iterator<Item = f64>, log: bool) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values {
        if v.is_finite() && (!log || v > 0.0) {
            let v = v.clamp(-HUGE, HUGE);
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if lo > hi {
        return if log { (1.0, 10.0) } else { (0.0, 1.0) };
    }
    if log {
        let (a, b) = (lo.log10().max(-300.0), hi.log10().min(300.0));
        let (a, b) = if b - a < 1e-9 {
            (a - 0.5, b + 0.5)
        } else {
            let m = (b - a) * 0.05;
            (a - m, b + m)
        };
        (10f64.powf(a.max(-300.0)), 10f64.powf(b.min(300.0)))
    } else if is_degenerate(lo, hi) {
        widen(lo, hi)
    } else {
        let m = (hi - lo) * 0.05;
        let a = if lo >= 0.0 && lo - m < 0.0 { 0.0 } else { lo - m };
        (a, hi + m)
    }
}

/// True when hi − lo is too small next to the values for ticks to tell them apart.
fn is_degenerate(lo: f64, hi: f64) -> bool {
    hi - lo <= lo.abs().max(hi.abs()) * 1e-9
}

/// A range around a (nearly) single value: ±10 % of it, or ±1 around 0.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    let scale = lo.abs().max(hi.abs());
    let d = if scale == 0.0 { 1.0 } else { scale * 0.1 };
    (lo - d, hi + d)
}

/// A range given by the caller, made usable: None if an end is not finite (or not positive on a
/// log axis), a reversed pair put in order, a degenerate one widened.
pub fn clean_range(range: (f64, f64), log: bool) -> Option<(f64, f64)> {
    let (a, b) = range;
    if !a.is_finite() || !b.is_finite() || (log && (a <= 0.0 || b <= 0.0)) {
        return None;
    }
    let (lo, hi) = (a.min(b).clamp(-HUGE, HUGE), a.max(b).clamp(-HUGE, HUGE));
    if log {
        if hi.log10() - lo.log10() < 1e-9 {
            Some((lo / 10f64.sqrt(), hi * 10f64.sqrt()))
        } else {
            Some((lo, hi))
        }
    } else if is_degenerate(lo, hi) {
        Some(widen(lo, hi))
    } else {
        Some((lo, hi))
    }
}

/// One axis of a plot: its range and whether it is logarithmic. Maps values to unit
/// coordinates (0 at `lo`, 1 at `hi`) and back, and picks the ticks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
}

/// Tick marks of an axis: labelled `major` ticks (with their `labels`) and unlabelled `minor`
/// ones (e.g. 2…9 × 10ᵏ between the decades of a log axis), as values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ticks {
    pub major: Vec<f64>,
    pub labels: Vec<String>,
    pub minor: Vec<f64>,
}

impl Axis {
    /// The axis over `range` when it is usable (see [`clean_range`]), else over `data` (see
    /// [`data_range`]).
    pub fn new(range: Option<(f64, f64)>, data: impl Iterator<Item = f64>, log: bool) -> Axis {
        let (lo, hi) = range.and_then(|r| clean_range(r, log)).unwrap_or_else(|| data_range(data, log));
        Axis { lo, hi, log }
    }

    /// The axis for `n` cells whose centres are evenly spaced (in log space on a log axis) from
    /// `range.0` to `range.1`: it reaches half a cell beyond each, so cell `i` covers unit
    /// coordinates i/n to (i+1)/n. A bad range falls back to (0, 1), or (1, 10) on a log axis.
    pub fn cells(range: (f64, f64), n: usize, log: bool) -> Axis {
        let (lo, hi) = clean_range(range, log).unwrap_or(if log { (1.0, 10.0) } else { (0.0, 1.0) });
        let a = Axis { lo, hi, log };
        if n < 2 {
            return a;
        }
        let half = 0.5 / (n - 1) as f64;
        let (lo, hi) = (a.from_unit(-half), a.from_unit(1.0 + half));
        if lo.is_finite() && hi.is_finite() && lo < hi && (!log || lo > 0.0) {
            Axis { lo, hi, log }
        } else {
            a
        }
    }

    fn warp(&self, v: f64) -> f64 {
        if self.log {
            v.log10()
        } else {
            v
        }
    }

    /// Where `v` is along the axis: 0 at `lo`, 1 at `hi`. Not finite for a value that has no
    /// place on it (NaN, ∞, or ≤ 0 on a log axis).
    pub fn to_unit(&self, v: f64) -> f64 {
        let (a, b) = (self.warp(self.lo), self.warp(self.hi));
        let u = (self.warp(v) - a) / (b - a);
        if u.is_finite() {
            u
        } else {
            f64::NAN
        }
    }

    /// The value at unit coordinate `u` (the inverse of [`Axis::to_unit`]).
    pub fn from_unit(&self, u: f64) -> f64 {
        let (a, b) = (self.warp(self.lo), self.warp(self.hi));
        let w = a + (b - a) * u;
        if self.log {
            10f64.powf(w)
        } else {
            w
        }
    }

    /// At most `max` labelled ticks (at least 2 are asked for): 1, 2 or 5 × 10ᵏ steps on a
    /// linear axis. On a log axis 1, 2, 5 × 10ᵏ when it spans at most three decades and they
    /// fit, else decades (every few decades if they are many), with 2…9 × 10ᵏ or the skipped
    /// decades as minor ticks; linear steps on an axis too short for either.
    pub fn ticks(&self, max: usize) -> Ticks {
        let max = max.max(2);
        if !self.log {
            let (major, step) = linear_ticks(self.lo, self.hi, max);
            let labels = linear_labels(&major, step);
            return Ticks { major, labels, minor: Vec::new() };
        }
        let (a, b) = (self.lo.log10(), self.hi.log10());
        let (d0, d1) = ((a - 1e-9).ceil(), (b + 1e-9).floor());
        let inside = |v: f64| v >= self.lo * (1.0 - 1e-9) && v <= self.hi * (1.0 + 1e-9);
        // 1, 2, 5 × 10ᵏ on an axis of up to three decades, if they fit
        if b - a <= 3.0 {
            let (mut major, mut minor) = (Vec::new(), Vec::new());
            let mut d = d0 - 1.0;
            while d <= d1 {
                for m in 1..=9 {
                    let v = power_of_ten(m, d);
                    if inside(v) {
                        if matches!(m, 1 | 2 | 5) {
                            major.push(v);
                        } else {
                            minor.push(v);
                        }
                    }
                }
                d += 1.0;
            }
            if (2..=max).contains(&major.len()) {
                let labels = major.iter().map(|&v| log_label(v)).collect();
                return Ticks { major, labels, minor };
            }
        }
        if d1 - d0 >= 1.0 {
            // two decades or more: label every `stride`-th decade
            let stride = [1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0]
                .into_iter()
                .find(|s| (d1 / s).floor() - (d0 / s).ceil() + 1.0 <= max as f64)
                .unwrap_or(100.0);
            let mut major = Vec::new();
            let mut minor = Vec::new();
            let mut d = d0;
            while d <= d1 && major.len() + minor.len() < 1000 {
                if (d / stride).fract() == 0.0 {
                    major.push(power_of_ten(1, d));
                } else {
                    minor.push(power_of_ten(1, d));
                }
                d += 1.0;
            }
            if stride == 1.0 && b - a <= 12.0 {
                let mut d = d0 - 1.0;
                while d <= d1 {
                    minor.extend((2..=9).map(|m| power_of_ten(m, d)).filter(|&v| inside(v)));
                    d += 1.0;
                }
            }
            let labels = major.iter().map(|&v| log_label(v)).collect();
            return Ticks { major, labels, minor };
        }
        // shorter than 1, 2, 5 can label: linear steps
        let (major, step) = linear_ticks(self.lo, self.hi, max.min(5));
        let labels = linear_labels(&major, step);
        Ticks { major, labels, minor: Vec::new() }
    }
}

/// m × 10^d, exactly as written in decimal (so 1e-5 is the same number as the literal).
fn power_of_ten(m: u32, d: f64) -> f64 {
    let approx = f64::from(m) * 10f64.powf(d);
    format!("{m}e{d:.0}").parse().unwrap_or(approx)
}

/// Multiples of a 1, 2 or 5 × 10ᵏ step in [lo, hi], at most `max` of them; and the step.
fn linear_ticks(lo: f64, hi: f64, max: usize) -> (Vec<f64>, f64) {
    let span = hi - lo;
    if !(span > 0.0 && span.is_finite()) {
        return (vec![lo], 1.0);
    }
    let mut decade = 10f64.powf((span / max as f64).log10().floor());
    for _ in 0..40 {
        for m in [1.0, 2.0, 5.0] {
            let step = decade * m;
            let (k0, k1) = ((lo / step - 1e-9).ceil(), (hi / step + 1e-9).floor());
            if k1 - k0 + 1.0 <= max as f64 {
                let n = (k1 - k0 + 1.0).max(0.0) as usize;
                let ticks = (0..n)
                    .map(|i| {
                        let v = (k0 + i as f64) * step;
                        if v.abs() < step * 1e-9 {
                            0.0
                        } else {
                            v
                        }
                    })
                    .collect();
                return (ticks, step);
            }
        }
        decade *= 10.0;
    }
    (vec![lo, hi], span)
}

/// Labels for linear ticks `step` apart: as many decimals as the step needs, in e-notation
/// when the numbers are large (≥ 10⁵) or small (< 10⁻³), so labels stay short.
fn linear_labels(ticks: &[f64], step: f64) -> Vec<String> {
    let e = (step.abs().log10() + 1e-9).floor();
    let e = if e.is_finite() { e as i32 } else { 0 };
    let biggest = ticks.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let sci = biggest >= 1e5 || (biggest > 0.0 && biggest < 1e-3);
    ticks
        .iter()
        .map(|&v| {
            if v == 0.0 {
                "0".to_string()
            } else if sci {
                let ev = (v.abs().log10() + 1e-9).floor() as i32;
                let s = format!("{:.*e}", (ev - e).clamp(0, 6) as usize, v);
                match s.split_once('e') {
                    Some((mantissa, exp)) => format!("{}e{exp}", trim_zeros(mantissa)),
                    None => s,
                }
            } else {
                no_negative_zero(trim_zeros(&format!("{:.*}", (-e).clamp(0, 10) as usize, v)))
            }
        })
        .collect()
}

/// A tick label on a log axis: plain from 0.001 to 1000, else e-notation ("1e-5", "2e6").
fn log_label(v: f64) -> String {
    let k = (v.log10() + 1e-9).floor();
    if (-3.0..=3.0).contains(&k) {
        format!("{:.*}", (-k).max(0.0) as usize, v)
    } else {
        format!("{v:.0e}")
    }
}

fn no_negative_zero(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| matches!(c, '0' | '.')) => rest.to_string(),
        _ => s,
    }
}

/// `v` as a factor in a written product (`1 × (−4) = −4`): 6 significant digits ([`sig`]),
/// in brackets when negative.
pub fn factor(v: f64) -> String {
    let s = sig(v, 6);
    if v < 0.0 {
        format!("({s})")
    } else {
        s
    }
}

/// A value for a label (a colour bar's ends, a tooltip): three significant digits, plain from
/// 0.001 to 10⁵, else e-notation; trailing zeros dropped. "NaN" / "∞" / "−∞" for the others.
/// `v` with `digits` significant digits: `0.000123457`, `2e−7` (not "0"), `1.23457e6`;
/// trailing zeros dropped, a real minus sign.
pub fn sig(v: f64, digits: usize) -> String {
    if !v.is_finite() {
        return crate::graph::fmt_short(v);
    }
    if v == 0.0 {
        return "0".into();
    }
    let d = digits.clamp(1, 17);
    let mag = v.abs().log10().floor();
    let s = if !(-4.0..d as f64).contains(&mag) {
        let e = format!("{v:.*e}", d - 1);
        let (m, exp) = e.split_once('e').unwrap_or((&e, "0"));
        let m = if m.contains('.') { m.trim_end_matches('0').trim_end_matches('.') } else { m };
        format!("{m}e{exp}")
    } else {
        let decimals = (d as f64 - 1.0 - mag).max(0.0) as usize;
        let f = format!("{v:.decimals$}");
        if f.contains('.') {
            f.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            f
        }
    };
    s.replace('-', "−")
}

/// Labels for a sorted list of values (a sweep's rates) with as few significant digits as
/// tell every value from its neighbours (2 at least, 8 at most).
pub fn distinct_labels(values: &[f64]) -> Vec<String> {
    for d in 2..=8 {
        let labels: Vec<String> = values.iter().map(|&v| sig(v, d)).collect();
        if labels.windows(2).all(|w| w[0] != w[1]) {
            return labels;
        }
    }
    values.iter().map(|&v| sig(v, 8)).collect()
}

pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "∞".to_string() } else { "−∞".to_string() };
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let e = (v.abs().log10() + 1e-9).floor();
    if (-3.0..5.0).contains(&e) {
        let s = format!("{:.*}", (2.0 - e).max(0.0) as usize, v);
        no_negative_zero(trim_zeros(&s))
    } else {
        let s = format!("{v:.2e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => format!("{}e{exp}", trim_zeros(mantissa)),
            None => s,
        }
    }
}

/// "1.500" → "1.5", "2.00" → "2"; a number without a point is left alone.
fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// A point in unit coordinates (see the module docs).
pub type Unit = (f64, f64);

/// The part of the segment a–b inside the unit square (Liang–Barsky), or None if it misses it
/// or an end is not finite. An end inside the square comes back bit for bit, so consecutive
/// clipped segments still join.
pub fn clip_segment(a: Unit, b: Unit) -> Option<(Unit, Unit)> {
    if ![a.0, a.1, b.0, b.1].iter().all(|v| v.is_finite()) {
        return None;
    }
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0), (dx, 1.0 - a.0), (-dy, a.1), (dy, 1.0 - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| (a.0 + dx * t, a.1 + dy * t);
    Some((if t0 == 0.0 { a } else { at(t0) }, if t1 == 1.0 { b } else { at(t1) }))
}

/// True for a point inside the unit square (ends included).
pub fn in_unit(p: Unit) -> bool {
    (0.0..=1.0).contains(&p.0) && (0.0..=1.0).contains(&p.1)
}

/// A line through `points` (unit coordinates) cut into the pieces to draw: split where a point
/// is not finite and clipped to the unit square. A finite point inside the square whose
/// neighbours are both missing comes back alone, so it can still be shown as a dot.
pub fn polylines(points: &[Unit]) -> Vec<Vec<Unit>> {
    let mut out: Vec<Vec<Unit>> = Vec::new();
    let mut cur: Vec<Unit> = Vec::new();
    for pair in points.windows(2) {
        let [p, q] = pair else { continue };
        match clip_segment(*p, *q) {
            Some((s, e)) => {
                if cur.last() != Some(&s) && !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                if cur.is_empty() {
                    cur.push(s);
                }
                cur.push(e);
            }
            None => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    let ok = |p: Option<&Unit>| p.is_some_and(|p| p.0.is_finite() && p.1.is_finite());
    for (i, p) in points.iter().enumerate() {
        let prev = if i == 0 { None } else { points.get(i - 1) };
        if in_unit(*p) && !ok(prev) && !ok(points.get(i + 1)) {
            out.push(vec![*p]);
        }
    }
    out
}

/// A corner of the plot, for the legend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    UpperRight,
    UpperLeft,
    LowerRight,
    LowerLeft,
}

/// The corner where a legend box `w` × `h` (fractions of the plot) covers the fewest of the
/// drawn lines (unit coordinates; long segments are sampled along their length). Ties go to
/// upper right, upper left, lower right, lower left, in that order.
pub fn emptiest_corner(lines: &[Vec<Unit>], w: f64, h: f64) -> Corner {
    let corners = [Corner::UpperRight, Corner::UpperLeft, Corner::LowerRight, Corner::LowerLeft];
    let mut hits = [0usize; 4];
    let mut count = |p: Unit| {
        for (c, n) in corners.iter().zip(hits.iter_mut()) {
            let in_x = match c {
                Corner::UpperRight | Corner::LowerRight => p.0 >= 1.0 - w,
                Corner::UpperLeft | Corner::LowerLeft => p.0 <= w,
            };
            let in_y = match c {
                Corner::UpperRight | Corner::UpperLeft => p.1 >= 1.0 - h,
                Corner::LowerRight | Corner::LowerLeft => p.1 <= h,
            };
            if in_x && in_y {
                *n += 1;
            }
        }
    };
    for line in lines {
        if let [only] = line.as_slice() {
            count(*only);
        }
        for pair in line.windows(2) {
            let [a, b] = pair else { continue };
            let len = (b.0 - a.0).hypot(b.1 - a.1);
            let n = (len / 0.02).ceil().clamp(1.0, 100.0) as usize;
            for k in 0..=n {
                let t = k as f64 / n as f64;
                count((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
            }
        }
    }
    let mut best = 0;
    for (i, n) in hits.iter().enumerate() {
        if hits.get(best).is_some_and(|b| n < b) {
            best = i;
        }
    }
    corners.get(best).copied().unwrap_or(Corner::UpperRight)
}

/// The smallest and largest finite values of a grid, or None if it has none.
pub fn finite_extent(values: &[Vec<f64>]) -> Option<(f64, f64)> {
    let mut it = values.iter().flatten().copied().filter(|v| v.is_finite());
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// The ends of a heatmap's colour scale and whether it is logarithmic: `clamp` when usable,
/// else the finite extent of the data. A log scale runs from the smallest positive value (what
/// values ≤ 0 are shown as); it falls back to linear when there is no positive value.
pub fn color_scale(values: &[Vec<f64>], clamp: Option<(f64, f64)>, log: bool) -> (f64, f64, bool) {
    let positive = || {
        let mut it = values.iter().flatten().copied().filter(|v| v.is_finite() && *v > 0.0);
        let first = it.next()?;
        Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
    };
    let given = clamp.filter(|(a, b)| a.is_finite() && b.is_finite()).map(|(a, b)| (a.min(b), a.max(b)));
    if log {
        let from_data = positive();
        let lo = given.map(|g| g.0).filter(|v| *v > 0.0).or(from_data.map(|d| d.0));
        let hi = given.map(|g| g.1).filter(|v| *v > 0.0).or(from_data.map(|d| d.1));
        if let (Some(lo), Some(hi)) = (lo, hi) {
            return (lo.min(hi), lo.max(hi), true);
        }
    }
    let (lo, hi) = given.or_else(|| finite_extent(values)).unwrap_or((0.0, 1.0));
    (lo, hi, false)
}

/// Where `v` falls on the colour scale lo–hi, in [0, 1] (NaN for a non-finite `v`). On a log
/// scale values ≤ lo (zero and negatives included) are at 0. A scale with lo = hi puts
/// everything in the middle.
pub fn color_t(v: f64, lo: f64, hi: f64, log: bool) -> f64 {
    if !v.is_finite() {
        return f64::NAN;
    }
    let t = if log && lo > 0.0 && hi > 0.0 {
        let v = v.max(lo);
        (v.ln() - lo.ln()) / (hi.ln() - lo.ln())
    } else {
        (v - lo) / (hi - lo)
    };
    if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    }
}

/// The relative depth at which the contour plot's log colour scale starts: heights above the
/// minimum below `span` × this all get the darkest colour.
const VALLEY_FLOOR: f64 = 1e-3;

/// Where `v` falls on a contour plot's colour scale, in [0, 1]: the log of its height above
/// `min` (plus a tiny floor), so a narrow valley is not one flat colour. 0 at the minimum, 1 at
/// `min + span`; NaN for a non-finite `v`.
pub fn valley_t(v: f64, min: f64, span: f64) -> f64 {
    if !v.is_finite() {
        return f64::NAN;
    }
    if !(span > 0.0 && span.is_finite()) {
        return 0.5;
    }
    let tiny = span * VALLEY_FLOOR;
    let t = (((v - min).max(0.0) + tiny) / tiny).ln() / ((span + tiny) / tiny).ln();
    if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    }
}

/// `n` contour levels between the finite minimum and maximum of a grid, spaced evenly in the
/// log of the height above the minimum (from 10⁻³ of the range up to below the top), so the
/// floor of a narrow valley gets lines too. Empty when the grid is flat or has no finite value.
pub fn contour_levels(values: &[Vec<f64>], n: usize) -> Vec<f64> {
    let Some((min, max)) = finite_extent(values) else { return Vec::new() };
    let span = max - min;
    if !(span > 0.0 && span.is_finite()) {
        return Vec::new();
    }
    let decades = -VALLEY_FLOOR.log10();
    (0..n)
        .map(|i| {
            let x = -decades + decades * (i + 1) as f64 / (n + 1) as f64;
            min + span * 10f64.powf(x)
        })
        .collect()
}

/// The contour at `level` of a grid, by marching squares: straight pieces in grid coordinates
/// (x = column, y = row, both as f64, row 0 first). Cells with a non-finite corner are skipped;
/// ragged rows are read as far as both rows of a cell go. A saddle cell is resolved by the
/// average of its corners.
pub fn contour_segments(values: &[Vec<f64>], level: f64) -> Vec<(Unit, Unit)> {
    let mut out = Vec::new();
    if !level.is_finite() {
        return out;
    }
    for (r, rows) in values.windows(2).enumerate() {
        let [below, above] = rows else { continue };
        let cols = below.len().min(above.len());
        for c in 0..cols.saturating_sub(1) {
            let (Some(&v00), Some(&v10), Some(&v01), Some(&v11)) =
                (below.get(c), below.get(c + 1), above.get(c), above.get(c + 1))
            else {
                continue;
            };
            if ![v00, v10, v01, v11].iter().all(|v| v.is_finite()) {
                continue;
            }
            let (x, y) = (c as f64, r as f64);
            // where the level crosses an edge from corner (p, value a) to corner (q, value b)
            let cross = |p: Unit, a: f64, q: Unit, b: f64| -> Option<Unit> {
                if (a > level) == (b > level) {
                    return None;
                }
                let t = ((level - a) / (b - a)).clamp(0.0, 1.0);
                Some((p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t))
            };
            let (p00, p10, p01, p11) = ((x, y), (x + 1.0, y), (x, y + 1.0), (x + 1.0, y + 1.0));
            let bottom = cross(p00, v00, p10, v10);
            let right = cross(p10, v10, p11, v11);
            let top = cross(p01, v01, p11, v11);
            let left = cross(p00, v00, p01, v01);
            match (bottom, right, top, left) {
                (Some(b), Some(rt), Some(t), Some(l)) => {
                    // saddle: the corners diagonal to each other are either joined through the
                    // middle or cut off from it
                    let centre_above = (v00 + v10 + v01 + v11) / 4.0 > level;
                    if (v00 > level) == centre_above {
                        out.push((b, rt));
                        out.push((t, l));
                    } else {
                        out.push((l, b));
                        out.push((rt, t));
                    }
                }
                _ => {
                    let found: Vec<Unit> = [bottom, right, top, left].into_iter().flatten().collect();
                    if let [a, b] = found.as_slice() {
                        out.push((*a, *b));
                    }
                }
            }
        }
    }
    out
}

/// Contour pieces (as from [`contour_segments`]) joined end to end into polylines, so a level
/// is drawn as a few long lines instead of many short ones. Marching squares computes a
/// crossing shared by two cells identically in both, so ends are matched exactly.
pub fn join_segments(segments: &[(Unit, Unit)]) -> Vec<Vec<Unit>> {
    use std::collections::HashMap;
    let key = |p: Unit| (p.0.to_bits(), p.1.to_bits());
    // for every end point, the pieces that touch it
    let mut at: HashMap<(u64, u64), Vec<usize>> = HashMap::new();
    for (i, (a, b)) in segments.iter().enumerate() {
        at.entry(key(*a)).or_default().push(i);
        at.entry(key(*b)).or_default().push(i);
    }
    let mut used = vec![false; segments.len()];
    // the unused piece touching `p`, taken, and its other end
    let mut take = |p: Unit, used: &mut Vec<bool>| -> Option<Unit> {
        let i = at.get_mut(&key(p))?.iter().copied().find(|&i| !used.get(i).copied().unwrap_or(true))?;
        let (a, b) = *segments.get(i)?;
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
        Some(if key(a) == key(p) { b } else { a })
    };
    let mut lines = Vec::new();
    for (i, (a, b)) in segments.iter().enumerate() {
        if used.get(i).copied().unwrap_or(true) {
            continue;
        }
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
        let mut forward = vec![*a, *b];
        while let Some(next) = forward.last().copied().and_then(|p| take(p, &mut used)) {
            forward.push(next);
        }
        let mut backward = Vec::new();
        let mut p = *a;
        while let Some(next) = take(p, &mut used) {
            backward.push(next);
            p = next;
        }
        backward.reverse();
        backward.extend(forward);
        lines.push(backward);
    }
    lines
}

/// Where a chart was drawn, to map between canvas pixels and data (clicks, hover): the plot
/// area in canvas pixels (the canvas's own width/height attributes, not CSS pixels) and the axes.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Canvas x of the plot's left and right edges (`x.lo` and `x.hi`).
    pub left: f64,
    pub right: f64,
    /// Canvas y of the plot's top and bottom edges (`y.hi` and `y.lo`).
    pub top: f64,
    pub bottom: f64,
    pub x: Axis,
    pub y: Axis,
    /// Canvas pixels per CSS pixel when it was drawn: multiply a mouse event's offsetX/offsetY
    /// by it before [`Frame::to_data`].
    pub scale: f64,
}

impl Frame {
    /// The data point under canvas pixel (px, py), or None outside the plot area.
    pub fn to_data(&self, px: f64, py: f64) -> Option<(f64, f64)> {
        let (u, v) = ((px - self.left) / (self.right - self.left), (py - self.bottom) / (self.top - self.bottom));
        let tol = 1e-9;
        if !(u >= -tol && u <= 1.0 + tol && v >= -tol && v <= 1.0 + tol) {
            return None;
        }
        let (x, y) = (self.x.from_unit(u.clamp(0.0, 1.0)), self.y.from_unit(v.clamp(0.0, 1.0)));
        (x.is_finite() && y.is_finite()).then_some((x, y))
    }

    /// The cell (row, col) of a `rows` × `cols` heatmap under canvas pixel (px, py), or None
    /// outside the plot (row 0 at the bottom, as in `Heatmap::values`).
    pub fn cell(&self, px: f64, py: f64, rows: usize, cols: usize) -> Option<(usize, usize)> {
        let (u, v) = ((px - self.left) / (self.right - self.left), (py - self.bottom) / (self.top - self.bottom));
        if rows == 0 || cols == 0 || !((0.0..=1.0).contains(&u) && (0.0..=1.0).contains(&v)) {
            return None;
        }
        let pick = |t: f64, n: usize| ((t * n as f64).floor() as usize).min(n - 1);
        Some((pick(v, rows), pick(u, cols)))
    }

    /// The canvas pixel of data point (x, y); not finite if a value has no place on its axis.
    pub fn to_px(&self, x: f64, y: f64) -> (f64, f64) {
        self.unit_to_px((self.x.to_unit(x), self.y.to_unit(y)))
    }

    /// The canvas pixel of a point in unit coordinates.
    pub fn unit_to_px(&self, p: Unit) -> (f64, f64) {
        (self.left + (self.right - self.left) * p.0, self.bottom + (self.top - self.bottom) * p.1)
    }
}

#[cfg(test)]
mod tests;
