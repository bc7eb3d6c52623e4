//! Reading a student's own data: a CSV of `x,y,label` (classification, two or three classes)
//! or `x,y` (a 1-D regression: y against x), with or without a header, scaled into the plane
//! with the scale kept so it can be shown and undone. Every bad row is reported by its line
//! number with the reason; nothing is returned until every row is good. Pure and fuzzed
//! (`crate::fuzz`).

use super::data::{Dataset, DatasetKind, OwnData, Point, MAX_POINTS};

/// Where the data go in the plane: each coordinate is scaled into ±[`EXTENT`].
pub const EXTENT: f64 = 5.0;

/// At most this many bad rows are listed (then how many more).
const MAX_ERRORS: usize = 20;

/// What the rows are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `x,y,label` with this many classes (2 or 3).
    Classes(usize),
    /// `x,y`: y is the target of x.
    Regression,
}

/// A coordinate's scale: plane = (value − centre) × factor.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scale {
    pub centre: f64,
    pub factor: f64,
}

impl Scale {
    fn fit(values: impl Iterator<Item = f64> + Clone) -> Scale {
        let lo = values.clone().fold(f64::INFINITY, f64::min);
        let hi = values.fold(f64::NEG_INFINITY, f64::max);
        let centre = (lo + hi) / 2.0;
        let half = (hi - lo) / 2.0;
        // a constant column stays where it is, at the centre
        let factor = if half > 0.0 && half.is_finite() { EXTENT / half } else { 1.0 };
        Scale { centre, factor }
    }

    pub fn apply(&self, v: f64) -> f64 {
        (v - self.centre) * self.factor
    }

    /// The value in the file a plane coordinate stands for.
    pub fn undo(&self, p: f64) -> f64 {
        p / self.factor + self.centre
    }
}

/// The data read, scaled into the plane.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub shape: Shape,
    /// In the plane's coordinates (a regression's target in `y` and `label` alike, as the
    /// built-in regressions have it).
    pub points: Vec<Point>,
    pub x: Scale,
    pub y: Scale,
    /// The header's names, when the file had one.
    pub header: Option<Vec<String>>,
}

/// A bad row: its line (1-based) and why.
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    pub line: usize,
    pub reason: String,
}

impl RowError {
    fn at(line: usize, reason: String) -> RowError {
        RowError { line, reason }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// A field for a message: in quotes, cut to 20 characters ([`crate::expr::visible`]).
fn shown(field: &str) -> String {
    format!("“{}”", crate::expr::visible(field, 20))
}

/// Reads the CSV. `Err` lists the bad rows (at most 20, the last entry saying how many more).
pub fn read_csv(text: &str) -> Result<Imported, Vec<RowError>> {
    let mut errors: Vec<RowError> = Vec::new();
    let mut header: Option<Vec<String>> = None;
    let mut width: Option<usize> = None;
    let mut rows: Vec<(usize, Vec<f64>)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = t.split(',').map(str::trim).collect();
        let numbers: Vec<Option<f64>> =
            fields.iter().map(|f| f.parse::<f64>().ok().filter(|v| v.is_finite())).collect();
        if width.is_none() && header.is_none() && numbers.iter().any(Option::is_none) {
            // the first line that is not all numbers, before any data: a header
            if fields.len() == 2 || fields.len() == 3 {
                header = Some(fields.iter().map(|f| f.chars().take(40).collect()).collect());
                width = Some(fields.len());
            } else {
                errors.push(RowError::at(
                    line,
                    format!("{} fields; a header names 2 (x,y) or 3 (x,y,label)", fields.len()),
                ));
            }
            continue;
        }
        let w = *width.get_or_insert(fields.len());
        if w != 2 && w != 3 {
            errors.push(RowError::at(
                line,
                format!("{} fields; a row is x,y,label (classes) or x,y (a regression)", fields.len()),
            ));
            width = None;
            continue;
        }
        if fields.len() != w {
            errors.push(RowError::at(line, format!("{} fields where the file has {w}", fields.len())));
            continue;
        }
        match numbers.iter().position(Option::is_none) {
            Some(k) => errors.push(RowError::at(line, format!("{} is not a finite number", shown(fields[k])))),
            None => rows.push((line, numbers.into_iter().flatten().collect())),
        }
        if rows.len() > MAX_POINTS {
            errors.push(RowError::at(
                line,
                format!("more than {MAX_POINTS} rows; the lab takes at most {MAX_POINTS} points"),
            ));
            break;
        }
    }
    let shape = match width {
        Some(3) => {
            // labels: 0, 1 (and 2), or −1 and 1 for two classes
            let pm = rows.iter().any(|r| r.1[2] == -1.0);
            for (line, r) in &rows {
                let l = r[2];
                let ok = if pm { l == -1.0 || l == 1.0 } else { l == 0.0 || l == 1.0 || l == 2.0 };
                if !ok {
                    let allowed = if pm { "−1 or 1" } else { "0, 1 or 2" };
                    let l = crate::api::show(l);
                    errors.push(RowError::at(*line, format!("the label {l} is not a class: labels are {allowed}")));
                }
            }
            let classes = if rows.iter().any(|r| r.1[2] == 2.0) && !pm { 3 } else { 2 };
            let seen = |c: f64| rows.iter().any(|r| r.1[2] == c);
            let present = if pm {
                [seen(-1.0), seen(1.0)].iter().filter(|&&b| b).count()
            } else {
                (0..3).filter(|&c| seen(c as f64)).count()
            };
            if errors.is_empty() && present < 2 {
                errors.push(RowError {
                    line: 0,
                    reason: "every point has the same label: classification needs two classes at least".into(),
                });
            }
            if pm {
                for r in &mut rows {
                    r.1[2] = if r.1[2] == 1.0 { 1.0 } else { 0.0 };
                }
            }
            Shape::Classes(classes)
        }
        _ => Shape::Regression,
    };
    if rows.len() < 2 && errors.is_empty() {
        errors.push(RowError { line: 0, reason: format!("{} rows of data; the lab needs two at least", rows.len()) });
    }
    if !errors.is_empty() {
        // in the file's order (a whole-file reason, line 0, last)
        errors.sort_by_key(|e| (e.line == 0, e.line));
        if errors.len() > MAX_ERRORS {
            let more = errors.len() - MAX_ERRORS;
            errors.truncate(MAX_ERRORS);
            errors.push(RowError { line: 0, reason: format!("and {more} more bad rows") });
        }
        return Err(errors);
    }
    let xs = rows.iter().map(|r| r.1[0]);
    let ys = rows.iter().map(|r| r.1[1]);
    let (x, y) = match shape {
        // the plane keeps the data's shape: one factor for both axes
        Shape::Classes(_) => {
            let (sx, sy) = (Scale::fit(xs), Scale::fit(ys));
            let factor = sx.factor.min(sy.factor);
            (Scale { factor, ..sx }, Scale { factor, ..sy })
        }
        Shape::Regression => (Scale::fit(xs), Scale::fit(ys)),
    };
    let points = rows
        .iter()
        .map(|(_, r)| match shape {
            Shape::Classes(_) => Point { x: x.apply(r[0]), y: y.apply(r[1]), label: r[2] },
            Shape::Regression => {
                let t = y.apply(r[1]);
                Point { x: x.apply(r[0]), y: t, label: t }
            }
        })
        .collect();
    Ok(Imported { shape, points, x, y, header })
}

impl Imported {
    /// The data as a data set's kind and points ([`super::DatasetConfig::own`]).
    pub fn into_own(self) -> (DatasetKind, OwnData) {
        let classes = match self.shape {
            Shape::Classes(k) => k,
            Shape::Regression => 0,
        };
        (DatasetKind::Own(classes), OwnData { classes, points: self.points, x: self.x, y: self.y, header: self.header })
    }
}

/// A data set as it stands, its added points too, training set first, as a CSV: one's own
/// data in the file's units (so it reads back to the same points), a built-in set in the
/// plane's.
pub fn dataset_csv(ds: &Dataset) -> String {
    let same = Scale { centre: 0.0, factor: 1.0 };
    let (x, y, header) = match &ds.config().own {
        Some(own) if matches!(ds.kind(), DatasetKind::Own(_)) => (own.x, own.y, own.header.clone()),
        _ => (same, same, None),
    };
    let shape = if ds.is_regression() { Shape::Regression } else { Shape::Classes(ds.classes()) };
    let points = ds.train().iter().chain(ds.test()).copied().collect();
    write_csv(&Imported { shape, points, x, y, header })
}

/// The points back as a CSV in the file's own units (`x,y,label` or `x,y`): what Export writes
/// for an imported set, and what [`read_csv`] reads back to the same points.
pub fn write_csv(data: &Imported) -> String {
    let mut out = match data.shape {
        Shape::Classes(_) => String::from("x,y,label\n"),
        Shape::Regression => String::from("x,y\n"),
    };
    for p in &data.points {
        let (x, y) = (data.x.undo(p.x), data.y.undo(p.y));
        match data.shape {
            Shape::Classes(_) => out.push_str(&format!("{x},{y},{}\n", p.label)),
            Shape::Regression => out.push_str(&format!("{x},{y}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_header_is_optional_and_labels_make_the_classes() {
        let with = read_csv("x,y,label\n1,2,0\n3,4,1\n").unwrap();
        let without = read_csv("1,2,0\n3,4,1\n").unwrap();
        assert_eq!(with.points, without.points);
        assert_eq!(with.header.as_deref(), Some(&["x".to_string(), "y".into(), "label".into()][..]));
        assert_eq!(with.shape, Shape::Classes(2));
        assert_eq!(read_csv("0,0,0\n1,1,1\n2,2,2").unwrap().shape, Shape::Classes(3));
        assert_eq!(read_csv("0,0,-1\n1,1,1").unwrap().points[0].label, 0.0, "−1/1 labels become 0/1");
        assert_eq!(read_csv("# a sine\nx,y\n0,0\n1,0.84\n2,0.91").unwrap().shape, Shape::Regression);
        // the plane: ±5, one factor for both axes of a classification
        let d = read_csv("0,0,0\n10,2,1").unwrap();
        assert_eq!((d.points[0].x, d.points[1].x), (-5.0, 5.0));
        assert_eq!((d.points[0].y, d.points[1].y), (-1.0, 1.0));
    }

    #[test]
    fn an_imported_set_with_added_points_exports_back() {
        let text = "x,y,label\n10,20,0\n30,40,1\n50,25,1\n20,35,0\n";
        let (kind, own) = read_csv(text).unwrap().into_own();
        let config =
            super::super::DatasetConfig { kind, test_fraction: 0.5, own: Some(own.clone()), ..Default::default() };
        let mut ds = Dataset::generate(&config).unwrap();
        assert_eq!((ds.train().len(), ds.test().len()), (2, 2), "split like the built-in sets");
        ds.add_point(own.x.apply(40.0), own.y.apply(30.0), 1.0).unwrap();
        let back = read_csv(&dataset_csv(&ds)).unwrap();
        let mut rows: Vec<(f64, f64, f64)> =
            back.points.iter().map(|p| (back.x.undo(p.x), back.y.undo(p.y), p.label)).collect();
        rows.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let near = |a: f64, b: f64| (a - b).abs() < 1e-9;
        let want = [(10.0, 20.0, 0.0), (20.0, 35.0, 0.0), (30.0, 40.0, 1.0), (40.0, 30.0, 1.0), (50.0, 25.0, 1.0)];
        assert_eq!(rows.len(), 5);
        for (r, w) in rows.iter().zip(want) {
            assert!(near(r.0, w.0) && near(r.1, w.1) && r.2 == w.2, "{rows:?}");
        }
    }

    #[test]
    fn bad_rows_are_named_by_line_with_the_reason() {
        let e = read_csv("x,y,label\n1,2,0\n\n3,four,1\n5,6\n7,8,5\nNaN,1,0\n").unwrap_err();
        let said: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                "line 4: “four” is not a finite number",
                "line 5: 2 fields where the file has 3",
                "line 6: the label 5 is not a class: labels are 0, 1 or 2",
                "line 7: “NaN” is not a finite number",
            ]
        );
        assert!(read_csv("1,1,1\n2,2,1").unwrap_err()[0].reason.contains("two classes"));
        assert!(read_csv("").unwrap_err()[0].reason.contains("two at least"));
        assert!(read_csv("1,2,3,4\n").unwrap_err()[0].reason.contains("4 fields"));
        let many: String =
            std::iter::once("x,y,label\n".to_string()).chain((0..50).map(|i| format!("{i},x,0\n"))).collect();
        let e = read_csv(&many).unwrap_err();
        assert_eq!(e.len(), 21);
        assert_eq!(e[20].reason, "and 30 more bad rows");
        let huge: String = (0..=MAX_POINTS).map(|i| format!("{i},{i},{}\n", i % 2)).collect();
        assert!(read_csv(&huge).unwrap_err().iter().any(|e| e.reason.contains("10000 points")));
    }

    proptest! {
        /// Export → import is the identity for the points (in the file's units and in the plane).
        #[test]
        fn export_then_import_gives_the_same_points(
            rows in prop::collection::vec((-1e6f64..1e6, -1e6f64..1e6, 0usize..3), 2..60),
            regression in any::<bool>(),
        ) {
            let text: String = if regression {
                rows.iter().map(|r| format!("{},{}\n", r.0, r.1)).collect()
            } else {
                // both classes present
                rows.iter().enumerate().map(|(i, r)| format!("{},{},{}\n", r.0, r.1, if i < 2 { i } else { r.2 })).collect()
            };
            let first = read_csv(&text).unwrap();
            let again = read_csv(&write_csv(&first)).unwrap();
            prop_assert_eq!(first.shape, again.shape);
            for (a, b) in first.points.iter().zip(&again.points) {
                prop_assert!((a.x - b.x).abs() <= 1e-9 * a.x.abs().max(1.0) && (a.y - b.y).abs() <= 1e-9 * a.y.abs().max(1.0));
                if regression {
                    prop_assert!((a.label - b.label).abs() <= 1e-9 * a.label.abs().max(1.0));
                } else {
                    prop_assert_eq!(a.label, b.label);
                }
            }
            prop_assert!(first.points.iter().all(|p| p.x.abs() <= EXTENT + 1e-9 && p.y.abs() <= EXTENT + 1e-9));
        }
    }
}
