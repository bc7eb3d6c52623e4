//! Charts on a `<canvas>`, drawn with plotters: line charts (linear or log axes, gaps where a
//! value is missing, marks, a legend put where it hides the least), heatmaps with a colour bar,
//! and contour plots with a gradient-descent path on top. Each returns the [`Frame`] it drew
//! in, to map clicks back to data. The numbers (ranges, ticks, colours, clipping, contour
//! lines) are in `plot_math`, tested natively; this file only draws. wasm only.
//!
//! Text is 12 px (ticks, legends), 13 px (axis names) and 14 px (titles) in CSS pixels: when
//! the canvas has more pixels than it shows (a high-density screen, or CSS shrinking it), every
//! size is scaled up by that ratio so the text reads the same on screen.

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use std::ops::Range;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::web::model::plot_math::{self as pm, Corner, Rgb, Unit};
pub use crate::web::model::plot_math::{Axis, Frame, DIVERGED, GOOD, NEUTRAL, PALETTE, TEST, TRAIN};

/// One line of a line chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Series {
    /// Shown in the legend (no legend entry if empty).
    pub label: String,
    /// Non-finite points (and ≤ 0 ones on a log axis) are skipped and split the line.
    pub points: Vec<(f64, f64)>,
    pub color: (u8, u8, u8),
    pub style: Style,
}

/// How a [`Series`] is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Style {
    /// A line through the points in order (a point alone between gaps gets a dot).
    #[default]
    Line,
    /// The line and a small dot at every point.
    LineAndDots,
    /// Dots only: a scatter plot, for points in no particular order.
    Dots,
}

/// How a [`Mark`] is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MarkKind {
    #[default]
    Cross,
    Dot,
    /// A dashed vertical line at x across the whole plot (y is ignored).
    VLine,
}

/// A single highlighted point or x position (a suggested learning rate, a minimum…).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mark {
    pub x: f64,
    pub y: f64,
    /// Shown in the legend (no legend entry if empty).
    pub label: String,
    pub color: (u8, u8, u8),
    pub kind: MarkKind,
}

/// A line chart: curves against a linear or log x and y.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub log_x: bool,
    pub log_y: bool,
    /// Axis ranges; None = from the data (finite points only, with a small margin; on a log
    /// axis from positive values only; a degenerate range is widened). The y range from the
    /// data only counts points whose x is inside the x range.
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    pub series: Vec<Series>,
    /// Drawn over the series; their labels go in the legend too.
    pub marks: Vec<Mark>,
}

/// A grid of values as coloured cells (e.g. final loss over learning rate × batch size).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Heatmap {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// values[row][col]; row 0 at the bottom. Non-finite cells are drawn hatched in the
    /// diverged red, with a "diverged" key above the plot.
    pub values: Vec<Vec<f64>>,
    /// The x of the first and last column's centres (and y of the first and last row's):
    /// the cells are evenly spaced between them (in log space on a log axis), and the axes
    /// reach half a cell further.
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub log_x: bool,
    pub log_y: bool,
    /// Colour by the log of the value (values ≤ 0 shown as the smallest positive one).
    pub log_color: bool,
    /// Colour-scale ends (lo, hi); values beyond take the end colours. None = the finite
    /// min/max of the data.
    pub clamp: Option<(f64, f64)>,
}

/// A two-parameter loss as filled colour and contour lines, with a descent path on top.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Contour {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// values[row][col] sampled on an n×m grid over the ranges, ends included: column 0 at
    /// x_range.0, the last at x_range.1; row 0 at the bottom (y_range.0).
    pub values: Vec<Vec<f64>>,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    /// Drawn on top, each with a dot at each iterate, the start circled, the last point
    /// crossed; the canvas's `data-paths` says how many have points.
    pub paths: Vec<ContourPath>,
    /// Arrows drawn over the paths (the parts of one update), each in the legend.
    pub arrows: Vec<ContourArrow>,
    /// Marked with a green star, "minimum" in the legend.
    pub minimum: Option<(f64, f64)>,
}

/// One path on a contour plot: its iterates, its legend entry (none if empty) and colour.
#[derive(Clone, Debug, PartialEq)]
pub struct ContourPath {
    pub points: Vec<(f64, f64)>,
    pub label: String,
    pub color: Rgb,
}

/// An arrow on a contour plot, in data coordinates, with its legend entry.
#[derive(Clone, Debug, PartialEq)]
pub struct ContourArrow {
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub label: String,
    pub color: Rgb,
}

/// Tick labels and legends (CSS px).
const TICK_PX: f64 = 12.0;
/// Axis names.
const AXIS_PX: f64 = 13.0;
/// Titles.
const TITLE_PX: f64 = 14.0;
/// Width of a character as a fraction of the font size, to size label areas before drawing,
/// when the font can't be measured (a little over the digits of common sans-serif fonts).
const CHAR_EM: f64 = 0.62;

const INK: RGBColor = RGBColor(0x11, 0x18, 0x27);
const INK_SOFT: RGBColor = RGBColor(0x37, 0x41, 0x51);
const AXIS_LINE: RGBColor = RGBColor(0x9c, 0xa3, 0xaf);
const INK_RGB: Rgb = (0x11, 0x18, 0x27);

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn stroke(c: Rgb, width: u32) -> ShapeStyle {
    ShapeStyle { color: rgb(c).to_rgba(), filled: false, stroke_width: width }
}

fn fill(c: Rgb) -> ShapeStyle {
    ShapeStyle { color: rgb(c).to_rgba(), filled: true, stroke_width: 0 }
}

fn drawing_error<E: std::fmt::Display>(e: E) -> String {
    format!("plot: {e}")
}

/// The canvas being drawn on: its drawing area, size in canvas pixels, and canvas pixels per
/// CSS pixel (`s`), which every size in CSS pixels is multiplied by.
struct Surface<DB: DrawingBackend> {
    root: DrawingArea<DB, Shift>,
    w: i32,
    h: i32,
    s: f64,
    /// Canvas pixels per CSS pixel as displayed (`s` is this kept within 1…4), for clicks.
    ratio: f64,
    /// Width of a character of tick labels as a fraction of the font size, measured once.
    em: f64,
}

impl Surface<CanvasBackend> {
    /// Clears the canvas to white, or says why it can't be drawn on.
    fn open(canvas: &HtmlCanvasElement) -> Result<Surface<CanvasBackend>, String> {
        let (w, h) = (canvas.width(), canvas.height());
        let css_w = canvas.client_width();
        let ratio = if css_w > 0 { f64::from(w) / f64::from(css_w) } else { 1.0 };
        let s = ratio.clamp(1.0, 4.0);
        if f64::from(w) < 160.0 * s || f64::from(h) < 100.0 * s {
            return Err(format!("plot: the canvas is too small to draw on ({w}×{h})"));
        }
        let (wi, hi) = (i32::try_from(w).map_err(drawing_error)?, i32::try_from(h).map_err(drawing_error)?);
        let backend = CanvasBackend::with_canvas_object(canvas.clone())
            .ok_or_else(|| "plot: the canvas has no 2-D context".to_string())?;
        Surface::on(backend.into_drawing_area(), wi, hi, s, ratio)
    }
}

impl<'b> Surface<SVGBackend<'b>> {
    /// An SVG of `w × h` CSS pixels written into `out` (the file a plot's Download SVG saves).
    fn svg(out: &'b mut String, w: u32, h: u32) -> Result<Surface<SVGBackend<'b>>, String> {
        let root = SVGBackend::with_string(out, (w, h)).into_drawing_area();
        Surface::on(root, i32::try_from(w).map_err(drawing_error)?, i32::try_from(h).map_err(drawing_error)?, 1.0, 1.0)
    }
}

impl<DB: DrawingBackend> Surface<DB> {
    /// A surface on a drawing area, cleared to white.
    fn on(root: DrawingArea<DB, Shift>, w: i32, h: i32, s: f64, ratio: f64) -> Result<Surface<DB>, String> {
        root.fill(&WHITE).map_err(drawing_error)?;
        let mut sf = Surface { root, w, h, s, ratio, em: CHAR_EM };
        // tick labels are digits, '.', '-' and 'e': one measurement sizes them all
        let sample = "0123456789.-e";
        let measured = sf.measure(sample, TICK_PX, false) / (sample.len() as f64 * TICK_PX * s);
        sf.em = if (0.3..1.0).contains(&measured) { measured } else { CHAR_EM };
        Ok(sf)
    }

    /// A length in CSS pixels as whole canvas pixels.
    fn px(&self, css: f64) -> i32 {
        (css * self.s).round() as i32
    }

    /// A line width in CSS pixels as canvas pixels (at least 1).
    fn width(&self, css: f64) -> u32 {
        (css * self.s).round().max(1.0) as u32
    }

    fn font(&self, css: f64) -> FontDesc<'static> {
        FontDesc::new(FontFamily::SansSerif, css * self.s, FontStyle::Normal)
    }

    /// Estimated width of `text` at a font size in CSS pixels, in canvas pixels (for tick
    /// labels: no layout work, so live charts stay cheap).
    fn text_w(&self, text: &str, css: f64) -> f64 {
        text.chars().count() as f64 * css * self.em * self.s
    }

    /// Width of `text` as the browser lays it out, in canvas pixels (falls back to the
    /// estimate). Bold is measured as regular by plotters, so it gets a tenth more.
    fn measure(&self, text: &str, css: f64, bold: bool) -> f64 {
        let style = TextStyle::from(self.font(css));
        match self.root.estimate_text_size(text, &style) {
            Ok((w, _)) if w > 0 || text.is_empty() => f64::from(w) * if bold { 1.1 } else { 1.0 },
            _ => text.chars().count() as f64 * css * CHAR_EM * self.s,
        }
    }

    fn text(&self, text: &str, at: (i32, i32), css: f64, color: &'static RGBColor, pos: Pos) -> Result<(), String> {
        let style = self.font(css).color(color).pos(pos);
        self.root.draw(&Text::new(text.to_string(), at, style)).map_err(drawing_error)
    }
}

/// A bold `text` cut (with "…") to at most `max_w` canvas pixels, so it does not run into its
/// neighbours.
fn fit<DB: DrawingBackend>(sf: &Surface<DB>, text: &str, css: f64, max_w: f64) -> String {
    let full = sf.measure(text, css, true);
    if full <= max_w {
        return text.to_string();
    }
    let n = text.chars().count();
    let mut keep = ((max_w / full.max(1.0)) * n as f64).floor() as usize;
    loop {
        let mut out: String = text.chars().take(keep.saturating_sub(1)).collect();
        out.push('…');
        if keep <= 1 || sf.measure(&out, css, true) <= max_w {
            return out;
        }
        keep -= 1;
    }
}

/// An axis as plotters sees it: positions in unit coordinates (see `plot_math`) carrying our
/// own ticks and labels, so linear and log axes are one type and lines are clipped to the
/// plot before they are drawn (plotters does not clip).
struct UnitAxis {
    major: Vec<f64>,
    labels: Vec<String>,
    minor: Vec<f64>,
}

impl UnitAxis {
    /// The ticks of `axis` in unit coordinates; minor ticks are dropped when any two grid
    /// lines would come closer than `min_gap` (a fraction of the axis length).
    fn new(axis: &Axis, ticks: &pm::Ticks, min_gap: f64) -> UnitAxis {
        let (major, labels): (Vec<f64>, Vec<String>) = ticks
            .major
            .iter()
            .zip(&ticks.labels)
            .map(|(v, l)| (axis.to_unit(*v), l.clone()))
            .filter(|(u, _)| u.is_finite())
            .unzip();
        let mut minor: Vec<f64> = ticks.minor.iter().map(|v| axis.to_unit(*v)).filter(|u| u.is_finite()).collect();
        let mut all: Vec<f64> = major.iter().chain(&minor).copied().collect();
        all.sort_by(f64::total_cmp);
        if all.windows(2).any(|w| matches!(w, [a, b] if b - a < min_gap)) {
            minor.clear();
        }
        UnitAxis { major, labels, minor }
    }
}

impl Ranged for UnitAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let u = if value.is_finite() { value.clamp(-1.0, 2.0) } else { 0.0 };
        (f64::from(limit.0) + u * f64::from(limit.1 - limit.0)).round() as i32
    }

    /// The labelled ticks for the bold grid; with the minor ones for the light grid.
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.major.iter().chain(&self.minor).copied().collect()
        } else {
            self.major.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        0.0..1.0
    }
}

impl ValueFormatter<f64> for UnitAxis {
    fn format_ext(&self, value: &f64) -> String {
        self.major
            .iter()
            .position(|m| (m - value).abs() < 1e-12)
            .and_then(|i| self.labels.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<UnitAxis, UnitAxis>>;

/// What goes around a plot: title, axis names, and room kept free at the right (CSS px) and,
/// when `note` is given, a short key drawn at the right end of the title row.
struct Around<'t> {
    title: &'t str,
    x_label: &'t str,
    y_label: &'t str,
    right: f64,
    note: Option<&'t str>,
}

/// Draws the title, axes, grid and tick labels, and returns the chart to draw into (in unit
/// coordinates) with its frame. Label areas are sized from the tick labels they will hold.
fn axes<'a, DB: DrawingBackend>(
    sf: &'a Surface<DB>,
    f: &Around,
    x: Axis,
    y: Axis,
) -> Result<(Chart<'a, DB>, Frame), String> {
    // title row: title at the left, the note (a colour key) at the right
    let has_top = !f.title.is_empty() || f.note.is_some();
    let top = if has_top { sf.px(8.0 + TITLE_PX + 8.0) } else { sf.px(10.0) };
    let mut note_w = 0.0;
    if let Some(note) = f.note {
        note_w = sf.measure(note, TICK_PX, false) + f64::from(sf.px(16.0));
        let (tx, ty) = (sf.w - sf.px(10.0), sf.px(8.0));
        sf.text(note, (tx, ty), TICK_PX, &INK_SOFT, Pos::new(HPos::Right, VPos::Top))?;
        // a hatched red swatch, as the diverged cells are drawn
        let (x0, y0) = (tx - (note_w as i32) + sf.px(2.0), ty + sf.px(2.0));
        let (x1, y1) = (x0 + sf.px(10.0), y0 + sf.px(10.0));
        sf.root
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], fill(pm::lighten(DIVERGED, 0.55))))
            .map_err(drawing_error)?;
        sf.root
            .draw(&PathElement::new(vec![(x0, y1), (x1, y0)], stroke(DIVERGED, sf.width(1.5))))
            .map_err(drawing_error)?;
    }
    if !f.title.is_empty() {
        let room = f64::from(sf.w) - f64::from(sf.px(20.0)) - note_w;
        let title = fit(sf, f.title, TITLE_PX, room);
        let style = sf.font(TITLE_PX).style(FontStyle::Bold).color(&INK).pos(Pos::new(HPos::Left, VPos::Top));
        sf.root.draw(&Text::new(title, (sf.px(8.0), sf.px(7.0)), style)).map_err(drawing_error)?;
    }

    let tick_gap = 4.0; // tick mark length; labels sit twice that from the axis
    let x_area = sf.px(2.0 * tick_gap + TICK_PX + 4.0 + if f.x_label.is_empty() { 0.0 } else { AXIS_PX + 5.0 });
    let bottom = sf.px(4.0);
    let plot_h = f64::from(sf.h - top - x_area - bottom);
    let y_max = (plot_h / f64::from(sf.px(30.0))).floor().clamp(3.0, 9.0) as usize;
    let y_ticks = y.ticks(y_max);
    let widest = y_ticks.labels.iter().map(|l| sf.text_w(l, TICK_PX)).fold(0.0, f64::max);
    let y_area = (widest
        + f64::from(sf.px(2.0 * tick_gap + 4.0 + if f.y_label.is_empty() { 0.0 } else { AXIS_PX + 5.0 })))
    .ceil() as i32;
    let (left, right) = (sf.px(4.0), sf.px(16.0 + f.right));
    let plot_w = f64::from(sf.w - left - y_area - right);
    if plot_w < f64::from(sf.px(40.0)) || plot_h < f64::from(sf.px(30.0)) {
        return Err(format!("plot: the canvas is too small to draw on ({}×{})", sf.w, sf.h));
    }
    // as many x ticks as fit with their labels side by side
    let x_ticks = (3..=12)
        .rev()
        .map(|n| x.ticks(n))
        .find(|t| {
            let need: f64 = t.labels.iter().map(|l| sf.text_w(l, TICK_PX) + f64::from(sf.px(24.0))).sum();
            need <= plot_w
        })
        .unwrap_or_else(|| x.ticks(2));

    let mut chart = ChartBuilder::on(&sf.root)
        .margin_top(top)
        .margin_bottom(bottom)
        .margin_left(left)
        .margin_right(right)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            UnitAxis::new(&x, &x_ticks, f64::from(sf.px(5.0)) / plot_w),
            UnitAxis::new(&y, &y_ticks, f64::from(sf.px(5.0)) / plot_h),
        )
        .map_err(drawing_error)?;
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(x_ticks.major.len().max(1))
        .y_labels(y_ticks.major.len().max(1))
        .bold_line_style(BLACK.mix(0.10))
        .light_line_style(BLACK.mix(0.04))
        .axis_style(AXIS_LINE)
        .set_all_tick_mark_size(sf.px(tick_gap))
        .label_style(sf.font(TICK_PX).color(&INK_SOFT))
        .axis_desc_style(sf.font(AXIS_PX).color(&INK));
    if !f.x_label.is_empty() {
        mesh.x_desc(f.x_label);
    }
    if !f.y_label.is_empty() {
        mesh.y_desc(f.y_label);
    }
    mesh.draw().map_err(drawing_error)?;

    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let frame = Frame {
        left: f64::from(xr.start),
        right: f64::from(xr.end - 1),
        top: f64::from(yr.start),
        bottom: f64::from(yr.end - 1),
        x,
        y,
        scale: sf.ratio,
    };
    Ok((chart, frame))
}

fn legend_position(c: Corner) -> SeriesLabelPosition {
    match c {
        Corner::UpperRight => SeriesLabelPosition::UpperRight,
        Corner::UpperLeft => SeriesLabelPosition::UpperLeft,
        Corner::LowerRight => SeriesLabelPosition::LowerRight,
        Corner::LowerLeft => SeriesLabelPosition::LowerLeft,
    }
}

/// Draws the legend (if any entry has a label) in the corner where it covers least of `drawn`
/// (unit coordinates).
fn legend<'a, DB: DrawingBackend + 'a>(
    sf: &Surface<DB>,
    chart: &mut Chart<'a, DB>,
    frame: &Frame,
    labels: &[&str],
    drawn: &[Vec<Unit>],
) -> Result<(), String> {
    let labels: Vec<&&str> = labels.iter().filter(|l| !l.is_empty()).collect();
    if labels.is_empty() {
        return Ok(());
    }
    let widest = labels.iter().map(|l| sf.text_w(l, TICK_PX)).fold(0.0, f64::max);
    let (box_w, box_h) =
        (widest + f64::from(sf.px(40.0)), labels.len() as f64 * TICK_PX * 1.3 * sf.s + f64::from(sf.px(16.0)));
    let (plot_w, plot_h) = ((frame.right - frame.left).max(1.0), (frame.bottom - frame.top).max(1.0));
    let corner = pm::emptiest_corner(drawn, box_w / plot_w, box_h / plot_h);
    chart
        .configure_series_labels()
        .position(legend_position(corner))
        .margin(sf.px(5.0))
        .legend_area_size(sf.px(22.0))
        .label_font(sf.font(TICK_PX).color(&INK))
        .background_style(WHITE.mix(0.88))
        .border_style(AXIS_LINE.mix(0.6))
        .draw()
        .map_err(drawing_error)
}

/// Draws a line chart on the canvas (cleared to white first) and returns where it drew. Sizes
/// come from the canvas's width/height attributes. Errors (a canvas without a 2-D context or
/// too small to hold a plot, a plotters error) come back as a message; odd data (empty series,
/// NaN, ∞, all values equal) never panics.
pub fn line_chart(canvas: &HtmlCanvasElement, chart: &LineChart) -> Result<Frame, String> {
    // a Download SVG of this canvas waiting: the same chart at the size it is shown, as SVG
    let wanted = SVG_WANTED.with(|w| w.borrow().as_ref().is_some_and(|(id, _)| *id == canvas.id()));
    if wanted {
        let mut out = String::new();
        let (w, h) = (canvas.client_width().max(1) as u32, canvas.client_height().max(1) as u32);
        let drawn =
            Surface::svg(&mut out, w.max(320), h.max(200)).and_then(|sf| draw_line_chart(&sf, chart).map(|_| ()));
        if drawn.is_ok() {
            SVG_WANTED.with(|w| {
                if let Some((_, got)) = w.borrow_mut().as_mut() {
                    *got = Some(out);
                }
            });
        }
    }
    // what is drawn, for scripts and tests: the series' labels, one per line
    let labels: Vec<&str> = chart.series.iter().map(|s| s.label.as_str()).collect();
    let _ = canvas.set_attribute("data-series", &labels.join("\n"));
    draw_line_chart(&Surface::open(canvas)?, chart)
}

thread_local! {
    /// The canvas a Download SVG waits for, and the SVG once its chart is drawn.
    static SVG_WANTED: std::cell::RefCell<Option<(String, Option<String>)>> = const { std::cell::RefCell::new(None) };
}

/// The SVG of the line chart on canvas `id`, drawn by `draw` (which draws the figure's plots):
/// None when that canvas holds no line chart now.
pub fn line_chart_svg(id: &str, draw: impl FnOnce()) -> Option<String> {
    SVG_WANTED.with(|w| *w.borrow_mut() = Some((id.to_string(), None)));
    draw();
    SVG_WANTED.with(|w| w.borrow_mut().take()).and_then(|(_, svg)| svg)
}

fn draw_line_chart<DB: DrawingBackend>(sf: &Surface<DB>, chart: &LineChart) -> Result<Frame, String> {
    let xs = chart.series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).chain(chart.marks.iter().map(|m| m.x));
    let x = Axis::new(chart.x_range, xs, chart.log_x);
    let seen = |v: f64| (0.0..=1.0).contains(&x.to_unit(v));
    let ys = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().filter(|p| seen(p.0)).map(|p| p.1))
        .chain(chart.marks.iter().filter(|m| m.kind != MarkKind::VLine && seen(m.x)).map(|m| m.y));
    let y = Axis::new(chart.y_range, ys, chart.log_y);
    let around =
        Around { title: &chart.title, x_label: &chart.x_label, y_label: &chart.y_label, right: 0.0, note: None };
    let (mut ctx, frame) = axes(sf, &around, x, y)?;
    let unit = |p: (f64, f64)| (x.to_unit(p.0), y.to_unit(p.1));

    let mut drawn: Vec<Vec<Unit>> = Vec::new();
    let mut labels: Vec<&str> = Vec::new();
    let (line_w, dot_r, key_w) = (sf.width(2.0), sf.px(2.5).max(1), sf.px(18.0));
    for s in &chart.series {
        let pts: Vec<Unit> = s.points.iter().map(|&p| unit(p)).collect();
        // a scatter's points are in no order: each stands alone
        let lines = if s.style == Style::Dots {
            pts.iter().filter(|p| pm::in_unit(**p)).map(|&p| vec![p]).collect()
        } else {
            pm::polylines(&pts)
        };
        let style = stroke(s.color, line_w);
        let dot = fill(s.color);
        let anno = ctx
            .draw_series(lines.iter().filter(|l| l.len() >= 2).map(|l| PathElement::new(l.clone(), style)))
            .map_err(drawing_error)?;
        if !s.label.is_empty() {
            labels.push(&s.label);
            anno.label(s.label.clone());
            match s.style {
                Style::Line => {
                    anno.legend(move |(lx, ly)| PathElement::new(vec![(lx, ly), (lx + key_w, ly)], style));
                }
                Style::LineAndDots => {
                    anno.legend(move |(lx, ly)| {
                        EmptyElement::at((lx, ly))
                            + PathElement::new(vec![(0, 0), (key_w, 0)], style)
                            + Circle::new((key_w / 2, 0), dot_r, dot)
                    });
                }
                Style::Dots => {
                    anno.legend(move |(lx, ly)| EmptyElement::at((lx, ly)) + Circle::new((key_w / 2, 0), dot_r, dot));
                }
            }
        }
        // dots at every point shown, and at points standing alone between gaps
        let lone = lines.iter().filter_map(|l| if let [p] = l.as_slice() { Some(*p) } else { None });
        let dots: Vec<Unit> = if s.style == Style::LineAndDots {
            pts.iter().copied().filter(|p| pm::in_unit(*p)).collect()
        } else {
            lone.collect()
        };
        ctx.draw_series(dots.iter().map(|p| Circle::new(*p, dot_r, dot))).map_err(drawing_error)?;
        drawn.extend(lines);
    }

    for m in &chart.marks {
        let style = stroke(m.color, sf.width(2.0));
        let p = unit((m.x, m.y));
        let ux = p.0;
        let (shown, anno) = match m.kind {
            MarkKind::VLine if (0.0..=1.0).contains(&ux) => {
                let dash = DashedPathElement::new(
                    vec![(ux, 0.0), (ux, 1.0)],
                    sf.px(5.0),
                    sf.px(4.0),
                    stroke(m.color, sf.width(1.5)),
                );
                drawn.push(vec![(ux, 0.0), (ux, 1.0)]);
                (true, ctx.draw_series(std::iter::once(dash)).map_err(drawing_error)?)
            }
            MarkKind::Cross if pm::in_unit(p) => {
                drawn.push(vec![p]);
                (true, ctx.draw_series(std::iter::once(Cross::new(p, sf.px(5.0), style))).map_err(drawing_error)?)
            }
            MarkKind::Dot if pm::in_unit(p) => {
                drawn.push(vec![p]);
                (
                    true,
                    ctx.draw_series(std::iter::once(Circle::new(p, sf.px(4.0), fill(m.color))))
                        .map_err(drawing_error)?,
                )
            }
            _ => (false, ctx.draw_series(std::iter::empty::<PathElement<Unit>>()).map_err(drawing_error)?),
        };
        if shown && !m.label.is_empty() {
            labels.push(&m.label);
            anno.label(m.label.clone());
            let (cross_r, dot_r2) = (sf.px(5.0), sf.px(4.0));
            match m.kind {
                MarkKind::VLine => {
                    let thin = stroke(m.color, sf.width(1.5));
                    let gap = sf.px(4.0);
                    anno.legend(move |(lx, ly)| {
                        EmptyElement::at((lx, ly))
                            + PathElement::new(vec![(0, 0), (key_w / 2 - gap / 2, 0)], thin)
                            + PathElement::new(vec![(key_w / 2 + gap / 2, 0), (key_w, 0)], thin)
                    });
                }
                MarkKind::Cross => {
                    anno.legend(move |(lx, ly)| Cross::new((lx + key_w / 2, ly), cross_r, style));
                }
                MarkKind::Dot => {
                    let dot = fill(m.color);
                    anno.legend(move |(lx, ly)| Circle::new((lx + key_w / 2, ly), dot_r2, dot));
                }
            }
        }
    }
    legend(sf, &mut ctx, &frame, &labels, &drawn)?;
    Ok(frame)
}

/// Draws a heatmap: cells as filled rectangles coloured by viridis (see `plot_math::colormap`),
/// axes, and a colour bar with its two end values at the right. Non-finite cells are hatched
/// red and a "diverged" key appears above the plot. Returns where it drew; never panics on odd
/// data (empty or ragged grids, NaN, ∞, all equal).
pub fn heatmap(canvas: &HtmlCanvasElement, map: &Heatmap) -> Result<Frame, String> {
    let sf = Surface::open(canvas)?;
    let rows = map.values.len().max(1);
    let cols = map.values.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let x = Axis::cells(map.x_range, cols, map.log_x);
    let y = Axis::cells(map.y_range, rows, map.log_y);
    let (lo, hi, log) = pm::color_scale(&map.values, map.clamp, map.log_color);
    let any_bad = map.values.iter().flatten().any(|v| !v.is_finite());
    let (lo_s, hi_s) = (pm::format_value(lo), pm::format_value(hi));
    let label_w = sf.text_w(&lo_s, TICK_PX).max(sf.text_w(&hi_s, TICK_PX)) / sf.s;
    let (gap, bar) = (10.0, 12.0);
    let around = Around {
        title: &map.title,
        x_label: &map.x_label,
        y_label: &map.y_label,
        right: gap + bar + 4.0 + label_w,
        note: any_bad.then_some("diverged"),
    };
    let (mut ctx, frame) = axes(&sf, &around, x, y)?;

    let (nc, nr) = (cols as f64, rows as f64);
    let bad = pm::lighten(DIVERGED, 0.55);
    let shade = |v: f64| if v.is_finite() { pm::colormap(pm::color_t(v, lo, hi, log)) } else { bad };
    paint_grid(canvas, &frame, &map.values, (cols, rows), 0.0, false, shade)?;
    // hatch the diverged cells: one red diagonal each, when cells are big enough to show it
    let cell_px = ((frame.right - frame.left) / nc).min((frame.bottom - frame.top) / nr);
    if any_bad && cell_px >= f64::from(sf.px(6.0)) {
        let hatch = stroke(DIVERGED, sf.width(1.0));
        let bad = map
            .values
            .iter()
            .enumerate()
            .flat_map(|(r, row)| row.iter().enumerate().filter(|(_, v)| !v.is_finite()).map(move |(c, _)| (r, c)));
        ctx.draw_series(bad.map(|(r, c)| {
            let (x0, y0) = (c as f64 / nc, r as f64 / nr);
            PathElement::new(vec![(x0, y0), (x0 + 1.0 / nc, y0 + 1.0 / nr)], hatch)
        }))
        .map_err(drawing_error)?;
    }

    // colour bar: a stack of thin bands from lo (bottom) to hi (top)
    let bx0 = frame.right.round() as i32 + sf.px(gap);
    let bx1 = bx0 + sf.px(bar);
    let (top, bottom) = (frame.top.round() as i32, frame.bottom.round() as i32);
    let bands = (bottom - top).clamp(1, 64);
    let band = |i: i32| bottom - ((bottom - top) as f64 * f64::from(i) / f64::from(bands)).round() as i32;
    for i in 0..bands {
        let t = (f64::from(i) + 0.5) / f64::from(bands);
        let rect = Rectangle::new([(bx0, band(i + 1)), (bx1, band(i))], fill(pm::colormap(t)));
        sf.root.draw(&rect).map_err(drawing_error)?;
    }
    sf.root.draw(&Rectangle::new([(bx0, top), (bx1, bottom)], stroke((0x9c, 0xa3, 0xaf), 1))).map_err(drawing_error)?;
    let lx = bx1 + sf.px(4.0);
    sf.text(&hi_s, (lx, top), TICK_PX, &INK_SOFT, Pos::new(HPos::Left, VPos::Top))?;
    sf.text(&lo_s, (lx, bottom), TICK_PX, &INK_SOFT, Pos::new(HPos::Left, VPos::Bottom))?;
    if log {
        let mid = (lo * hi).sqrt();
        if mid.is_finite() && bottom - top > sf.px(3.0 * TICK_PX) {
            sf.text(
                &pm::format_value(mid),
                (lx, (top + bottom) / 2),
                TICK_PX,
                &INK_SOFT,
                Pos::new(HPos::Left, VPos::Center),
            )?;
        }
    }
    Ok(frame)
}

/// Unit coordinate of grid line `g` of `n` sample points spread over an axis, ends included.
fn grid_unit(g: f64, n: usize) -> f64 {
    if n >= 2 {
        g / (n - 1) as f64
    } else {
        0.5
    }
}

fn js_error(e: JsValue) -> String {
    format!("plot: {}", e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, String> {
    canvas
        .get_context("2d")
        .map_err(js_error)?
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or_else(|| "plot: the canvas has no 2-D context".to_string())
}

/// Grids larger than this many values are not painted (the image would be too big to build).
const MAX_GRID: usize = 4_000_000;

/// Paints a grid (`values[row][col]`, row 0 at the bottom; `size` = (cols, rows)) over the
/// plot as one image with a pixel per value, stretched by the browser: one drawImage instead
/// of a rectangle per value. `reach` is how far, in samples, the image goes past the plot's
/// edges (½ puts sample centres on the grid lines of a contour's samples, 0 makes cells
/// fill the plot exactly); `smooth` blends between samples instead of keeping sharp cells.
fn paint_grid(
    canvas: &HtmlCanvasElement,
    frame: &Frame,
    values: &[Vec<f64>],
    size: (usize, usize),
    reach: f64,
    smooth: bool,
    color: impl Fn(f64) -> Rgb,
) -> Result<(), String> {
    let (cols, rows) = size;
    let n = cols.checked_mul(rows).filter(|&n| n > 0 && n <= MAX_GRID);
    let (Some(n), Ok(w), Ok(h)) = (n, u32::try_from(cols), u32::try_from(rows)) else { return Ok(()) };
    // RGBA, top image row = top grid row; cells missing from ragged rows stay transparent
    let mut rgba = vec![0u8; n * 4];
    for (r, row) in values.iter().take(rows).enumerate() {
        for (k, v) in row.iter().take(cols).enumerate() {
            let at = ((rows - 1 - r) * cols + k) * 4;
            if let Some(px) = rgba.get_mut(at..at + 4) {
                let c = color(*v);
                px.copy_from_slice(&[c.0, c.1, c.2, 255]);
            }
        }
    }
    let doc = web_sys::window().and_then(|w| w.document()).ok_or_else(|| "plot: no document".to_string())?;
    let scratch: HtmlCanvasElement = doc
        .create_element("canvas")
        .map_err(js_error)?
        .dyn_into()
        .map_err(|_| "plot: could not make a scratch canvas".to_string())?;
    scratch.set_width(w);
    scratch.set_height(h);
    let image = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), w, h).map_err(js_error)?;
    context_2d(&scratch)?.put_image_data(&image, 0.0, 0.0).map_err(js_error)?;

    let (pw, ph) = (frame.right - frame.left, frame.bottom - frame.top);
    let step = |count: usize, len: f64| if count >= 2 && reach > 0.0 { len / (count - 1) as f64 } else { 0.0 };
    let (sx, sy) = (step(cols, pw) * reach, step(rows, ph) * reach);
    let ctx = context_2d(canvas)?;
    ctx.save();
    ctx.begin_path();
    ctx.rect(frame.left, frame.top, pw, ph);
    ctx.clip();
    ctx.set_image_smoothing_enabled(smooth);
    let drawn = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
        &scratch,
        frame.left - sx,
        frame.top - sy,
        pw + 2.0 * sx,
        ph + 2.0 * sy,
    );
    ctx.restore();
    drawn.map_err(js_error)
}

/// How much lighter than viridis the contour plot's fill is, so lines and the path stand out.
const CONTOUR_WASH: f64 = 0.25;

/// Draws a contour plot: the loss filled by the log of its height above the minimum (so the
/// valley shows), about a dozen contour lines (marching squares), axes, and the path on top
/// with the start circled, the last point crossed and the minimum starred in green. Returns
/// where it drew; never panics on odd data.
pub fn contour(canvas: &HtmlCanvasElement, c: &Contour) -> Result<Frame, String> {
    let sf = Surface::open(canvas)?;
    let x = Axis::new(Some(c.x_range), std::iter::empty(), false);
    let y = Axis::new(Some(c.y_range), std::iter::empty(), false);
    let around = Around { title: &c.title, x_label: &c.x_label, y_label: &c.y_label, right: 0.0, note: None };
    let (mut ctx, frame) = axes(&sf, &around, x, y)?;

    let rows = c.values.len();
    let cols = c.values.iter().map(Vec::len).max().unwrap_or(0);
    let (min, max) = pm::finite_extent(&c.values).unwrap_or((0.0, 1.0));
    let span = max - min;
    let shade = |v: f64| pm::lighten(pm::colormap(pm::valley_t(v, min, span)), CONTOUR_WASH);
    let bad = pm::lighten(DIVERGED, 0.55);
    paint_grid(canvas, &frame, &c.values, (cols, rows), 0.5, true, |v| if v.is_finite() { shade(v) } else { bad })?;

    // contour lines: light ink on the dark end of the map, dark ink on the light end
    let to_unit = |p: Unit| (grid_unit(p.0, cols), grid_unit(p.1, rows));
    for level in pm::contour_levels(&c.values, 12) {
        let ink = if pm::luminance(shade(level)) < 0.5 { WHITE.mix(0.6) } else { BLACK.mix(0.3) };
        let style = ShapeStyle { color: ink, filled: false, stroke_width: sf.width(1.0) };
        let lines = pm::join_segments(&pm::contour_segments(&c.values, level));
        ctx.draw_series(
            lines.iter().map(|l| PathElement::new(l.iter().map(|p| to_unit(*p)).collect::<Vec<_>>(), style)),
        )
        .map_err(drawing_error)?;
    }

    // the paths: a white halo under each coloured line, so it reads on every colour
    let halo = stroke((0xff, 0xff, 0xff), sf.width(4.0));
    let (dot_r, key_w) = (sf.px(2.5).max(1), sf.px(18.0));
    let mut labels: Vec<&str> = Vec::new();
    let mut drawn: Vec<Vec<Unit>> = Vec::new();
    let _ = canvas.set_attribute("data-paths", &c.paths.iter().filter(|p| !p.points.is_empty()).count().to_string());
    for path in &c.paths {
        let pts: Vec<Unit> = path.points.iter().map(|&(px, py)| (x.to_unit(px), y.to_unit(py))).collect();
        let lines = pm::polylines(&pts);
        let line = stroke(path.color, sf.width(2.0));
        let dot = fill(path.color);
        ctx.draw_series(lines.iter().filter(|l| l.len() >= 2).map(|l| PathElement::new(l.clone(), halo)))
            .map_err(drawing_error)?;
        let anno = ctx
            .draw_series(lines.iter().filter(|l| l.len() >= 2).map(|l| PathElement::new(l.clone(), line)))
            .map_err(drawing_error)?;
        if !path.label.is_empty() && !path.points.is_empty() {
            labels.push(&path.label);
            anno.label(path.label.clone()).legend(move |(lx, ly)| {
                EmptyElement::at((lx, ly))
                    + PathElement::new(vec![(0, 0), (key_w, 0)], line)
                    + Circle::new((key_w / 2, 0), dot_r, dot)
            });
        }
        let inside: Vec<Unit> = pts.iter().copied().filter(|p| pm::in_unit(*p)).collect();
        ctx.draw_series(inside.iter().map(|p| Circle::new(*p, dot_r, dot))).map_err(drawing_error)?;
        let finite = |p: &&Unit| p.0.is_finite() && p.1.is_finite();
        if let Some(start) = pts.iter().find(finite).filter(|p| pm::in_unit(**p)) {
            let ring = sf.px(5.0);
            ctx.draw_series([Circle::new(*start, ring, fill((0xff, 0xff, 0xff))), Circle::new(*start, ring, line)])
                .map_err(drawing_error)?;
        }
        if let Some(last) = pts.iter().rev().find(finite).filter(|p| pm::in_unit(**p)).filter(|_| pts.len() > 1) {
            let size = sf.px(5.0);
            ctx.draw_series([Cross::new(*last, size, halo), Cross::new(*last, size, stroke(INK_RGB, sf.width(2.0)))])
                .map_err(drawing_error)?;
        }
        drawn.extend(lines);
    }

    // the arrows: a shaft and a head, over a white halo
    let _ = canvas.set_attribute("data-arrows", &c.arrows.len().to_string());
    let _ =
        canvas.set_attribute("data-range", &format!("{},{},{},{}", c.x_range.0, c.x_range.1, c.y_range.0, c.y_range.1));
    for a in &c.arrows {
        let (p0, p1) = ((x.to_unit(a.from.0), y.to_unit(a.from.1)), (x.to_unit(a.to.0), y.to_unit(a.to.1)));
        let (q0, q1) = (frame.unit_to_px(p0), frame.unit_to_px(p1));
        let (dx, dy) = (q1.0 - q0.0, q1.1 - q0.1);
        let len = (dx * dx + dy * dy).sqrt();
        if !(len.is_finite() && len > 0.5) {
            continue;
        }
        let head = sf.px(7.0) as f64;
        let (ux, uy) = (dx / len, dy / len);
        let tip = (q1.0.round() as i32, q1.1.round() as i32);
        let wing = |s: f64| {
            let (wx, wy) = (-ux * head + s * uy * head * 0.5, -uy * head - s * ux * head * 0.5);
            ((q1.0 + wx).round() as i32, (q1.1 + wy).round() as i32)
        };
        let shaft = vec![(q0.0.round() as i32, q0.1.round() as i32), tip];
        let color = stroke(a.color, sf.width(2.5));
        for style in [stroke((0xff, 0xff, 0xff), sf.width(5.0)), color] {
            sf.root.draw(&PathElement::new(shaft.clone(), style)).map_err(drawing_error)?;
            sf.root.draw(&PathElement::new(vec![wing(1.0), tip, wing(-1.0)], style)).map_err(drawing_error)?;
        }
        let anno = ctx.draw_series(std::iter::empty::<PathElement<Unit>>()).map_err(drawing_error)?;
        anno.label(a.label.clone()).legend(move |(lx, ly)| PathElement::new(vec![(lx, ly), (lx + key_w, ly)], color));
        labels.push(&a.label);
    }

    // the minimum: a green eight-armed star with a white halo
    let star_p = c.minimum.map(|(mx, my)| (x.to_unit(mx), y.to_unit(my))).filter(|p| pm::in_unit(*p));
    if let Some(p) = star_p {
        let arm = sf.px(6.0);
        let diag = sf.px(4.5);
        let star = move |at: (i32, i32), style: ShapeStyle| {
            EmptyElement::at(at)
                + PathElement::new(vec![(-arm, 0), (arm, 0)], style)
                + PathElement::new(vec![(0, -arm), (0, arm)], style)
                + PathElement::new(vec![(-diag, -diag), (diag, diag)], style)
                + PathElement::new(vec![(-diag, diag), (diag, -diag)], style)
        };
        let green = stroke(GOOD, sf.width(2.0));
        let white = stroke((0xff, 0xff, 0xff), sf.width(4.5));
        let (px, py) = frame.unit_to_px(p);
        let at = (px.round() as i32, py.round() as i32);
        sf.root.draw(&star(at, white)).map_err(drawing_error)?;
        sf.root.draw(&star(at, green)).map_err(drawing_error)?;
        let anno = ctx.draw_series(std::iter::empty::<PathElement<Unit>>()).map_err(drawing_error)?;
        anno.label("minimum").legend(move |(lx, ly)| star((lx + key_w / 2, ly), green));
        labels.push("minimum");
        drawn.push(vec![p]);
    }
    legend(&sf, &mut ctx, &frame, &labels, &drawn)?;
    Ok(frame)
}
