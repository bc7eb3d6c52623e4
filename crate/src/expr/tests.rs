use super::*;
use proptest::prelude::*;

fn ok(src: &str) -> Graph {
    parse(src, Options::default()).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn out(src: &str) -> f64 {
    let g = ok(src);
    g.nodes()[g.output().unwrap()].value
}

fn err(src: &str) -> ParseError {
    match parse(src, Options::default()) {
        Ok(_) => panic!("{src:?} should not parse"),
        Err(e) => e,
    }
}

#[test]
fn statements_inputs_and_names() {
    let g = ok("# CS231n's first circuit\nx = -2; y = 5; z = -4\nq = x + y\nf = q * z\n");
    let names: Vec<String> = (0..g.len()).map(|i| g.label(i)).collect();
    assert_eq!(names, ["x", "y", "z", "q", "f"]);
    let ops: Vec<&str> = g.nodes().iter().map(|n| n.op.name()).collect();
    assert_eq!(ops, ["input", "input", "input", "add", "mul"]);
    assert_eq!(g.output(), Some(4));
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(out("x = 3\n-x^2"), -9.0);
    assert_eq!(out("2^3^2"), 512.0);
    assert_eq!(out("1 + 2 * 3"), 7.0);
    assert_eq!(out("(1 + 2) * 3"), 9.0);
    assert_eq!(out("8 / 2 / 2"), 2.0);
    assert_eq!(out("5 - 2 - 1"), 2.0);
    assert_eq!(out("2^-1"), 0.5);
    assert_eq!(out("-3^2"), -9.0);
    assert_eq!(out("- -3"), 3.0);
    assert_eq!(out("1e-3 * 1000"), 1.0);
    assert_eq!(out(".5 + 0.5"), 1.0);
    assert_eq!(out("max(1, min(2, 3)) + abs(-4) + relu(-1)"), 6.0);
}

#[test]
fn literal_exponents_make_one_gate_and_variable_exponents_two_inputs() {
    let g = ok("x = 3\nf = x^2");
    assert_eq!(g.nodes()[1].op, crate::graph::Op::PowC(2.0));
    let g = ok("x = 3; p = 2\nf = x^p");
    assert_eq!(g.nodes()[2].op, crate::graph::Op::Pow);
    assert_eq!(g.nodes()[2].inputs, [0, 1]);
}

#[test]
fn constants_inside_expressions_are_constant_nodes() {
    let g = ok("a = 2\nf = 1 + exp(-a)");
    let ops: Vec<&str> = g.nodes().iter().map(|n| n.op.name()).collect();
    assert_eq!(ops, ["input", "const", "neg", "exp", "add"]);
}

#[test]
fn alias_keeps_the_first_name() {
    let g = ok("a = 2\nb = a\nf = b * 3");
    assert_eq!(g.label(0), "a");
    assert_eq!(g.nodes()[g.output().unwrap()].value, 6.0);
}

/// (source, line, column, words the message must contain)
const ERRORS: &[(&str, usize, usize, &str)] = &[
    ("a = 1\nb = a + * 2", 2, 9, "expected a number, a name or `(`"),
    ("x = (1 + 2", 1, 11, "expected `)`"),
    ("x = 2\ny = 3 x", 2, 7, "operator"),
    ("f = q * 2", 1, 5, "unknown name `q`"),
    ("x = 1\nx = 2", 2, 1, "already defined on line 1"),
    ("exp = 3", 1, 1, "is a function"),
    ("x = 1\nf = foo(x)", 2, 5, "unknown function `foo`"),
    ("x = 1\nf = max(x)", 2, 5, "takes 2 arguments"),
    ("x = 1\nf = exp x", 2, 9, "expected `(` after `exp`"),
    ("x = 1 $ 2", 1, 7, "unexpected character `$`"),
    ("x = 2 × 3", 1, 7, "`*`"),
    ("", 1, 1, "type an expression"),
    ("# only a comment\n", 2, 1, "type an expression"),
    ("x = 1\nx + 1\ny = 2", 2, 1, "does not name it"),
    ("x = 1e999", 1, 5, "too large"),
    ("x = 1e-400", 1, 5, "too small for a 64-bit float: it would be read as 0"),
    ("x = 2\nf = x ** 2", 2, 8, "powers are written with `^`"),
    ("x = 1.2.3", 1, 5, "not a number"),
    ("f = (", 1, 6, "expected a number"),
    ("f = )", 1, 5, "found `)`"),
];

#[test]
fn errors_name_line_and_column() {
    for &(src, line, column, words) in ERRORS {
        let e = err(src);
        assert_eq!((e.line, e.column), (line, column), "{src:?}: {e}");
        assert!(e.message.contains(words), "{src:?}: {e}");
        assert!(e.to_string().starts_with(&format!("line {line}, column {column}: ")));
    }
}

#[test]
fn caret_points_at_the_column() {
    let src = "a = 1\nb = a + * 2";
    let e = err(src);
    assert_eq!(e.caret(src), "b = a + * 2\n        ^");
}

#[test]
fn limits_give_messages_not_crashes() {
    let deep = format!("f = {}1{}", "(".repeat(200), ")".repeat(200));
    assert!(err(&deep).message.contains("nested too deeply"));
    let minus = format!("x = 1\nf = {}x", "-".repeat(500));
    assert!(err(&minus).message.contains("nested too deeply"));
    let wide = format!("x = 1\nf = {}", vec!["x"; 3000].join(" + "));
    assert!(err(&wide).message.contains("more than 2000 nodes"));
    let long = "x".repeat(MAX_SOURCE_CHARS + 1);
    assert!(err(&long).message.contains("longer than"));
    // just under the limits is fine
    ok(&format!("x = 1\nf = {}", vec!["x"; 999].join(" + ")));
    ok(&format!("f = {}1{}", "(".repeat(60), ")".repeat(60)));
}

proptest! {
    /// Any text gives a graph or a positioned error, never a panic; positions lie inside it.
    #[test]
    fn never_panics(src in "[-+*/^(),=;#\\n .0-9a-z×]{0,80}") {
        if let Err(e) = parse(&src, Options::default()) {
            let lines = src.split('\n').count();
            prop_assert!(e.line >= 1 && e.line <= lines, "{e}");
            prop_assert!(e.column >= 1);
            prop_assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn never_panics_on_plausible_programs(parts in prop::collection::vec(
        prop::sample::select(vec!["x", "y", "=", "1", "-2", "+", "*", "^", "(", ")", "exp(", "max(", ",", ";", "\n", "sigmoid(", "f = "]), 0..40)) {
        let src = parts.concat();
        for expand_sigmoid in [false, true] {
            let _ = parse(&src, Options { expand_sigmoid });
        }
    }
}

#[test]
fn input_values_can_be_rewritten_in_the_source() {
    let src = "# é\nx = -2; y = 5\nf = x * y";
    let (g, spans) = parse_with_spans(src, Options::default()).unwrap();
    assert_eq!(spans.len(), 2);
    let x = spans.iter().find(|s| g.label(s.node) == "x").copied().unwrap();
    assert_eq!(&src[x.start..x.end], "-2");
    let new = set_input(src, x, 3.5);
    assert_eq!(new, "# é\nx = 3.5; y = 5\nf = x * y");
    assert_eq!(parse(&new, Options::default()).unwrap().nodes()[2].value, 17.5);
    // a span that does not fit leaves the text alone
    assert_eq!(set_input(src, InputSpan { node: 0, start: 3, end: 2 }, 1.0), src);
}

/// Hostile text (issue 12): a message and its caret line stay short whatever the source
/// holds, and nothing in them can reorder the page's text.
#[test]
fn messages_and_carets_are_cut_and_show_bidi_controls_as_codes() {
    let long = "9".repeat(100_000);
    for src in [
        format!("x = {long}"),
        format!("x = 1\nf = {} + x", "a".repeat(100_000)),
        format!("{} = 2\nf = {} + 1", "b".repeat(50_000), "c".repeat(50_000)),
        "x = 1\u{202e}2".to_string(),
        "x\u{202b} = 1".to_string(),
        format!("x = 1; f = x + {}y", "<b>".repeat(20_000)),
    ] {
        let Err(e) = parse(&src, Options::default()) else { panic!("{:?}… parsed", &src[..40]) };
        let (message, caret) = (e.to_string(), e.caret(&src));
        assert!(
            message.chars().count() < 300,
            "{} chars: {}",
            message.chars().count(),
            &message[..200.min(message.len())]
        );
        assert!(caret.chars().count() < 200, "caret of {} chars", caret.chars().count());
        for text in [&message, &caret] {
            assert!(!text.chars().any(|c| ('\u{202a}'..='\u{202e}').contains(&c) || c == '\0'), "{text:?}");
        }
        // the caret still points at the column it names, in the cut line
        let lines: Vec<&str> = caret.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('^'));
    }
    let e = parse("x = 1\u{202e}2", Options::default()).unwrap_err();
    assert!(e.message.contains("U+202E"), "{}", e.message);
    let short = parse("x = 2\nf = x +", Options::default()).unwrap_err();
    assert_eq!(short.caret("x = 2\nf = x +"), "f = x +\n       ^");
}
