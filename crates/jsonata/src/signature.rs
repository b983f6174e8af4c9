//! Function signatures (`<s-n?:s>`): which arguments a function accepts, how a missing one is taken
//! from the context (`-`), and a lone value passed where an array is wanted becomes `[value]`.

use crate::value::Value;
use crate::{Error, Fail};

#[derive(Debug, Clone)]
struct Param {
    /// Type symbols accepted: b n s l a o f, and m for undefined.
    accepts: String,
    is_array: bool,
    /// `a<n>`: the symbol every element must have.
    item: Option<char>,
    optional: bool,
    many: bool,
    context: bool,
}

/// The largest table of (parameter, argument) positions matching may fill: far beyond any real
/// call (a hundred parameters by ten thousand arguments), small in memory.
const MAX_MATCH_CELLS: usize = 1 << 20;

/// The most parameters a signature may have to be matched: matching recurses once per parameter.
const MAX_PARAMS: usize = 256;

#[derive(Debug, Clone)]
pub(crate) struct Signature {
    params: Vec<Param>,
}

pub(crate) fn symbol(v: &Option<Value>) -> char {
    match v {
        None => 'm',
        Some(Value::Null) => 'l',
        Some(Value::Bool(_)) => 'b',
        Some(Value::Number(_)) => 'n',
        Some(Value::String(_)) => 's',
        Some(Value::Array(_)) => 'a',
        Some(Value::Object(_)) => 'o',
        Some(Value::Function(_)) => 'f',
    }
}

fn accepts_for(c: char) -> Option<&'static str> {
    Some(match c {
        'b' => "bm",
        'n' => "nm",
        's' => "sm",
        'l' => "lm",
        'o' => "om",
        'f' => "fm",
        'a' | 'x' => "asnblfom",
        'j' => "asnblom",
        'u' => "bnslm",
        _ => return None,
    })
}

impl Signature {
    pub(crate) fn parse(text: &str, pos: usize) -> Result<Signature, Fail> {
        let chars: Vec<char> = text.chars().collect();
        let mut params: Vec<Param> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                ':' => break,
                '?' | '+' | '-' => {
                    if let Some(p) = params.last_mut() {
                        match c {
                            '?' => p.optional = true,
                            '+' => p.many = true,
                            _ => p.context = true,
                        }
                    }
                }
                '(' => {
                    let mut accepts = String::from("m");
                    i += 1;
                    while i < chars.len() && chars[i] != ')' {
                        if chars[i] == '<' {
                            return Err(Error::syntax(
                                "S0402",
                                "Choice groups containing parameterized types are not supported",
                                pos,
                            ));
                        }
                        accepts.push_str(accepts_for(chars[i]).unwrap_or(""));
                        i += 1;
                    }
                    params.push(Param {
                        accepts,
                        is_array: false,
                        item: None,
                        optional: false,
                        many: false,
                        context: false,
                    });
                }
                '<' => {
                    let Some(p) = params.last_mut().filter(|p| p.is_array || p.accepts == "fm") else {
                        return Err(Error::syntax(
                            "S0401",
                            "Type parameters can only be applied to functions and arrays",
                            pos,
                        ));
                    };
                    let start = i;
                    let mut depth = 0;
                    while i < chars.len() {
                        match chars[i] {
                            '<' => depth += 1,
                            '>' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        i += 1;
                    }
                    if p.is_array {
                        p.item = chars.get(start + 1).copied().filter(|c| *c != '>');
                    }
                }
                _ => {
                    let Some(accepts) = accepts_for(c) else {
                        return Err(Error::syntax("S0201", format!("Syntax error: {c}"), pos));
                    };
                    params.push(Param {
                        accepts: accepts.into(),
                        is_array: c == 'a',
                        item: None,
                        optional: false,
                        many: false,
                        context: false,
                    });
                }
            }
            i += 1;
        }
        Ok(Signature { params })
    }

    /// How many arguments the function wants when a higher-order function calls it.
    pub(crate) fn arity(&self) -> usize {
        self.params.iter().filter(|p| !p.optional).count()
    }

    /// Matches arguments to parameters and returns the arguments the function runs with.
    pub(crate) fn validate(
        &self,
        args: Vec<Option<Value>>,
        context: &Option<Value>,
        name: &str,
    ) -> Result<Vec<Option<Value>>, Fail> {
        let symbols: Vec<char> = args.iter().map(symbol).collect();
        if self.params.len() > MAX_PARAMS
            || (self.params.len() + 1).saturating_mul(symbols.len() + 1) > MAX_MATCH_CELLS
        {
            return Err(Error::new(
                "U1001",
                format!(
                    "Too many arguments ({}) or parameters ({}) to match",
                    symbols.len(),
                    self.params.len()
                ),
            )
            .with_token(name));
        }
        let Some(counts) = self.assign(&symbols) else {
            let good = self.longest_accepted_prefix(&symbols);
            return Err(Error::new(
                "T0410",
                format!("Argument {} of function {name} does not match function signature", good + 1),
            )
            .with_token(name));
        };
        let mut out = Vec::new();
        let mut args = args.into_iter();
        let mut index = 0;
        for (param, &count) in self.params.iter().zip(&counts) {
            if count == 0 && param.context {
                let sym = symbol(context);
                if !param.accepts.contains(sym) {
                    return Err(Error::new(
                        "T0411",
                        format!(
                            "Context value is not a compatible type with argument {} of function {name}",
                            index + 1
                        ),
                    )
                    .with_token(name));
                }
                out.push(match context {
                    // The wrapper around an array input is not part of the context value.
                    Some(Value::Array(a)) if a.outer_wrapper => a.items.first().cloned(),
                    other => other.clone(),
                });
                continue;
            }
            if count == 0 {
                out.push(None);
            }
            for _ in 0..count {
                let mut arg = args.next().flatten();
                index += 1;
                if param.is_array {
                    if let Some(item) = param.item {
                        let ok = match &arg {
                            None => true,
                            Some(Value::Array(a)) => a.items.iter().all(|v| symbol(&Some(v.clone())) == item),
                            other => symbol(other) == item,
                        };
                        if !ok {
                            return Err(Error::new(
                                "T0412",
                                format!("Argument {index} of function {name} must be an array of {item}"),
                            )
                            .with_token(name));
                        }
                    }
                    if let Some(v) = arg.take() {
                        arg = Some(match v {
                            Value::Array(_) => v,
                            other => Value::array(vec![other]),
                        });
                    }
                }
                out.push(arg);
            }
        }
        Ok(out)
    }

    /// How many consecutive symbols from each position parameter `p` accepts, and the fewest
    /// and most arguments it may take from position `s`.
    fn spans(&self, p: usize, symbols: &[char]) -> (Vec<usize>, usize, impl Fn(usize) -> usize) {
        let param = &self.params[p];
        let mut run = vec![0; symbols.len() + 1];
        for s in (0..symbols.len()).rev() {
            if param.accepts.contains(symbols[s]) {
                run[s] = run[s + 1] + 1;
            }
        }
        let min = if param.optional || param.context { 0 } else { 1 };
        let (many, total) = (param.many, symbols.len());
        let most = move |s: usize| if many { total - s } else { 1.min(total - s) };
        (run, min, most)
    }

    /// How many arguments each parameter takes, or `None` when the arguments do not fit. Of the
    /// ways they fit, the one that gives each parameter in turn as many as it can take (as
    /// JSONata's matching does).
    fn assign(&self, symbols: &[char]) -> Option<Vec<usize>> {
        let mut counts = vec![0; self.params.len()];
        let mut failed = None;
        self.assign_from(0, 0, symbols, &mut counts, &mut failed).then_some(counts)
    }

    /// Whether the parameters from `p` on take exactly the arguments from `s` on. A search whose
    /// dead ends are remembered in `failed` (made at the first one): with many optional
    /// parameters it would otherwise take exponential time. It recurses once per parameter, which
    /// [`MAX_PARAMS`] bounds.
    fn assign_from(
        &self,
        p: usize,
        s: usize,
        symbols: &[char],
        counts: &mut [usize],
        failed: &mut Option<Vec<bool>>,
    ) -> bool {
        if p == self.params.len() {
            return s == symbols.len();
        }
        let cell = p * (symbols.len() + 1) + s;
        if failed.as_ref().is_some_and(|f| f[cell]) {
            return false;
        }
        let param = &self.params[p];
        let max = if param.many { symbols.len() - s } else { 1.min(symbols.len() - s) };
        let min = if param.optional || param.context { 0 } else { 1 };
        let accepted = symbols[s..s + max].iter().take_while(|c| param.accepts.contains(**c)).count();
        for n in (min..=accepted).rev() {
            counts[p] = n;
            if self.assign_from(p + 1, s + n, symbols, counts, failed) {
                return true;
            }
        }
        failed.get_or_insert_with(|| vec![false; (self.params.len() + 1) * (symbols.len() + 1)])[cell] = true;
        false
    }

    /// For an error: how many arguments the longest prefix of the signature that matches
    /// anything takes, at most (the next one is the first that does not fit).
    fn longest_accepted_prefix(&self, symbols: &[char]) -> usize {
        let total = symbols.len();
        // reach[s]: the first p parameters take exactly the first s arguments.
        let mut reach = vec![false; total + 1];
        reach[0] = true;
        let mut good = 0;
        for p in 0..self.params.len() {
            let (run, min, most) = self.spans(p, symbols);
            // Each reachable s makes s + min..=s + high reachable: marked as a difference.
            let mut marks = vec![0isize; total + 2];
            for s in (0..=total).filter(|&s| reach[s]) {
                let high = most(s).min(run[s]);
                if min <= high {
                    marks[s + min] += 1;
                    marks[s + high + 1] -= 1;
                }
            }
            let mut open = 0;
            for (s, slot) in reach.iter_mut().enumerate() {
                open += marks[s];
                *slot = open > 0;
            }
            match reach.iter().rposition(|&r| r) {
                Some(end) => good = end,
                None => break,
            }
        }
        good
    }
}
