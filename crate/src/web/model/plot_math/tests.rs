//! The plots' arithmetic, tested natively.
use super::*;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn colormap_ends_middle_and_odd_inputs() {
    assert_eq!(colormap(0.0), (0x44, 0x01, 0x54));
    assert_eq!(colormap(1.0), (0xfd, 0xe7, 0x25));
    assert_eq!(colormap(-3.0), colormap(0.0));
    assert_eq!(colormap(7.0), colormap(1.0));
    assert_eq!(colormap(f64::INFINITY), colormap(1.0));
    assert_eq!(colormap(0.5), (0x21, 0x90, 0x8c));
    let grey = colormap(f64::NAN);
    assert!(grey.0 > 200 && grey.1 > 200 && grey.2 > 200, "{grey:?}");
    // brightness rises along the map, so it reads in grey too
    let lum: Vec<f64> = (0..=20).map(|i| luminance(colormap(f64::from(i) / 20.0))).collect();
    assert!(lum.windows(2).all(|w| w[1] > w[0]), "{lum:?}");
}

#[test]
fn ranges_ignore_nan_and_infinity() {
    let (lo, hi) = data_range([1.0, f64::NAN, 3.0, f64::INFINITY, f64::NEG_INFINITY].into_iter(), false);
    assert!((0.8..1.0).contains(&lo), "{lo}");
    assert!(hi > 3.0 && hi <= 3.2, "{hi}");
    // non-negative data: the margin stops at 0
    assert_eq!(data_range([0.05, 2.0].into_iter(), false).0, 0.0);
    assert!(data_range([-1.0, 2.0].into_iter(), false).0 < -1.0);
}

#[test]
fn log_ranges_use_positive_values_only() {
    let (lo, hi) = data_range([-5.0, 0.0, 1e-4, 1.0, f64::NAN].into_iter(), true);
    assert!(lo > 0.0 && lo < 1e-4 && lo > 1e-5, "{lo}");
    assert!(hi > 1.0 && hi < 10.0, "{hi}");
    assert_eq!(data_range([-1.0, 0.0].into_iter(), true), (1.0, 10.0));
}

#[test]
fn empty_and_flat_data_give_usable_ranges() {
    assert_eq!(data_range(std::iter::empty(), false), (0.0, 1.0));
    assert_eq!(data_range(std::iter::empty(), true), (1.0, 10.0));
    assert_eq!(data_range([f64::NAN].into_iter(), false), (0.0, 1.0));
    let (lo, hi) = data_range([5.0, 5.0].into_iter(), false);
    assert!(lo < 5.0 && hi > 5.0);
    let (lo, hi) = data_range([0.0].into_iter(), false);
    assert!(lo < 0.0 && hi > 0.0);
    let (lo, hi) = data_range([0.3].into_iter(), true);
    assert!(lo < 0.3 && hi > 0.3 && lo > 0.0);
    let (lo, hi) = data_range([-1e308, 1e308, f64::MAX].into_iter(), false);
    assert!(lo.is_finite() && hi.is_finite() && lo < hi && (hi - lo).is_finite());
    let (lo, hi) = data_range([1.0, 1.0 + 1e-15].into_iter(), false);
    assert!(hi - lo > 0.1);
}

#[test]
fn given_ranges_are_cleaned() {
    assert_eq!(clean_range((3.0, 1.0), false), Some((1.0, 3.0)));
    assert_eq!(clean_range((f64::NAN, 1.0), false), None);
    assert_eq!(clean_range((0.0, 1.0), true), None);
    assert!(clean_range((2.0, 2.0), false).is_some_and(|(a, b)| a < 2.0 && b > 2.0));
    assert!(clean_range((2.0, 2.0), true).is_some_and(|(a, b)| a < 2.0 && b > 2.0 && a > 0.0));
    let a = Axis::new(Some((f64::INFINITY, 1.0)), [2.0, 4.0].into_iter(), false);
    assert!(a.lo < 2.0 && a.hi > 4.0);
}

#[test]
fn unit_mapping_round_trips_on_both_scales() {
    let lin = Axis { lo: -2.0, hi: 6.0, log: false };
    assert_eq!(lin.to_unit(2.0), 0.5);
    assert!(close(lin.from_unit(0.25), 0.0, 1e-12));
    let log = Axis { lo: 1e-4, hi: 1.0, log: true };
    assert!(close(log.to_unit(1e-2), 0.5, 1e-12));
    assert!(close(log.from_unit(0.75), 0.1, 1e-12));
    assert!(log.to_unit(0.0).is_nan());
    assert!(log.to_unit(-1.0).is_nan());
    assert!(lin.to_unit(f64::INFINITY).is_nan());
}

#[test]
fn linear_ticks_are_round_and_within_the_range() {
    let t = Axis { lo: 0.0, hi: 1.0, log: false }.ticks(6);
    assert_eq!(t.labels, ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
    let t = Axis { lo: -0.07, hi: 3.3, log: false }.ticks(5);
    assert_eq!(t.labels, ["0", "1", "2", "3"]);
    let t = Axis { lo: 0.0, hi: 250000.0, log: false }.ticks(4);
    assert_eq!(t.labels, ["0", "1e5", "2e5"]);
    let t = Axis { lo: 0.0, hi: 0.0005, log: false }.ticks(4);
    assert_eq!(t.labels, ["0", "2e-4", "4e-4"]);
    let t = Axis { lo: -1.0, hi: 1.0, log: false }.ticks(3);
    assert_eq!(t.labels, ["-1", "0", "1"]);
    for max in 2..12 {
        let t = Axis { lo: 0.37, hi: 9.1, log: false }.ticks(max);
        assert!(t.major.len() <= max && t.major.len() >= if max >= 4 { 2 } else { 1 }, "{max}: {:?}", t.major);
        assert!(t.major.iter().all(|v| (0.37..=9.1).contains(v)));
        assert_eq!(t.major.len(), t.labels.len());
    }
}

#[test]
fn log_ticks_are_decades_or_one_two_five() {
    let t = Axis { lo: 1e-5, hi: 1.0, log: true }.ticks(8);
    assert_eq!(t.labels, ["1e-5", "1e-4", "0.001", "0.01", "0.1", "1"]);
    assert!(t.minor.contains(&2e-5) && t.minor.contains(&0.5));
    // too many decades for the room: every other one is labelled
    let t = Axis { lo: 1e-8, hi: 1e2, log: true }.ticks(6);
    assert!(t.major.len() <= 6 && t.major.len() >= 3, "{:?}", t.labels);
    assert!(t.minor.contains(&1e-7) || t.minor.contains(&1e-8));
    let t = Axis { lo: 0.15, hi: 3.0, log: true }.ticks(8);
    assert_eq!(t.labels, ["0.2", "0.5", "1", "2"]);
    // two decades: 1, 2, 5 if there is room, else the decades
    let t = Axis { lo: 0.02, hi: 2.2, log: true }.ticks(8);
    assert_eq!(t.labels, ["0.02", "0.05", "0.1", "0.2", "0.5", "1", "2"]);
    let t = Axis { lo: 0.02, hi: 2.2, log: true }.ticks(4);
    assert_eq!(t.labels, ["0.1", "1"]);
    // shorter than 1-2-5 can label: linear steps
    let t = Axis { lo: 2.6, hi: 4.4, log: true }.ticks(8);
    assert!(t.major.len() >= 2, "{:?}", t.labels);
    assert!(t.major.iter().all(|v| (2.6..=4.4).contains(v)));
}

#[test]
fn values_format_short() {
    assert_eq!(format_value(0.0), "0");
    assert_eq!(format_value(1.5), "1.5");
    assert_eq!(format_value(123.456), "123");
    assert_eq!(format_value(0.012345), "0.0123");
    assert_eq!(format_value(2.0e-6), "2e-6");
    assert_eq!(format_value(1.234e7), "1.23e7");
    assert_eq!(format_value(-0.5), "-0.5");
    assert_eq!(format_value(f64::NAN), "NaN");
    assert_eq!(format_value(f64::INFINITY), "∞");
}

#[test]
fn clipping_keeps_the_inside_part() {
    assert_eq!(clip_segment((0.2, 0.2), (0.8, 0.6)), Some(((0.2, 0.2), (0.8, 0.6))));
    let (a, b) = clip_segment((-1.0, 0.5), (2.0, 0.5)).unwrap_or_default();
    assert!(close(a.0, 0.0, 1e-12) && close(b.0, 1.0, 1e-12));
    assert_eq!(clip_segment((1.5, 0.0), (1.5, 1.0)), None);
    assert_eq!(clip_segment((-1.0, 0.5), (0.5, 3.0)), None);
    assert_eq!(clip_segment((f64::NAN, 0.5), (0.5, 0.5)), None);
}

#[test]
fn polylines_split_at_gaps_and_the_border() {
    let pts = [(0.0, 0.0), (0.5, 0.5), (f64::NAN, 0.5), (0.6, 0.6), (0.7, 0.7), (0.8, 2.0), (0.9, 0.5)];
    let lines = polylines(&pts);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], vec![(0.0, 0.0), (0.5, 0.5)]);
    assert_eq!(lines[1].len(), 3);
    assert!(close(lines[1][2].1, 1.0, 1e-12));
    assert!(close(lines[2][0].1, 1.0, 1e-12));
    // a lone point between gaps is kept for a dot
    let lines = polylines(&[(f64::NAN, 0.0), (0.5, 0.5), (0.6, f64::INFINITY)]);
    assert_eq!(lines, vec![vec![(0.5, 0.5)]]);
    assert!(polylines(&[]).is_empty());
}

#[test]
fn legend_goes_where_the_lines_are_not() {
    // a falling loss curve fills the upper left: the legend goes upper right
    let falling = vec![vec![(0.0, 1.0), (0.1, 0.3), (1.0, 0.0)]];
    assert_eq!(emptiest_corner(&falling, 0.3, 0.3), Corner::UpperRight);
    // a rising curve fills the upper right
    let rising = vec![vec![(0.0, 0.0), (0.9, 0.1), (1.0, 1.0)]];
    assert_eq!(emptiest_corner(&rising, 0.3, 0.3), Corner::UpperLeft);
    // a long segment through a corner counts even without a point there
    let through = vec![vec![(0.5, 1.0), (1.0, 0.5)], vec![(0.0, 0.9), (0.2, 1.0)]];
    assert_eq!(emptiest_corner(&through, 0.3, 0.3), Corner::LowerRight);
}

#[test]
fn contour_of_a_circle_lies_on_the_circle() {
    // v = (x − 10)² + (y − 10)² on a 21 × 21 grid; the level r² is a circle of radius r
    let grid: Vec<Vec<f64>> =
        (0..21).map(|r| (0..21).map(|c| f64::from(c - 10).powi(2) + f64::from(r - 10).powi(2)).collect()).collect();
    for radius in [3.3, 6.0, 6.1, 8.7] {
        let segs = contour_segments(&grid, radius * radius);
        assert!(segs.len() > 10, "{radius}: {}", segs.len());
        for (a, b) in &segs {
            for p in [a, b] {
                let d = (p.0 - 10.0).hypot(p.1 - 10.0);
                assert!((d - radius).abs() < 0.15, "{radius}: point {p:?} at {d}");
            }
        }
        // the pieces close up into a loop: every end meets another piece's end (6.0 passes
        // through grid points exactly on the level, which leave zero-length pieces)
        if radius == 6.0 {
            continue;
        }
        let ends: Vec<Unit> = segs.iter().flat_map(|(a, b)| [*a, *b]).collect();
        for e in &ends {
            let meets = ends.iter().filter(|f| close(f.0, e.0, 1e-9) && close(f.1, e.1, 1e-9)).count();
            assert_eq!(meets, 2, "{radius}: {e:?}");
        }
    }
}

#[test]
fn joined_contours_are_whole_loops() {
    let grid: Vec<Vec<f64>> =
        (0..21).map(|r| (0..21).map(|c| f64::from(c - 10).powi(2) + f64::from(r - 10).powi(2)).collect()).collect();
    let segs = contour_segments(&grid, 6.1 * 6.1);
    let lines = join_segments(&segs);
    assert_eq!(lines.len(), 1, "{}", lines.len());
    let line = &lines[0];
    assert_eq!(line.len(), segs.len() + 1);
    assert_eq!(line.first(), line.last());
    // two separate circles stay two lines; no piece is lost or used twice
    let two: Vec<Vec<f64>> = (0..21)
        .map(|r| (0..41).map(|c| f64::from((c % 20) - 10).powi(2) + f64::from(r - 10).powi(2)).collect())
        .collect();
    let segs = contour_segments(&two, 9.5);
    let lines = join_segments(&segs);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines.iter().map(|l| l.len() - 1).sum::<usize>(), segs.len());
    assert!(join_segments(&[]).is_empty());
}

#[test]
fn contour_skips_bad_cells_and_handles_saddles() {
    let mut grid = vec![vec![0.0, 1.0, 0.0], vec![1.0, f64::NAN, 1.0], vec![0.0, 1.0, 0.0]];
    assert!(contour_segments(&grid, 0.5).is_empty());
    grid[1][1] = 0.9;
    assert!(!contour_segments(&grid, 0.5).is_empty());
    // a saddle cell gives two pieces that do not cross
    let saddle = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
    assert_eq!(contour_segments(&saddle, 0.5).len(), 2);
    assert_eq!(contour_segments(&saddle, f64::NAN).len(), 0);
    // ragged and empty grids do not panic
    assert!(contour_segments(&[vec![0.0, 1.0, 2.0], vec![0.0]], 0.5).is_empty());
    assert!(contour_segments(&[], 0.5).is_empty());
}

#[test]
fn levels_crowd_toward_the_minimum() {
    let grid = vec![vec![2.0, f64::NAN, 102.0], vec![f64::INFINITY, 50.0, 3.0]];
    let levels = contour_levels(&grid, 12);
    assert_eq!(levels.len(), 12);
    assert!(levels.iter().all(|&l| l > 2.0 && l < 102.0), "{levels:?}");
    let gaps: Vec<f64> = levels.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.windows(2).all(|g| g[1] > g[0]), "{gaps:?}");
    assert!(levels[0] - 2.0 < 0.5);
    assert!(contour_levels(&[vec![1.0, 1.0]], 5).is_empty());
    assert!(contour_levels(&[vec![f64::NAN]], 5).is_empty());
}

#[test]
fn valley_scale_spreads_the_floor() {
    assert_eq!(valley_t(0.0, 0.0, 100.0), 0.0);
    assert!(close(valley_t(100.0, 0.0, 100.0), 1.0, 1e-12));
    // 1 % of the way up is a third of the colours, 10 % two thirds
    assert!(valley_t(1.0, 0.0, 100.0) > 0.3);
    assert!(valley_t(10.0, 0.0, 100.0) > 0.6);
    assert!(valley_t(f64::NAN, 0.0, 1.0).is_nan());
    assert_eq!(valley_t(3.0, 3.0, 0.0), 0.5);
}

#[test]
fn colour_scales_clamp_and_log() {
    let grid = vec![vec![-1.0, 0.0, 0.01], vec![f64::NAN, 1.0, 100.0]];
    assert_eq!(color_scale(&grid, None, false), (-1.0, 100.0, false));
    assert_eq!(color_scale(&grid, None, true), (0.01, 100.0, true));
    assert_eq!(color_scale(&grid, Some((5.0, 0.5)), false), (0.5, 5.0, false));
    assert_eq!(color_scale(&[vec![-1.0]], None, true), (-1.0, -1.0, false));
    assert!(close(color_t(1.0, 0.01, 100.0, true), 0.5, 1e-12));
    assert_eq!(color_t(-3.0, 0.01, 100.0, true), 0.0);
    assert_eq!(color_t(1e9, 0.0, 1.0, false), 1.0);
    assert_eq!(color_t(2.0, 2.0, 2.0, false), 0.5);
    assert!(color_t(f64::INFINITY, 0.0, 1.0, false).is_nan());
}

#[test]
fn cell_axes_centre_the_samples() {
    let a = Axis::cells((1e-4, 1.0), 5, true);
    for i in 0..5 {
        let centre = a.from_unit((i as f64 + 0.5) / 5.0);
        let want = 10f64.powi(i - 4);
        assert!(close(centre.log10(), want.log10(), 1e-9), "{i}: {centre}");
    }
    let a = Axis::cells((0.0, 4.0), 5, false);
    assert!(close(a.lo, -0.5, 1e-12) && close(a.hi, 4.5, 1e-12));
    let one = Axis::cells((3.0, 3.0), 1, false);
    assert!(one.lo < 3.0 && one.hi > 3.0);
}

#[test]
fn frames_map_pixels_both_ways() {
    let f = Frame {
        left: 50.0,
        right: 350.0,
        top: 10.0,
        bottom: 210.0,
        x: Axis { lo: 1e-3, hi: 1.0, log: true },
        y: Axis { lo: 0.0, hi: 2.0, log: false },
        scale: 1.0,
    };
    let (px, py) = f.to_px(0.01, 0.5);
    assert!(close(px, 150.0, 1e-9) && close(py, 160.0, 1e-9));
    let (x, y) = f.to_data(px, py).unwrap_or_default();
    assert!(close(x, 0.01, 1e-12) && close(y, 0.5, 1e-12));
    assert_eq!(f.to_data(49.0, 100.0), None);
    assert_eq!(f.to_data(100.0, 211.0), None);
    assert_eq!(f.to_data(f64::NAN, 100.0), None);
    // a 4 × 3 heatmap: bottom-left and top-right cells, and the far edge
    assert_eq!(f.cell(51.0, 209.0, 4, 3), Some((0, 0)));
    assert_eq!(f.cell(349.0, 11.0, 4, 3), Some((3, 2)));
    assert_eq!(f.cell(350.0, 10.0, 4, 3), Some((3, 2)));
    assert_eq!(f.cell(351.0, 100.0, 4, 3), None);
    assert_eq!(f.cell(100.0, 100.0, 0, 3), None);
}

#[test]
fn neighbouring_rates_get_labels_that_tell_them_apart() {
    // three rates a sweep of 24 from 1e-4 to 10 puts near 0.01
    let rates: Vec<f64> = (0..24).map(|k| 1e-4 * (1e5f64).powf(k as f64 / 23.0)).collect();
    let labels = distinct_labels(&rates);
    assert!(labels.windows(2).all(|w| w[0] != w[1]), "{labels:?}");
    assert_eq!(labels[0], "0.0001");
    assert_eq!(distinct_labels(&[0.0100, 0.0101, 0.0102]), ["0.01", "0.0101", "0.0102"]);
    assert_eq!(distinct_labels(&[1.0, 2.0]), ["1", "2"]);
    assert_eq!(sig(2e-7, 6), "2e−7");
    assert_eq!(sig(-0.1966119, 6), "−0.196612");
    assert_eq!(sig(1234567.0, 6), "1.23457e6");
}

proptest::proptest! {
    /// Whatever the sorted distinct rates, the labels differ from their neighbours (up to what
    /// 8 digits can tell) and each reads back within the 5% two digits allow.
    #[test]
    fn distinct_labels_differ_and_read_back(mut v in proptest::collection::vec(1e-6f64..100.0, 2..40)) {
        v.sort_by(f64::total_cmp);
        v.dedup_by(|a, b| (*a - *b).abs() <= 1e-7 * a.abs());
        let labels = distinct_labels(&v);
        for (l, x) in labels.iter().zip(&v) {
            let back: f64 = l.replace('−', "-").parse().unwrap();
            proptest::prop_assert!((back - x).abs() <= 0.05 * x.abs(), "{} for {}", l, x);
        }
        proptest::prop_assert!(labels.windows(2).all(|w| w[0] != w[1]), "{:?}", labels);
    }
}
