//! The expression language → a [`Graph`], with errors that name line and column.
//!
//! ```text
//! # CS231n's first circuit
//! x = -2; y = 5; z = -4
//! q = x + y
//! f = q * z
//! ```
//! Statements end at a newline or `;`; `#` starts a comment. `name = number` declares an input;
//! `name = expression` names an intermediate node; the last statement is the output.
//! Precedence, loosest first: `+ -`, `* /`, unary `-`, `^` (right-associative). So `-x^2` is
//! −(x²) and `2^3^2` is 2⁹.
//!
//! The parser builds graph nodes as it reads (there is no separate syntax tree), so every
//! limit is checked where it is reached: at most [`MAX_NODES`](crate::graph::MAX_NODES) nodes, [`MAX_DEPTH`] levels of
//! nesting and [`MAX_SOURCE_CHARS`] characters. No input panics or hangs.

use crate::graph::{Graph, GraphError, NodeId, Op};
use std::collections::HashMap;
use std::fmt;

/// Deepest nesting of parentheses, unary minus and `^` the parser accepts.
pub const MAX_DEPTH: usize = 64;
/// Longest source accepted.
pub const MAX_SOURCE_CHARS: usize = 100_000;

/// The functions of the language, with their number of arguments.
pub const FUNCTIONS: &[(&str, usize)] = &[
    ("exp", 1),
    ("log", 1),
    ("sqrt", 1),
    ("tanh", 1),
    ("sigmoid", 1),
    ("relu", 1),
    ("abs", 1),
    ("max", 2),
    ("min", 2),
];

/// How to build the graph.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Draw `sigmoid(a)` as its primitive gates `1 / (1 + exp(−a))` instead of one σ gate.
    pub expand_sigmoid: bool,
}

/// A parse error at a place in the source (1-based line and column, counted in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    /// The offending source line with a caret under the column, for a `<pre>`.
    /// A long line is shown as the 70 characters or so around the column, `…` marking the
    /// cuts; a control or bidirectional-formatting character shows as `�`, so nothing in the
    /// line can reorder or hide the page's text.
    pub fn caret(&self, source: &str) -> String {
        const SIDE: usize = 35;
        let line: Vec<char> = source.lines().nth(self.line.saturating_sub(1)).unwrap_or("").chars().collect();
        let at = self.column.saturating_sub(1).min(line.len());
        let (from, to) = (at.saturating_sub(SIDE), (at + SIDE).min(line.len()));
        let shown = |c: char| {
            if c == '\t' {
                c
            } else if hidden(c) {
                '\u{fffd}'
            } else {
                c
            }
        };
        let mut text: String = line[from..to].iter().map(|&c| shown(c)).collect();
        let mut pad: String = line[from..at].iter().map(|&c| if c == '\t' { '\t' } else { ' ' }).collect();
        if from > 0 {
            text.insert(0, '…');
            pad.insert(0, ' ');
        }
        if to < line.len() {
            text.push('…');
        }
        format!("{text}\n{pad}^")
    }
}

/// Where an input's number stands in the source, so the page can rewrite it when the user
/// edits the value (byte offsets, the minus sign included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputSpan {
    pub node: NodeId,
    pub start: usize,
    pub end: usize,
}

/// Parses `source` into a graph whose output is the last statement.
pub fn parse(source: &str, options: Options) -> Result<Graph, ParseError> {
    parse_with_spans(source, options).map(|(g, _)| g)
}

/// Replaces the number of one input declaration with `value`, giving the new source.
pub fn set_input(source: &str, span: InputSpan, value: f64) -> String {
    let (start, end) = (span.start.min(source.len()), span.end.min(source.len()));
    if !source.is_char_boundary(start) || !source.is_char_boundary(end) || start > end {
        return source.to_string();
    }
    // -0 is written as 0
    let value = if value == 0.0 { 0.0 } else { value };
    format!("{}{}{}", &source[..start], value, &source[end..])
}

/// [`parse`], also returning where each input's number stands in the source.
pub fn parse_with_spans(source: &str, options: Options) -> Result<(Graph, Vec<InputSpan>), ParseError> {
    if source.chars().count() > MAX_SOURCE_CHARS {
        return Err(ParseError {
            line: 1,
            column: 1,
            message: format!("the text is longer than {MAX_SOURCE_CHARS} characters; use a shorter expression"),
        });
    }
    let tokens = lex(source)?;
    let parser =
        Parser { tokens, pos: 0, depth: 0, graph: Graph::new(), names: HashMap::new(), options, spans: Vec::new() };
    parser.program()
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Sym(char),
    /// End of a statement: a newline or `;`.
    End,
    Eof,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
    column: usize,
    /// byte offsets of the token in the source
    start: usize,
    end: usize,
}

/// A character that would hide or reorder text around it: controls and the bidirectional
/// embeddings, overrides and isolates.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A piece of text from outside (typed, in a file, from a script), for a message: cut to `max`
/// characters (`…` after the cut), with a character that would hide or reorder the message
/// written as its code (`U+202E`). The parser's, the CSV reader's and the commands' messages
/// all quote through it.
pub fn visible(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars().take(max) {
        if hidden(c) {
            out.push_str(&format!("U+{:04X}", c as u32));
        } else {
            out.push(c);
        }
    }
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

/// A piece of the source, for a message: in backquotes, cut to 30 characters ([`visible`]).
fn quote(s: &str) -> String {
    format!("`{}`", visible(s, 30))
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(_) => "a number".into(),
        Tok::Ident(s) => quote(s),
        Tok::Sym(c) => quote(&c.to_string()),
        Tok::End => "the end of the statement".into(),
        Tok::Eof => "the end of the text".into(),
    }
}

fn lex(source: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = source.chars().collect();
    // byte offset of each char, and of the end
    let offsets: Vec<usize> = source.char_indices().map(|(b, _)| b).chain(std::iter::once(source.len())).collect();
    let mut out: Vec<Token> = Vec::new();
    let (mut i, mut line, mut col) = (0, 1, 1);
    while i < chars.len() {
        let c = chars[i];
        let start = (line, col, offsets[i]);
        let tok = |tok, end: usize| Token { tok, line: start.0, column: start.1, start: start.2, end: offsets[end] };
        if c == '\n' || c == ';' {
            out.push(tok(Tok::End, i + 1));
            i += 1;
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        } else if c.is_whitespace() {
            i += 1;
            col += 1;
        } else if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
                col += 1;
            }
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let begin = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            // an exponent: e or E, an optional sign, then digits
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            let text: String = chars[begin..i].iter().collect();
            col += i - begin;
            let err = |message: String| ParseError { line: start.0, column: start.1, message };
            let v: f64 = text
                .parse()
                .map_err(|_| err(format!("{} is not a number (write numbers like 3, -0.5 or 1e-3)", quote(&text))))?;
            if !v.is_finite() {
                return Err(err(format!(
                    "{} is too large for a 64-bit float (the largest is about 1.8e308)",
                    quote(&text)
                )));
            }
            // the other end alike: a number that is not 0 but would be read as 0
            let mantissa = text.split(['e', 'E']).next().unwrap_or("");
            if v == 0.0 && mantissa.chars().any(|c| c.is_ascii_digit() && c != '0') {
                return Err(err(format!(
                    "{} is too small for a 64-bit float: it would be read as 0 (the smallest is about 4.9e-324)",
                    quote(&text)
                )));
            }
            out.push(tok(Tok::Num(v), i));
        } else if c.is_alphabetic() || c == '_' {
            let begin = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            col += i - begin;
            out.push(tok(Tok::Ident(chars[begin..i].iter().collect()), i));
        } else if "+-*/^(),=".contains(c) {
            out.push(tok(Tok::Sym(c), i + 1));
            i += 1;
            col += 1;
        } else {
            let hint = match c {
                '×' | '·' => " (write `*` for multiplication)",
                '−' => " (write `-`, the ASCII minus)",
                '÷' => " (write `/` for division)",
                _ => "",
            };
            let shown = quote(&c.to_string());
            return Err(ParseError { line, column: col, message: format!("unexpected character {shown}{hint}") });
        }
    }
    out.push(Token { tok: Tok::Eof, line, column: col, start: source.len(), end: source.len() });
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    graph: Graph,
    /// name → node and the line it was defined on
    names: HashMap<String, (NodeId, usize)>,
    options: Options,
    spans: Vec<InputSpan>,
}

type Res<T> = Result<T, ParseError>;

impl Parser {
    fn peek(&self) -> &Token {
        // the token list always ends with Eof, and pos never passes it
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek_at(&self, k: usize) -> &Tok {
        &self.tokens[(self.pos + k).min(self.tokens.len() - 1)].tok
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    fn error_at(&self, t: &Token, message: impl Into<String>) -> ParseError {
        ParseError { line: t.line, column: t.column, message: message.into() }
    }

    fn graph_error(&self, t: &Token, e: GraphError) -> ParseError {
        self.error_at(t, e.to_string())
    }

    fn is_sym(&self, c: char) -> bool {
        self.peek().tok == Tok::Sym(c)
    }

    fn expect_sym(&mut self, c: char, what: &str) -> Res<()> {
        if self.is_sym(c) {
            self.bump();
            Ok(())
        } else {
            let t = self.peek().clone();
            Err(self.error_at(&t, format!("expected `{c}` {what}, found {}", describe(&t.tok))))
        }
    }

    fn program(mut self) -> Res<(Graph, Vec<InputSpan>)> {
        let mut last: Option<NodeId> = None;
        loop {
            while self.peek().tok == Tok::End {
                self.bump();
            }
            if self.peek().tok == Tok::Eof {
                break;
            }
            let start = self.peek().clone();
            let (id, named) = self.statement()?;
            match self.peek().tok {
                Tok::End | Tok::Eof => {}
                _ => {
                    let t = self.peek().clone();
                    let hint = if matches!(t.tok, Tok::Ident(_) | Tok::Num(_) | Tok::Sym('(')) {
                        " (is an operator such as `*` missing?)"
                    } else {
                        ""
                    };
                    return Err(self.error_at(
                        &t,
                        format!("expected an operator or the end of the statement, found {}{hint}", describe(&t.tok)),
                    ));
                }
            }
            // a bare expression is only useful as the output, on the last line
            let more = self.tokens[self.pos..].iter().any(|t| !matches!(t.tok, Tok::End | Tok::Eof));
            if !named && more {
                return Err(self.error_at(
                    &start,
                    "this statement computes a value but does not name it; give it a name (`q = …`) or make it the last statement",
                ));
            }
            last = Some(id);
        }
        match last {
            Some(out) => {
                self.graph.set_output(out);
                Ok((self.graph, self.spans))
            }
            None => {
                let t = self.peek().clone();
                Err(self.error_at(&t, "type an expression, for example `x = 2; f = x * x`"))
            }
        }
    }

    /// `name = number` (an input), `name = expression`, or a bare expression.
    /// Returns the node and whether the statement named it.
    fn statement(&mut self) -> Res<(NodeId, bool)> {
        let first = self.peek().clone();
        let Tok::Ident(name) = first.tok.clone() else {
            return Ok((self.expression()?, false));
        };
        if self.peek_at(1) != &Tok::Sym('=') {
            return Ok((self.expression()?, false));
        }
        if FUNCTIONS.iter().any(|f| f.0 == name) {
            return Err(self.error_at(&first, format!("{} is a function; pick another name", quote(&name))));
        }
        if let Some(&(_, line)) = self.names.get(&name) {
            return Err(self.error_at(
                &first,
                format!("{} is already defined on line {line}; each name is defined once", quote(&name)),
            ));
        }
        self.bump();
        self.bump();
        // name = number (with an optional minus) declares an input
        let number = match (self.peek_at(0), self.peek_at(1), self.peek_at(2)) {
            (Tok::Num(v), Tok::End | Tok::Eof, _) => Some(*v),
            (Tok::Sym('-'), Tok::Num(v), Tok::End | Tok::Eof) => Some(-*v),
            _ => None,
        };
        let id = if let Some(v) = number {
            let t = self.peek().clone();
            self.bump();
            if matches!(self.peek().tok, Tok::Num(_)) {
                self.bump();
            }
            let end = self.tokens[self.pos.saturating_sub(1)].end;
            let id = self.graph.input(&name, v).map_err(|e| self.graph_error(&t, e))?;
            self.spans.push(InputSpan { node: id, start: t.start, end });
            id
        } else {
            let id = self.expression()?;
            self.graph.name_node(id, &name);
            id
        };
        self.names.insert(name, (id, first.line));
        Ok((id, true))
    }

    fn enter(&mut self) -> Res<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let t = self.peek().clone();
            return Err(
                self.error_at(&t, format!("the expression is nested too deeply (more than {MAX_DEPTH} levels)"))
            );
        }
        Ok(())
    }

    fn node(&mut self, at: &Token, op: Op, inputs: &[NodeId]) -> Res<NodeId> {
        let r = match *inputs {
            [a] => self.graph.unary(op, a),
            [a, b] => self.graph.binary(op, a, b),
            _ => Err(GraphError::BadInputs),
        };
        r.map_err(|e| self.graph_error(at, e))
    }

    fn constant(&mut self, at: &Token, v: f64) -> Res<NodeId> {
        self.graph.constant(v).map_err(|e| self.graph_error(at, e))
    }

    /// expression := term (('+' | '-') term)*
    fn expression(&mut self) -> Res<NodeId> {
        let mut left = self.term()?;
        while self.is_sym('+') || self.is_sym('-') {
            let t = self.bump();
            let right = self.term()?;
            let op = if t.tok == Tok::Sym('+') { Op::Add } else { Op::Sub };
            left = self.node(&t, op, &[left, right])?;
        }
        Ok(left)
    }

    /// term := unary (('*' | '/') unary)*
    fn term(&mut self) -> Res<NodeId> {
        let mut left = self.unary()?;
        while self.is_sym('*') || self.is_sym('/') {
            let t = self.bump();
            if t.tok == Tok::Sym('*') && self.is_sym('*') {
                let next = self.peek().clone();
                return Err(
                    self.error_at(&next, "`**` is Python's power: here powers are written with `^`, as in `x ^ 2`")
                );
            }
            let right = self.unary()?;
            let op = if t.tok == Tok::Sym('*') { Op::Mul } else { Op::Div };
            left = self.node(&t, op, &[left, right])?;
        }
        Ok(left)
    }

    /// unary := '-' unary | power. A minus right before a plain number is part of the
    /// constant (`-3`), unless a `^` follows (`-3^2` is −(3²)).
    fn unary(&mut self) -> Res<NodeId> {
        if !self.is_sym('-') {
            return self.power();
        }
        let t = self.bump();
        if let (Tok::Num(v), next) = (self.peek_at(0).clone(), self.peek_at(1)) {
            if next != &Tok::Sym('^') {
                self.bump();
                return self.constant(&t, -v);
            }
        }
        self.enter()?;
        let a = self.unary()?;
        self.depth -= 1;
        self.node(&t, Op::Neg, &[a])
    }

    /// power := primary ('^' unary)?  — right-associative through `unary`. A literal exponent
    /// (`x^2`, `x^-1`) makes one `^p` gate; any other exponent is a two-input pow gate.
    fn power(&mut self) -> Res<NodeId> {
        let base = self.primary()?;
        if !self.is_sym('^') {
            return Ok(base);
        }
        let t = self.bump();
        let literal = match (self.peek_at(0), self.peek_at(1), self.peek_at(2)) {
            (Tok::Num(v), n, _) if n != &Tok::Sym('^') => Some((*v, 1)),
            (Tok::Sym('-'), Tok::Num(v), n) if n != &Tok::Sym('^') => Some((-*v, 2)),
            _ => None,
        };
        if let Some((p, len)) = literal {
            for _ in 0..len {
                self.bump();
            }
            return self.node(&t, Op::PowC(p), &[base]);
        }
        self.enter()?;
        let exponent = self.unary()?;
        self.depth -= 1;
        self.node(&t, Op::Pow, &[base, exponent])
    }

    /// primary := number | name | function '(' args ')' | '(' expression ')'
    fn primary(&mut self) -> Res<NodeId> {
        let t = self.peek().clone();
        match t.tok.clone() {
            Tok::Num(v) => {
                self.bump();
                self.constant(&t, v)
            }
            Tok::Sym('(') => {
                self.bump();
                self.enter()?;
                let e = self.expression()?;
                self.depth -= 1;
                self.expect_sym(')', "to close the `(`")?;
                Ok(e)
            }
            Tok::Ident(name) => {
                self.bump();
                if let Some(&(_, arity)) = FUNCTIONS.iter().find(|f| f.0 == name) {
                    return self.call(&t, &name, arity);
                }
                if self.is_sym('(') {
                    let list: Vec<&str> = FUNCTIONS.iter().map(|f| f.0).collect();
                    return Err(self.error_at(
                        &t,
                        format!("unknown function {}; the functions are {}", quote(&name), list.join(", ")),
                    ));
                }
                match self.names.get(&name) {
                    Some(&(id, _)) => Ok(id),
                    None => {
                        let short = name.chars().count() <= 30;
                        let example = if short { format!(", for example `{name} = 1`") } else { String::new() };
                        Err(self.error_at(&t, format!("unknown name {}: define it first{example}", quote(&name))))
                    }
                }
            }
            other => {
                let found = describe(&other);
                Err(self.error_at(&t, format!("expected a number, a name or `(`, found {found}")))
            }
        }
    }

    fn call(&mut self, at: &Token, name: &str, arity: usize) -> Res<NodeId> {
        let usage = if arity == 1 { format!("{name}(a)") } else { format!("{name}(a, b)") };
        if !self.is_sym('(') {
            let t = self.peek().clone();
            return Err(self.error_at(&t, format!("expected `(` after `{name}`: write {usage}")));
        }
        self.bump();
        self.enter()?;
        let mut args = vec![self.expression()?];
        while self.is_sym(',') {
            self.bump();
            args.push(self.expression()?);
        }
        self.depth -= 1;
        if args.len() != arity {
            return Err(self.error_at(
                at,
                format!("{} takes {arity} argument{}: write {usage}", quote(name), if arity == 1 { "" } else { "s" }),
            ));
        }
        self.expect_sym(')', &format!("to close `{name}(`"))?;
        let op = match name {
            "exp" => Op::Exp,
            "log" => Op::Log,
            "sqrt" => Op::Sqrt,
            "tanh" => Op::Tanh,
            "relu" => Op::Relu,
            "abs" => Op::Abs,
            "max" => Op::Max,
            "min" => Op::Min,
            _ if self.options.expand_sigmoid => {
                // σ(a) = 1 / (1 + exp(−a)), gate by gate as in the lecture
                let neg = self.node(at, Op::Neg, &[args[0]])?;
                let exp = self.node(at, Op::Exp, &[neg])?;
                let one = self.constant(at, 1.0)?;
                let plus = self.node(at, Op::Add, &[exp, one])?;
                let one = self.constant(at, 1.0)?;
                return self.node(at, Op::Div, &[one, plus]);
            }
            _ => Op::Sigmoid,
        };
        self.node(at, op, &args)
    }
}

/// For property tests: a chain of statements over the inputs `a`, `b`, `c` (with `vals`):
/// statement `n{i}` applies `forms[ops[i]]` (the last form for larger numbers) to two of the
/// names before it, `{l}` and `{r}` in the form (`"{l} * {r}"`, `"tanh({l})"`).
#[cfg(test)]
pub(crate) fn chain_source(vals: &[f64], ops: &[usize], forms: &[&str]) -> String {
    let mut src = format!("a = {}; b = {}; c = {}\n", vals[0], vals[1], vals[2]);
    let mut last: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    for (i, &op) in ops.iter().enumerate() {
        let (l, r) = (&last[i % last.len()], &last[(i + 1) % last.len()]);
        let e = forms[op.min(forms.len() - 1)].replace("{l}", l).replace("{r}", r);
        src.push_str(&format!("n{i} = {e}\n"));
        last.push(format!("n{i}"));
    }
    src
}

#[cfg(test)]
mod tests;
