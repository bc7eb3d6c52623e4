//! The data plane of the training view, as a pointer or the keyboard uses it: what a click, a
//! shift-click, an alt-click or a key does, where the keyboard's cross moves, and which
//! training point is under a spot. Pure, so it is tested natively; `lab` wires the events.

use super::plot_math::{Axis, Frame};
use crate::train::Point;

/// A training point counts as under the pointer (or the cross) within this many canvas pixels.
pub const HIT_PX: f64 = 7.0;

/// The keyboard's cross moves this fraction of the plane's width (or height) per arrow key.
pub const CURSOR_STEP: f64 = 1.0 / 40.0;

/// What to do at a spot of the plane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaneAct {
    /// Click / Enter: open the graph of the training point there, or add a point of the first
    /// class.
    Primary,
    /// Shift-click / Shift+Enter: add a point of the second class.
    Second,
    /// Alt-click / Delete: remove the nearest point.
    Remove,
    /// The digit keys 0, 1, 2: add a point of that class (the only way to the third class of
    /// the three-class sets).
    Class(u8),
}

impl PlaneAct {
    /// A mouse click with these modifier keys.
    pub fn for_click(shift: bool, alt: bool) -> PlaneAct {
        if alt {
            PlaneAct::Remove
        } else if shift {
            PlaneAct::Second
        } else {
            PlaneAct::Primary
        }
    }
}

/// What a key pressed on the focused plane does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PlaneKey {
    /// Move the cross by this many steps right and up.
    Move(i32, i32),
    /// Act where the cross is.
    Act(PlaneAct),
    /// Put the cross on the nearest training point.
    Snap,
}

impl PlaneKey {
    /// The action for a key (`KeyboardEvent.key`), or None for keys the plane leaves alone.
    pub fn for_key(key: &str, shift: bool) -> Option<PlaneKey> {
        Some(match key {
            "ArrowLeft" => PlaneKey::Move(-1, 0),
            "ArrowRight" => PlaneKey::Move(1, 0),
            "ArrowUp" => PlaneKey::Move(0, 1),
            "ArrowDown" => PlaneKey::Move(0, -1),
            "Enter" => PlaneKey::Act(PlaneAct::for_click(shift, false)),
            "Delete" | "Backspace" => PlaneKey::Act(PlaneAct::Remove),
            "n" | "N" => PlaneKey::Snap,
            "0" => PlaneKey::Act(PlaneAct::Class(0)),
            "1" => PlaneKey::Act(PlaneAct::Class(1)),
            "2" => PlaneKey::Act(PlaneAct::Class(2)),
            _ => return None,
        })
    }
}

/// The frame of a plane drawn over the whole canvas (`width` × `height` pixels) with the
/// domain `x` × `y` (the decision boundary; the regression plot has axes and its own frame).
pub fn full_canvas_frame(width: f64, height: f64, x: (f64, f64), y: (f64, f64)) -> Frame {
    Frame {
        left: 0.0,
        right: width,
        top: 0.0,
        bottom: height,
        x: Axis::new(Some(x), std::iter::empty(), false),
        y: Axis::new(Some(y), std::iter::empty(), false),
        scale: 1.0,
    }
}

/// The cross moved `steps` (right, up) from `at`, kept inside the frame's axes.
pub fn move_cross(frame: &Frame, at: (f64, f64), steps: (i32, i32)) -> (f64, f64) {
    let (x, y) = (frame.x.to_unit(at.0), frame.y.to_unit(at.1));
    let u = (x + steps.0 as f64 * CURSOR_STEP).clamp(0.0, 1.0);
    let v = (y + steps.1 as f64 * CURSOR_STEP).clamp(0.0, 1.0);
    (frame.x.from_unit(u), frame.y.from_unit(v))
}

/// The centre of the frame (where the cross starts).
pub fn centre(frame: &Frame) -> (f64, f64) {
    (frame.x.from_unit(0.5), frame.y.from_unit(0.5))
}

/// The point nearest to (x, y) as drawn, with its index and its distance in canvas pixels.
pub fn nearest(points: &[Point], frame: &Frame, (x, y): (f64, f64)) -> Option<(usize, f64)> {
    let (px, py) = frame.to_px(x, y);
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (qx, qy) = frame.to_px(p.x, p.y);
            (i, (qx - px).hypot(qy - py))
        })
        .filter(|(_, d)| d.is_finite())
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// The training point under (x, y), if one is within [`HIT_PX`].
pub fn hit(points: &[Point], frame: &Frame, at: (f64, f64)) -> Option<usize> {
    nearest(points, frame, at).filter(|&(_, d)| d <= HIT_PX).map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: f64, y: f64) -> Point {
        Point { x, y, label: 0.0 }
    }

    #[test]
    fn clicks_and_keys_map_to_the_same_actions() {
        assert_eq!(PlaneAct::for_click(false, false), PlaneAct::Primary);
        assert_eq!(PlaneAct::for_click(true, false), PlaneAct::Second);
        assert_eq!(PlaneAct::for_click(true, true), PlaneAct::Remove);
        assert_eq!(PlaneKey::for_key("Enter", false), Some(PlaneKey::Act(PlaneAct::Primary)));
        assert_eq!(PlaneKey::for_key("Enter", true), Some(PlaneKey::Act(PlaneAct::Second)));
        assert_eq!(PlaneKey::for_key("Delete", false), Some(PlaneKey::Act(PlaneAct::Remove)));
        assert_eq!(PlaneKey::for_key("ArrowUp", false), Some(PlaneKey::Move(0, 1)));
        assert_eq!(PlaneKey::for_key("n", false), Some(PlaneKey::Snap));
        assert_eq!(PlaneKey::for_key("2", false), Some(PlaneKey::Act(PlaneAct::Class(2))));
        assert_eq!(PlaneKey::for_key("3", false), None);
        assert_eq!(PlaneKey::for_key(" ", false), None, "space stays Play/Pause");
        assert_eq!(PlaneKey::for_key("Tab", false), None, "Tab still leaves the plane");
    }

    #[test]
    fn the_cross_moves_in_steps_and_stays_on_the_plane() {
        let f = full_canvas_frame(400.0, 400.0, (-6.0, 6.0), (-6.0, 6.0));
        assert_eq!(centre(&f), (0.0, 0.0));
        let (x, y) = move_cross(&f, (0.0, 0.0), (4, -2));
        assert!((x - 1.2).abs() < 1e-12 && (y + 0.6).abs() < 1e-12, "({x}, {y})");
        assert_eq!(move_cross(&f, (5.9, 0.0), (10, 0)).0, 6.0);
        assert_eq!(move_cross(&f, (0.0, -5.9), (0, -10)).1, -6.0);
    }

    #[test]
    fn a_point_is_hit_within_seven_canvas_pixels() {
        // 400 px for 12 units: 1 unit is 33⅓ px, so 0.2 units is under 7 px and 0.3 is not.
        let f = full_canvas_frame(400.0, 400.0, (-6.0, 6.0), (-6.0, 6.0));
        let points = [point(1.0, 1.0), point(-2.0, 3.0)];
        assert_eq!(hit(&points, &f, (1.2, 1.0)), Some(0));
        assert_eq!(hit(&points, &f, (-2.0, 3.2)), Some(1));
        assert_eq!(hit(&points, &f, (1.3, 1.0)), None);
        let (i, d) = nearest(&points, &f, (1.3, 1.0)).unwrap();
        assert!(i == 0 && (d - 10.0).abs() < 1e-9, "{d}");
        assert_eq!(nearest(&[], &f, (0.0, 0.0)), None);
        // With a frame inset by axes (the regression plot), pixels are measured in the frame.
        let inset = Frame { left: 50.0, right: 350.0, top: 20.0, bottom: 320.0, ..f };
        assert_eq!(inset.to_px(0.0, 0.0), (200.0, 170.0));
        assert_eq!(hit(&points, &inset, (1.2, 1.0)), Some(0));
    }
}
