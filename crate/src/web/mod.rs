//! The page, as figures: a figure is a [`model::state::State`] mounted on a root element.
//!
//! - [`model`] is pure Rust, built and tested on the host: the state and its URL round trip,
//!   the page skeleton and every view as element trees ([`model::view::El`]), plot arithmetic,
//!   plane logic. It knows nothing of the browser.
//! - `shell` (wasm32 only) is the thin DOM part: it builds a figure's element trees inside its
//!   root, finds its parts within that root, wires events, draws on canvas, defines the
//!   `<backprop-lab>` element's figures and the JavaScript API. `shell` imports `model`, never
//!   the other way round.

pub mod model;

#[cfg(target_arch = "wasm32")]
pub mod shell;

/// The design's rules about the two parts, checked on the source text.
#[cfg(test)]
mod rules {
    use super::model::skeleton::figure;
    use super::model::state::PRESETS;
    use super::model::view::{graph_svg, Scene, Shown};

    /// The shell's files, as text (they do not compile on the host, but they can be read).
    const SHELL: &[(&str, &str)] = &[
        ("dom.rs", include_str!("shell/dom.rs")),
        ("figure.rs", include_str!("shell/figure.rs")),
        ("graph.rs", include_str!("shell/graph.rs")),
        ("start.rs", include_str!("shell/start.rs")),
        ("api.rs", include_str!("shell/api.rs")),
        ("plot.rs", include_str!("shell/plot.rs")),
        ("lab/mod.rs", include_str!("shell/lab/mod.rs")),
        ("lab/train.rs", include_str!("shell/lab/train.rs")),
        ("lab/wire.rs", include_str!("shell/lab/wire.rs")),
        ("lab/rates.rs", include_str!("shell/lab/rates.rs")),
        ("lab/step.rs", include_str!("shell/lab/step.rs")),
    ];

    /// The literal first arguments of a figure's part lookups (`root.get("t-lr")`, …).
    fn looked_up(src: &str) -> Vec<String> {
        const CALLS: &[&str] = &[
            ".get(\"",
            ".html(\"",
            ".input(\"",
            ".select(\"",
            ".canvas(\"",
            ".button(\"",
            ".mount(\"",
            ".set_text(\"",
            ".set_hidden(\"",
            ".set_attr(\"",
            ".set_class(\"",
            ".set_disabled(\"",
            ">(\"",
        ];
        let mut out = vec![];
        for call in CALLS {
            for (i, _) in src.match_indices(call) {
                let rest = &src[i + call.len()..];
                if let Some(end) = rest.find('"') {
                    out.push(rest[..end].to_string());
                }
            }
        }
        out
    }

    #[test]
    fn the_shell_finds_parts_within_a_figure_and_they_exist() {
        // the skeleton's parts, and those the graph view's trees bring along (the SVG itself)
        let scene = Scene::new(crate::expr::parse(PRESETS[0].source, Default::default()).unwrap());
        let shown = Shown { forward: true, steps: 0, stepping: false };
        let svg = graph_svg(&scene, shown);
        let ids: Vec<String> = [figure(true), svg]
            .iter()
            .flat_map(|t| t.walk().into_iter().filter_map(|e| e.get("id").map(str::to_string)).collect::<Vec<_>>())
            .collect();
        let mut checked = 0;
        for (file, src) in SHELL {
            assert!(!src.contains("get_element_by_id"), "{file}: a figure never looks up a document-wide id");
            for id in looked_up(src) {
                // an event name after a type parameter (`on::<E>("click", …)`) is not a part,
                // nor an attribute read from an element tree (`El::get("id")`, `El::get("class")`)
                if ["input", "change", "click", "keydown", "blur", "focus", "toggle", "id", "class"]
                    .contains(&id.as_str())
                {
                    continue;
                }
                assert!(ids.contains(&id), "{file} looks up #{id}, which the skeleton does not have");
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} lookups found: the scan is broken");
    }

    #[test]
    fn the_model_has_no_web_dependency() {
        let model: &[(&str, &str)] = &[
            ("state.rs", include_str!("model/state.rs")),
            ("lab_state.rs", include_str!("model/lab_state.rs")),
            ("view.rs", include_str!("model/view.rs")),
            ("lab_view.rs", include_str!("model/lab_view.rs")),
            ("skeleton.rs", include_str!("model/skeleton.rs")),
            ("plane.rs", include_str!("model/plane.rs")),
            ("plot_math.rs", include_str!("model/plot_math.rs")),
        ];
        for (file, src) in model {
            for dep in ["web_sys", "js_sys", "wasm_bindgen", "shell::"] {
                assert!(!src.contains(dep), "model/{file} uses {dep}");
            }
        }
    }
}
