//! The gates. Each op's forward value and its local derivatives sit side by side in
//! [`Op::apply`], so the whole calculus of the engine reads in one screen.

/// One kind of node. Binary ops read inputs `a` and `b`; unary ops read `a`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// A leaf the user declared (`x = -2`); it has a gradient.
    Input,
    /// A literal inside an expression (`1 + exp(-a)`); it gets no gradient.
    Const,
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    /// `a ^ b` with a variable exponent.
    Pow,
    /// `a ^ p` with a constant exponent `p`, drawn as one gate `^p`.
    PowC(f64),
    Exp,
    Log,
    Sqrt,
    Tanh,
    Sigmoid,
    Relu,
    Abs,
    Max,
    Min,
}

/// What a gate does to the gradient flowing back through it, in the lecture's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// add (and sub): every input gets the upstream gradient unchanged (sub negates it for `b`).
    Distributes,
    /// mul: each input gets the upstream gradient times the *other* input.
    SwapsAndScales,
    /// max / min: the winner gets the whole upstream gradient, the loser gets 0.
    Routes,
    /// every other gate: upstream × its local derivative.
    Scales,
    /// A leaf: nothing to send further back.
    Leaf,
}

impl Op {
    /// Number of inputs the op reads.
    pub fn arity(self) -> usize {
        use Op::*;
        match self {
            Input | Const => 0,
            Neg | PowC(_) | Exp | Log | Sqrt | Tanh | Sigmoid | Relu | Abs => 1,
            Add | Sub | Mul | Div | Pow | Max | Min => 2,
        }
    }

    /// Forward value and local derivatives `[∂out/∂a, ∂out/∂b]` (the second is 0 for unary
    /// ops). Non-finite results are returned as they are (NaN, ±∞): they are values, never
    /// panics. Leaves return `a` (their own value) and no derivatives.
    ///
    /// At kinks the engine picks one subgradient: relu'(0) = 0, |x|'(0) = 0, and a tie in
    /// max/min routes the gradient to `a`.
    pub fn apply(self, a: f64, b: f64) -> (f64, [f64; 2]) {
        use Op::*;
        match self {
            Input | Const => (a, [0.0, 0.0]),
            Add => (a + b, [1.0, 1.0]),
            Sub => (a - b, [1.0, -1.0]),
            Mul => (a * b, [b, a]),
            Div => (a / b, [1.0 / b, -a / (b * b)]),
            Neg => (-a, [-1.0, 0.0]),
            Pow => {
                let v = a.powf(b);
                // ∂/∂b = a^b ln a, defined for a > 0; its limit is 0 at a = 0 with b > 0.
                let db = if a > 0.0 {
                    v * a.ln()
                } else if a == 0.0 && b > 0.0 {
                    0.0
                } else {
                    f64::NAN
                };
                (v, [b * a.powf(b - 1.0), db])
            }
            PowC(p) => (a.powf(p), [p * a.powf(p - 1.0), 0.0]),
            Exp => {
                let e = a.exp();
                (e, [e, 0.0])
            }
            Log => (a.ln(), [1.0 / a, 0.0]),
            Sqrt => {
                let s = a.sqrt();
                (s, [0.5 / s, 0.0])
            }
            Tanh => {
                let t = a.tanh();
                (t, [1.0 - t * t, 0.0])
            }
            Sigmoid => {
                let s = sigmoid(a);
                (s, [s * (1.0 - s), 0.0])
            }
            Relu => {
                if a > 0.0 {
                    (a, [1.0, 0.0])
                } else {
                    // relu(NaN) stays NaN so a broken value is never hidden
                    (if a.is_nan() { a } else { 0.0 }, [0.0, 0.0])
                }
            }
            Abs => {
                let d = if a > 0.0 {
                    1.0
                } else if a < 0.0 {
                    -1.0
                } else if a == 0.0 {
                    0.0
                } else {
                    f64::NAN
                };
                (a.abs(), [d, 0.0])
            }
            Max => {
                if a >= b || b.is_nan() {
                    (a, [1.0, 0.0])
                } else {
                    (b, [0.0, 1.0])
                }
            }
            Min => {
                if a <= b || b.is_nan() {
                    (a, [1.0, 0.0])
                } else {
                    (b, [0.0, 1.0])
                }
            }
        }
    }

    /// The role the gate plays in the backward flow.
    pub fn role(self) -> Role {
        use Op::*;
        match self {
            Input | Const => Role::Leaf,
            Add | Sub => Role::Distributes,
            Mul => Role::SwapsAndScales,
            Max | Min => Role::Routes,
            _ => Role::Scales,
        }
    }

    /// Stable lower-case name, used in `data-op` and the Nodes table.
    pub fn name(self) -> &'static str {
        use Op::*;
        match self {
            Input => "input",
            Const => "const",
            Add => "add",
            Sub => "sub",
            Mul => "mul",
            Div => "div",
            Neg => "neg",
            Pow => "pow",
            PowC(_) => "powc",
            Exp => "exp",
            Log => "log",
            Sqrt => "sqrt",
            Tanh => "tanh",
            Sigmoid => "sigmoid",
            Relu => "relu",
            Abs => "abs",
            Max => "max",
            Min => "min",
        }
    }

    /// The symbol drawn inside the gate's circle, as in the lecture figures.
    pub fn symbol(self) -> String {
        use Op::*;
        match self {
            Input | Const => String::new(),
            Add => "+".into(),
            Sub => "−".into(),
            Mul => "×".into(),
            Div => "÷".into(),
            Neg => "−x".into(),
            Pow => "^".into(),
            PowC(p) => format!("^{}", crate::graph::fmt_short(p)),
            Exp => "exp".into(),
            Log => "log".into(),
            Sqrt => "√".into(),
            Tanh => "tanh".into(),
            Sigmoid => "σ".into(),
            Relu => "relu".into(),
            Abs => "|x|".into(),
            Max => "max".into(),
            Min => "min".into(),
        }
    }

    /// The local derivative in words/formula, for the step-through panel.
    pub fn local_rule(self) -> &'static str {
        use Op::*;
        match self {
            Input | Const => "",
            Add => "∂(a+b)/∂a = 1, ∂(a+b)/∂b = 1",
            Sub => "∂(a−b)/∂a = 1, ∂(a−b)/∂b = −1",
            Mul => "∂(ab)/∂a = b, ∂(ab)/∂b = a",
            Div => "∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²",
            Neg => "∂(−a)/∂a = −1",
            Pow => "∂(aᵇ)/∂a = b·aᵇ⁻¹, ∂(aᵇ)/∂b = aᵇ·ln a",
            PowC(_) => "∂(aᵖ)/∂a = p·aᵖ⁻¹",
            Exp => "∂eᵃ/∂a = eᵃ",
            Log => "∂ln a/∂a = 1/a",
            Sqrt => "∂√a/∂a = 1/(2√a)",
            Tanh => "∂tanh a/∂a = 1 − tanh²a",
            Sigmoid => "∂σ(a)/∂a = σ(a)(1 − σ(a))",
            Relu => "∂relu(a)/∂a = 1 if a > 0 else 0",
            Abs => "∂|a|/∂a = sign(a)",
            Max => "the larger input gets 1, the other 0",
            Min => "the smaller input gets 1, the other 0",
        }
    }
}

/// σ(x) = 1 / (1 + e^(−x)), computed without overflow for large |x|.
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}
