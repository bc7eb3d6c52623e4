// The worked examples of the backprop lecture, with their expected numbers.
// Exact values are computed here from the formulas; `approx` holds the numbers as the lecture
// prints them (two decimals).

export const sigma = (z) => 1 / (1 + Math.exp(-z));

/** Query string that opens `source` (plus extra params, e.g. {sigmoid: 'expand'}). */
export function exprQuery(source, extra = {}) {
  let q = 'expr=' + encodeURIComponent(source);
  for (const [k, v] of Object.entries(extra)) q += `&${k}=${encodeURIComponent(v)}`;
  return q;
}

// 1. CS231n's first circuit.
export const EX1 = {
  source: 'x = -2; y = 5; z = -4\nq = x + y\nf = q * z',
  inputs: ['x', 'y', 'z'],
  values: { x: -2, y: 5, z: -4, q: 3, f: -12 },
  grads: { x: -4, y: -4, z: 3, q: -4, f: 1 },
  edges: [
    ['x', 'q'],
    ['y', 'q'],
    ['q', 'f'],
    ['z', 'f'],
  ],
};

// 2. The σ neuron, written out with exp and division, and with sigmoid().
const n2 = { w0: 2, x0: -1, w1: -3, x1: -2, w2: -3 };
const s2 = n2.w0 * n2.x0 + n2.w1 * n2.x1 + n2.w2; // = 1
const f2 = sigma(s2);
const ds2 = f2 * (1 - f2);
export const EX2 = {
  source: 'w0 = 2; x0 = -1; w1 = -3; x1 = -2; w2 = -3\nf = 1/(1+exp(-(w0*x0 + w1*x1 + w2)))',
  sigmoidSource: 'w0 = 2; x0 = -1; w1 = -3; x1 = -2; w2 = -3\nf = sigmoid(w0*x0 + w1*x1 + w2)',
  inputs: ['w0', 'x0', 'w1', 'x1', 'w2'],
  f: f2,
  fApprox: 0.73,
  grads: { w0: n2.x0 * ds2, x0: n2.w0 * ds2, w1: n2.x1 * ds2, x1: n2.w1 * ds2, w2: ds2 },
  approx: { w0: -0.2, w1: -0.39, w2: 0.2, x0: 0.39, x1: -0.59 },
};

// 3. The ReLU neuron; its output is unnamed.
export const EX3 = {
  source: 'x0 = 1; x1 = -2; x2 = 3; w0 = -3; w1 = -1; w2 = 2; b = 1\nrelu(x0*w0 + x1*w1 + x2*w2 + b)',
  inputs: ['x0', 'x1', 'x2', 'w0', 'w1', 'w2', 'b'],
  output: 6,
  grads: { w0: 1, w1: -2, w2: 3, x0: -3, x1: -1, x2: 2, b: 1 },
};

// 4. A final-layer neuron with a squared-error loss.
const n4 = { w0: 0.5, x0: 1, w1: -0.3, x1: 2, b: 0.1, d: 1 };
const z4 = n4.w0 * n4.x0 + n4.w1 * n4.x1 + n4.b;
const y4 = sigma(z4);
const delta4 = (y4 - n4.d) * y4 * (1 - y4);
export const EX4 = {
  source: 'w0 = 0.5; x0 = 1; w1 = -0.3; x1 = 2; b = 0.1; d = 1\ny = sigmoid(w0*x0 + w1*x1 + b)\nL = 0.5*(y - d)^2',
  inputs: ['w0', 'x0', 'w1', 'x1', 'b', 'd'],
  values: { y: y4, L: 0.5 * (y4 - n4.d) ** 2 },
  grads: {
    b: delta4,
    w0: delta4 * n4.x0,
    w1: delta4 * n4.x1,
    x0: delta4 * n4.w0,
    x1: delta4 * n4.w1,
    d: -(y4 - n4.d),
  },
};

// 5. One step of a least-squares fit: dE/dθ.
export const EX5 = {
  source: 'theta = 0; x = 1; y = 3\nE = (theta*x^2 - y)^2',
  halfSource: 'theta = 0; x = 1; y = 3\nE = 0.5*(theta*x^2 - y)^2',
  inputs: ['theta', 'x', 'y'],
  // E = (θx² − y)²: dθ = 2r·x², dx = 2r·2θx, dy = −2r with r = θx² − y = −3
  grads: { theta: -6, x: 0, y: 6 },
  halfGrads: { theta: -3, x: 0, y: 3 },
};

// Fan-out: gradients add where a value is used twice.
export const FANOUT = {
  source: 'a = 3\nf = a*a + a',
  grads: { a: 7 },
  values: { f: 12 },
};

export const ALL_EXAMPLES = [
  ['example 1 (x, y, z circuit)', EX1.source, EX1.inputs],
  ['example 2 (σ neuron written out)', EX2.source, EX2.inputs],
  ['example 2 (sigmoid gate)', EX2.sigmoidSource, EX2.inputs],
  ['example 3 (ReLU neuron)', EX3.source, EX3.inputs],
  ['example 4 (final-layer neuron)', EX4.source, EX4.inputs],
  ['example 5 (least squares)', EX5.source, EX5.inputs],
  ['example 5 (least squares, ½)', EX5.halfSource, EX5.inputs],
];
