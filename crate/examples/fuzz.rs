//! A seeded mutation fuzzer for the lab's inputs (`make fuzz`; `make test` runs each target
//! for a few seconds). It runs on the stable compiler: cargo-fuzz needs a nightly one and
//! libFuzzer, which a fresh CI machine does not have.
//!
//! ```text
//! cargo run --release --example fuzz -- [all | expr | graph-url | lab-url | api | import] [--seconds N] [--seed S]
//! ```
//!
//! Each target starts from its corpus (`tests/fuzz/corpus/<target>/`) and mutates inputs:
//! tokens of its dictionary inserted, ranges cut, copied or spliced from another input,
//! characters replaced (NUL, right-to-left overrides, σ, −…), numbers swapped for hostile ones.
//! An input whose outcome is new (another error, another shape) joins the pool, a poor man's
//! coverage. Each input runs through `backprop_lab::fuzz` (the same functions the tests run);
//! a panic, a broken invariant, an input slower than 5 s or one that needs more than 512 MB is
//! written to `tests/fuzz/found/<target>-<n>.txt` and the run fails: move it to
//! `tests/fuzz/regressions/<target>/` once fixed, and the native tests run it for ever after.

use backprop_lab::fuzz::TARGETS;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts the heap in use and its peak, to catch an input that allocates without bound.
struct Counting;
static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to `System` unchanged; only the counts are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const MAX_BYTES: usize = 512 << 20;
const MAX_TIME: Duration = Duration::from_secs(5);

/// xorshift64*: the same seed, the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const NUMBERS: &[&str] = &[
    "-1",
    "0",
    "-0",
    "1",
    "2",
    "0.5",
    "1e9",
    "1e10",
    "4294967295",
    "4294967296",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "-inf",
    "1e-400",
    "1e-9",
    "9007199254740993",
    "0x10",
    "1_000",
    "2.5",
    "100000",
    "1000000",
    "1000001",
    "511",
    "512",
    "513",
    "400",
    "401",
    "99999999999999999999",
];
const CHARS: &[&str] =
    &["\0", "\u{202e}", "\u{2066}", "σ", "−", "·", "é", "\n", " ", "&", "=", "%", "+", "#", ";", "\"", "<", ">"];
const EXPR: &[&str] = &[
    "x", "y", "f = ", " + ", " * ", " - ", " / ", "^", "**", "(", ")", "exp(", "log(", "sqrt(", "sigmoid(", "relu(",
    "tanh(", "max(", "min(", "abs(", ",", "\n", "; ", "n1", "a = 1", "# note", "((((((((", "))))))))",
];
const URL: &[&str] = &[
    "&",
    "=",
    "view=",
    "graph",
    "train",
    "lr",
    "step",
    "expr=",
    "step=",
    "preset=",
    "sigmoid=expand",
    "embed=1",
    "panels=",
    "hide=",
    "lock=1",
    "autoplay=",
    "pretrain=",
    "run=",
    "theme=",
    "bg=transparent",
    "font=",
    "%00",
    "%E2%80%AE",
    "%3Cimg%20src%3Dx%3E",
    "javascript:",
    "all",
    ",",
];
const LAB: &[&str] = &[
    "&",
    "=",
    "data=",
    "noise=",
    "train=",
    "features=",
    "hidden=",
    "act=",
    "loss=",
    "opt=",
    "lr=",
    "beta=",
    "sched=",
    "batch=",
    "seed=",
    "speed=",
    "eta=",
    "mom=",
    "cond=",
    "lo=",
    "hi=",
    "rates=",
    "steps=",
    "problem=",
    "start=",
    "xor",
    "spiral3",
    "sine",
    "softmax",
    "bce",
    "mse",
    "adam",
    "momentum",
    "warmup_cosine",
    "max",
    "slow",
    "x,y",
    "x2,y2,xy",
    "8,8",
    "none",
    ",",
];
const IMPORT: &[&str] = &["\n", ",", "x,y,label\n", "x,y\n", "# a note\n", "-1", "0", "1", "2", "3", " ", "\r\n"];
const API: &[&str] = &[
    "\ntrain ",
    "\npreview ",
    "\ngrid ",
    "\nneuron ",
    "\nlr ",
    "\nbatch ",
    "\nhidden ",
    "\nadd ",
    "\nremove ",
    "\nprofile ",
    "\nexample ",
    "\ngradients ",
    "\nstep ",
    "\nsweep ",
    "\nadvance ",
    "\nrange ",
    "\nrangeadvance ",
    "\nsurface ",
    "\nnetsurface ",
    "\nreset",
    " ",
];

fn dictionary(target: &str) -> Vec<&'static str> {
    let own = match target {
        "expr" => EXPR,
        "graph-url" => URL,
        "lab-url" => LAB,
        "import" => IMPORT,
        _ => API,
    };
    own.iter().chain(NUMBERS).chain(CHARS).copied().collect()
}

/// A char boundary of `s` at or before byte `i`.
fn boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, input: &str, pool: &[String], dict: &[&str]) -> String {
    let mut s = input.to_string();
    for _ in 0..1 + rng.below(4) {
        let at = boundary(&s, rng.below(s.len() + 1));
        let to = boundary(&s, at + rng.below(12));
        let to = to.max(at);
        match rng.below(7) {
            0 | 1 => s.insert_str(at, dict[rng.below(dict.len())]),
            2 => s.replace_range(at..to, ""),
            3 => {
                // a piece copied elsewhere, now and then many times over (long values)
                let piece = s[at..to].to_string();
                let times = if rng.below(8) == 0 { 1 << rng.below(12) } else { 1 };
                let there = boundary(&s, rng.below(s.len() + 1));
                s.insert_str(there, &piece.repeat(times));
            }
            4 => {
                // splice: this input's head, another's tail
                let other = &pool[rng.below(pool.len())];
                let from = boundary(other, rng.below(other.len() + 1));
                s.truncate(at);
                s.push_str(&other[from..]);
            }
            5 => s.replace_range(at..to, CHARS[rng.below(CHARS.len())]),
            _ => {
                // a number-like run swapped for a hostile number
                let bytes = s.as_bytes();
                let start = (0..s.len()).find(|&i| bytes[i].is_ascii_digit() && i >= at).unwrap_or(at);
                let end = (start..s.len()).find(|&i| !bytes[i].is_ascii_digit() && bytes[i] != b'.').unwrap_or(s.len());
                s.replace_range(start..end, NUMBERS[rng.below(NUMBERS.len())]);
            }
        }
        if s.len() > 20_000 {
            s.truncate(boundary(&s, 20_000));
        }
    }
    s
}

fn corpus(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).map_or(vec![], |d| d.flatten().map(|e| e.path()).collect());
    files.sort();
    files.iter().filter_map(|f| std::fs::read(f).ok()).map(|b| String::from_utf8_lossy(&b).into_owned()).collect()
}

/// Runs one input; what went wrong, if anything, and a short signature of the outcome.
fn run(target: fn(&str) -> Result<(), String>, input: &str) -> (Option<String>, String) {
    PEAK.store(IN_USE.load(Ordering::Relaxed), Ordering::Relaxed);
    let base = IN_USE.load(Ordering::Relaxed);
    let t0 = Instant::now();
    let outcome = std::panic::catch_unwind(|| target(input));
    let took = t0.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let (problem, sig) = match outcome {
        Err(p) => {
            let msg = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
            (Some(format!("panic: {}", msg.unwrap_or_default())), "panic".into())
        }
        Ok(Err(e)) => (Some(e), "broken".into()),
        Ok(Ok(())) => (None, format!("ok{}", input.lines().count().min(8))),
    };
    if problem.is_some() {
        return (problem, sig);
    }
    if took > MAX_TIME {
        return (Some(format!("took {:.1} s (more than {} s)", took.as_secs_f64(), MAX_TIME.as_secs())), sig);
    }
    if peak > MAX_BYTES {
        return (Some(format!("needed {} MB (more than {} MB)", peak >> 20, MAX_BYTES >> 20)), sig);
    }
    // the outcome's shape: how long it took and how much it needed, coarsely
    let shape = format!("{sig}/{}/{}", (took.as_micros() as f64).log2() as u32, (peak.max(1) as f64).log2() as u32);
    (None, shape)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let seconds: f64 = value("--seconds").and_then(|s| s.parse().ok()).unwrap_or(60.0);
    let seed: u64 = value("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let which = args.first().filter(|a| !a.starts_with("--")).cloned().unwrap_or_else(|| "all".into());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fuzz");
    let targets: Vec<_> = TARGETS.iter().filter(|(n, _)| which == "all" || *n == which).collect();
    if targets.is_empty() {
        let names: Vec<&str> = TARGETS.iter().map(|t| t.0).collect();
        eprintln!("no target {which:?}; the targets are all, {}", names.join(", "));
        std::process::exit(2);
    }
    // panics are reported per input, not printed by the default hook
    std::panic::set_hook(Box::new(|_| {}));
    let mut failed = 0;
    for &&(name, target) in &targets {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ name.len() as u64 | 1);
        let mut pool = corpus(&root.join("corpus").join(name));
        pool.extend(corpus(&root.join("regressions").join(name)));
        if pool.is_empty() {
            pool.push(String::new());
        }
        let dict = dictionary(name);
        let mut seen: HashSet<String> = HashSet::new();
        let (start, mut runs, mut found) = (Instant::now(), 0u64, 0);
        while start.elapsed().as_secs_f64() < seconds {
            let parent = pool[rng.below(pool.len())].clone();
            let input = mutate(&mut rng, &parent, &pool, &dict);
            let (problem, shape) = run(target, &input);
            runs += 1;
            if let Some(p) = problem {
                found += 1;
                let dir = root.join("found");
                let _ = std::fs::create_dir_all(&dir);
                let file = dir.join(format!("{name}-{found}.txt"));
                let _ = std::fs::write(&file, &input);
                println!(
                    "{name}: {p}\n  input {:?}\n  saved as {}",
                    input.chars().take(300).collect::<String>(),
                    file.display()
                );
                if found >= 5 {
                    break;
                }
            } else if seen.insert(shape) && pool.len() < 4_000 {
                pool.push(input);
            }
        }
        let rate = runs as f64 / start.elapsed().as_secs_f64().max(1e-9);
        println!(
            "fuzz {name}: {runs} inputs in {:.1} s ({rate:.0}/s, seed {seed}), {} kept, {found} failing",
            start.elapsed().as_secs_f64(),
            pool.len()
        );
        failed += found;
    }
    if failed > 0 {
        std::process::exit(1);
    }
}
