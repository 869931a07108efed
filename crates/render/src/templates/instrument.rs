//! Step counters written into template text before Tera compiles it.
//!
//! Tera 2 offers no hook that runs on every loop turn or component call, so
//! a loop with an empty body, or a component that calls itself three times
//! per level, runs unseen for as long as it likes. When a user's templates
//! are in use, every template is therefore compiled with calls to a step
//! counter ([`super::limits`]) added where work repeats:
//!
//! - at the start of each `{% for %}`, `{% component %}` and `{% block %}`
//!   body, weighted by the number of tags in the body, so that a long body
//!   costs more than a short one;
//! - at the end of each template that does not `{% extends %}` another,
//!   weighted by its tags, so that an `{% include %}` in a loop costs what
//!   the included template does;
//! - around the target of each list comprehension (`[x for x in items]`),
//!   charging its length before it is iterated.
//!
//! The counters write nothing, and each mirrors the whitespace control of
//! the tag before it, so output is byte for byte what it was. Nothing is
//! added inside a line break, so line numbers stay true; [`Instrumented`]
//! maps columns back, so errors name the place the user wrote.
//!
//! The scanner below follows Tera's own lexer (`{# #}`, `{% raw %}`, strings
//! with backslash escapes, `-` trimming); it runs only on text that Tera has
//! already accepted, and gives up (returns `None`) on anything it does not
//! understand rather than guess.

/// The step counter: `{{ __pw_step(t=INDEX, n=WEIGHT) }}`.
pub const STEP: &str = "__pw_step";
/// The same at the start of a component's body, which also records the
/// template as the one whose components are being entered.
pub const CALL: &str = "__pw_call";
/// The filter that charges a comprehension's target by its length.
pub const LEN: &str = "__pw_len";

/// A template's text with counters in it, and where they were put.
#[derive(Debug, Clone)]
pub struct Instrumented {
    pub text: String,
    inserts: Vec<Insert>,
}

#[derive(Debug, Clone)]
struct Insert {
    /// 1-based, as Tera counts lines; an insert never holds a line break.
    line: usize,
    /// 0-based column, in characters, in the instrumented line.
    col: usize,
    /// Length in characters (inserts are ASCII).
    len: usize,
    /// For the `) | __pw_len` after a comprehension's target: the target's
    /// columns in the original line, which an error raised by iterating it
    /// is about.
    target: Option<(usize, usize)>,
}

struct Edit {
    at: usize,
    text: String,
    /// Byte range, in the original, of the comprehension target it closes.
    target: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    /// `(`, `[`, `{` or `?[`, by its first byte (`?` for `?[`).
    Open(u8),
    Close,
    /// `.` or `?.`: the identifier after it is an attribute, never a keyword.
    Dot,
    Comma,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

/// The bodies that repeat, by the tag that opens them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    For,
    Component,
    Block,
}

/// `source` with step counters; `index` names the template in the counters'
/// calls. `None` if the text is not something this scanner understands.
pub fn instrument(source: &str, index: usize) -> Option<Instrumented> {
    let bytes = source.as_bytes();
    let mut edits: Vec<Edit> = Vec::new();
    let mut tags = 0usize;
    // Each open body: which, its counter's edit, the tag count at its start,
    // and whether its opening tag trims the whitespace after it.
    let mut open: Vec<(Body, usize, usize, bool)> = Vec::new();
    let mut child = false;
    let mut i = 0;
    while let Some(p) = find_marker(bytes, i) {
        let inner = p + 2 + usize::from(bytes.get(p + 2) == Some(&b'-'));
        match bytes[p + 1] {
            b'#' => i = find(bytes, inner, b"#}")? + 2,
            b'%' => {
                if let Some((len, _)) = skip_tag(&source[inner..], "raw") {
                    i = end_of_raw(source, inner + len)?;
                    continue;
                }
                tags += 1;
                let (toks, end, trim) = lex(source, inner, true)?;
                comprehensions(source, &toks, &mut edits);
                let word = toks.first().filter(|t| t.kind == Kind::Ident).map(|t| &source[t.start..t.end]);
                let opens = match word {
                    Some("for") => Some(Body::For),
                    Some("component") => Some(Body::Component),
                    Some("block") => Some(Body::Block),
                    _ => None,
                };
                let closes = match word {
                    Some("endfor") => Some(Body::For),
                    Some("endcomponent") => Some(Body::Component),
                    Some("endblock") => Some(Body::Block),
                    _ => None,
                };
                if let Some(body) = opens {
                    edits.push(Edit { at: end, text: String::new(), target: None });
                    open.push((body, edits.len() - 1, tags, trim));
                } else if let Some(body) = closes {
                    let (opened, edit, at, trim) = open.pop()?;
                    if opened != body {
                        return None;
                    }
                    let name = if body == Body::Component { CALL } else { STEP };
                    edits[edit].text = counter(name, index, tags - at, trim);
                } else if word == Some("extends") {
                    child = true;
                }
                i = end;
            }
            _ => {
                tags += 1;
                let (toks, end, _) = lex(source, inner, false)?;
                comprehensions(source, &toks, &mut edits);
                i = end;
            }
        }
    }
    if !open.is_empty() {
        return None;
    }
    // A child template may hold nothing outside its blocks; its parent's
    // counter and its blocks' own cover it.
    if !child {
        edits.push(Edit { at: source.len(), text: counter(STEP, index, tags.max(1), false), target: None });
    }
    Some(apply(source, edits))
}

fn counter(name: &str, index: usize, weight: usize, trim: bool) -> String {
    format!("{{{{ {name}(t={index}, n={weight}) {}}}}}", if trim { "-" } else { "" })
}

/// The next `{{`, `{%` or `{#` at or after `from`.
fn find_marker(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    rest.windows(2).position(|w| w[0] == b'{' && matches!(w[1], b'{' | b'%' | b'#')).map(|p| from + p)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| from + p)
}

/// Tera's `skip_tag`: `-? name -?%}` at the start of `text`; the length
/// taken and whether it ends with `-`.
fn skip_tag(text: &str, name: &str) -> Option<(usize, bool)> {
    let mut rest = text.strip_prefix('-').unwrap_or(text);
    rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    rest = rest.strip_prefix(name)?;
    rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let trim = rest.starts_with('-');
    if trim {
        rest = &rest[1..];
    }
    rest = rest.strip_prefix("%}")?;
    Some((text.len() - rest.len(), trim))
}

/// The end of a raw block whose body starts at `from`: past its `{% endraw %}`.
fn end_of_raw(source: &str, mut from: usize) -> Option<usize> {
    loop {
        from = find(source.as_bytes(), from, b"{%")? + 2;
        if let Some((len, _)) = skip_tag(&source[from..], "endraw") {
            return Some(from + len);
        }
    }
}

const TWO_CHAR: [&[u8]; 9] = [b"//", b"**", b"==", b"!=", b">=", b"<=", b"</", b"?.", b"?["];

/// The tokens of a tag (`tag`) or an expression from `from` to its closing
/// delimiter; the position after that and whether it trims what follows.
fn lex(source: &str, mut i: usize, tag: bool) -> Option<(Vec<Tok>, usize, bool)> {
    let b = source.as_bytes();
    let close = if tag { b'%' } else { b'}' };
    let mut toks = Vec::new();
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let rest = b.get(i..).filter(|r| !r.is_empty())?;
        if rest.starts_with(&[b'-', close, b'}']) {
            return Some((toks, i + 3, true));
        }
        if rest.starts_with(&[close, b'}']) {
            return Some((toks, i + 2, false));
        }
        let (kind, len) = if rest.starts_with(b"...") {
            (Kind::Other, 3)
        } else if let Some(two) = rest.get(..2).filter(|t| TWO_CHAR.contains(t)) {
            let kind = match two {
                b"?[" => Kind::Open(b'?'),
                b"?." => Kind::Dot,
                _ => Kind::Other,
            };
            (kind, 2)
        } else {
            match rest[0] {
                c @ (b'(' | b'[' | b'{') => (Kind::Open(c), 1),
                b')' | b']' | b'}' => (Kind::Close, 1),
                b'.' => (Kind::Dot, 1),
                b',' => (Kind::Comma, 1),
                b'+' | b'-' | b'*' | b'/' | b'%' | b'!' | b':' | b'~' | b'|' | b'=' | b'>' | b'<' | b'@' => {
                    (Kind::Other, 1)
                }
                q @ (b'\'' | b'"' | b'`') => (Kind::Other, string_len(rest, q)?),
                c if c.is_ascii_digit() => {
                    let mut dot = false;
                    let len = rest
                        .iter()
                        .take_while(|&&c| {
                            if !dot && c == b'.' {
                                dot = true;
                                true
                            } else {
                                c.is_ascii_digit()
                            }
                        })
                        .count();
                    (Kind::Other, len)
                }
                c if c == b'_' || c.is_ascii_alphabetic() => {
                    let len = rest.iter().take_while(|&&c| c == b'_' || c.is_ascii_alphanumeric()).count();
                    (Kind::Ident, len)
                }
                _ => return None,
            }
        };
        toks.push(Tok { kind, start: i, end: i + len });
        i += len;
    }
}

/// Length of the string literal at the start of `rest`, quotes included.
fn string_len(rest: &[u8], quote: u8) -> Option<usize> {
    let mut escaped = false;
    for (k, &c) in rest.iter().enumerate().skip(1) {
        if escaped {
            escaped = false;
        } else if c == b'\\' {
            escaped = true;
        } else if c == quote {
            return Some(k + 1);
        }
    }
    None
}

/// Wraps the target of each list comprehension in `tokens` as
/// `(target) | __pw_len`: `[e for x in items if c]` → `[e for x in (items) | __pw_len if c]`.
fn comprehensions(source: &str, toks: &[Tok], edits: &mut Vec<Edit>) {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        Expr,
        AwaitIn,
        Target(usize),
        Cond,
    }
    let word = |t: &Tok| (t.kind == Kind::Ident).then(|| &source[t.start..t.end]);
    let close = |edits: &mut Vec<Edit>, start: usize, end: usize| {
        edits.push(Edit { at: end, text: format!(") | {LEN}"), target: Some((start, end)) });
    };
    // (is an array literal's bracket, state); the bottom frame is the tag itself.
    let mut frames: Vec<(bool, State)> = vec![(false, State::Expr)];
    for (k, t) in toks.iter().enumerate() {
        match t.kind {
            Kind::Open(c) => frames.push((c == b'[', State::Expr)),
            Kind::Close => {
                if frames.len() > 1
                    && let Some((_, State::Target(start))) = frames.pop()
                    && k > 0
                {
                    close(edits, start, toks[k - 1].end);
                }
            }
            Kind::Ident if k == 0 || toks[k - 1].kind != Kind::Dot => {
                let Some(top) = frames.last_mut() else { continue };
                match (word(t), top.1) {
                    (Some("for"), State::Expr) if top.0 && loop_variables(source, &toks[k + 1..]) => {
                        top.1 = State::AwaitIn;
                    }
                    (Some("in"), State::AwaitIn) => {
                        if let Some(next) = toks.get(k + 1) {
                            edits.push(Edit { at: next.start, text: "(".into(), target: None });
                            top.1 = State::Target(next.start);
                        }
                    }
                    (Some("if"), State::Target(start)) => {
                        close(edits, start, toks[k - 1].end);
                        top.1 = State::Cond;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// `x in` or `k, v in`: what follows the `for` of a comprehension.
fn loop_variables(source: &str, toks: &[Tok]) -> bool {
    let is = |k: usize, w: &str| toks.get(k).is_some_and(|t| t.kind == Kind::Ident && &source[t.start..t.end] == w);
    let ident = |k: usize| toks.get(k).is_some_and(|t| t.kind == Kind::Ident);
    let comma = toks.get(1).is_some_and(|t| t.kind == Kind::Comma);
    ident(0) && (is(1, "in") || (comma && ident(2) && is(3, "in")))
}

fn apply(source: &str, mut edits: Vec<Edit>) -> Instrumented {
    edits.sort_by_key(|e| e.at);
    let extra: usize = edits.iter().map(|e| e.text.len()).sum();
    let mut text = String::with_capacity(source.len() + extra);
    let mut inserts = Vec::with_capacity(edits.len());
    let position = Positions::new(source);
    let mut copied = 0;
    // Characters inserted so far on the current line.
    let (mut line_of_shift, mut shift) = (0, 0);
    for edit in edits {
        text.push_str(&source[copied..edit.at]);
        copied = edit.at;
        let (line, col) = position.at(edit.at);
        if line != line_of_shift {
            (line_of_shift, shift) = (line, 0);
        }
        let target = edit.target.and_then(|(start, end)| {
            let (start_line, start_col) = position.at(start);
            let (end_line, end_col) = position.at(end);
            (start_line == line && end_line == line).then_some((start_col, end_col))
        });
        inserts.push(Insert { line, col: col + shift, len: edit.text.len(), target });
        shift += edit.text.len();
        text.push_str(&edit.text);
    }
    text.push_str(&source[copied..]);
    Instrumented { text, inserts }
}

/// Byte offsets → Tera's (line, column): lines split at `\n`, columns in characters.
struct Positions<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> Positions<'a> {
    fn new(source: &'a str) -> Positions<'a> {
        let starts = std::iter::once(0).chain(source.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Positions { source, starts }
    }

    fn at(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.source[start..offset].chars().count())
    }
}

impl Instrumented {
    /// A column of `line` in the instrumented text, as a column of the
    /// original; one inside a counter is the place the counter was put.
    pub fn column(&self, line: usize, col: usize) -> usize {
        let mut shift = 0;
        for insert in self.inserts.iter().filter(|i| i.line == line) {
            if col >= insert.col + insert.len {
                shift += insert.len;
            } else if col >= insert.col {
                return insert.col - shift;
            } else {
                break;
            }
        }
        col - shift
    }

    /// A span `start..end` of `line` in the instrumented text, in the
    /// original's columns.
    pub fn span(&self, line: usize, start: usize, end: usize) -> (usize, usize) {
        let within = self.inserts.iter().find(|i| i.line == line && start >= i.col && start < i.col + i.len);
        if let Some((from, to)) = within.and_then(|i| i.target) {
            return (from, to);
        }
        (self.column(line, start), self.column(line, end))
    }
}

/// Tera's error report (`--> name:line:col`, the source line, a `^^^`
/// underline, `note: called from …`) rewritten to show each instrumented
/// template as the user wrote it. `lookup` gives a template's counters and
/// original text by name; templates it does not know are left as they are.
pub fn report_lines<'a>(report: &str, lookup: impl Fn(&str) -> Option<(&'a Instrumented, &'a str)>) -> Vec<String> {
    let mut out = Vec::new();
    // The template and line the report is showing, once a locus names them.
    let mut current: Option<(&'a Instrumented, &'a str, usize)> = None;
    let mut previous_was_source: Option<(usize, &'a str)> = None;
    for line in report.lines() {
        let shown = previous_was_source.take();
        if let Some((name, line_no, col, prefix)) = locus(line) {
            current = lookup(name).map(|(ins, original)| (ins, original, line_no));
            if let Some((ins, _, _)) = current {
                let col = col.saturating_sub(1);
                out.push(format!("{prefix}{name}:{line_no}:{}", ins.span(line_no, col, col).0 + 1));
                continue;
            }
            out.push(line.to_string());
            continue;
        }
        let Some((ins, original, line_no)) = current else {
            out.push(line.to_string());
            continue;
        };
        let number = format!("{line_no} | ");
        if line.starts_with(&number) {
            let text = original.split('\n').nth(line_no - 1).unwrap_or("");
            out.push(format!("{number}{text}"));
            previous_was_source = Some((line_no, text));
            continue;
        }
        let padding = format!("{} | ", " ".repeat(line_no.to_string().len()));
        if let (Some((line_no, text)), Some(underline)) = (shown, line.strip_prefix(&padding))
            && underline.contains('^')
        {
            let start = underline.chars().take_while(|&c| c != '^').count();
            let width = underline.chars().filter(|&c| c == '^').count();
            let (from, to) = ins.span(line_no, start, start + width);
            let mut rebuilt: String = text.chars().take(from).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            rebuilt.push_str(&"^".repeat(to.saturating_sub(from).max(1)));
            out.push(format!("{padding}{rebuilt}"));
            continue;
        }
        out.push(line.to_string());
    }
    out
}

/// `  --> name:3:7` or `note: called from name:3:7`: the name, line, column
/// and what came before the name.
fn locus(line: &str) -> Option<(&str, usize, usize, &str)> {
    let at = if let Some(i) = line.find("--> ") {
        line[..i].trim().is_empty().then_some(i + 4)?
    } else {
        line.strip_prefix("note: called from ").map(|_| "note: called from ".len())?
    };
    let (prefix, locus) = line.split_at(at);
    let mut parts = locus.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line_no = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    Some((name, line_no, col, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(source: &str) -> String {
        instrument(source, 7).expect("instruments").text
    }

    #[test]
    fn loop_bodies_get_a_counter_weighted_by_their_tags() {
        assert_eq!(
            text("{% for x in xs %}{{ x }}, {% endfor %}"),
            "{% for x in xs %}{{ __pw_step(t=7, n=2) }}{{ x }}, {% endfor %}{{ __pw_step(t=7, n=3) }}"
        );
        // The counter keeps the trimming of the tag it follows.
        assert_eq!(
            text("{%- for x in xs -%}\n  {{ x }}\n{%- endfor %}"),
            "{%- for x in xs -%}{{ __pw_step(t=7, n=2) -}}\n  {{ x }}\n{%- endfor %}{{ __pw_step(t=7, n=3) }}"
        );
    }

    #[test]
    fn components_blocks_and_child_templates() {
        assert_eq!(
            text("{% component c(n) %}{{ n }}{% endcomponent c %}{{ <c n={1}/> }}"),
            "{% component c(n) %}{{ __pw_call(t=7, n=2) }}{{ n }}{% endcomponent c %}{{ <c n={1}/> }}{{ __pw_step(t=7, n=4) }}"
        );
        assert_eq!(
            text("{% extends \"base.md\" %}{% block a %}x{% endblock a %}"),
            "{% extends \"base.md\" %}{% block a %}{{ __pw_step(t=7, n=1) }}x{% endblock a %}"
        );
    }

    #[test]
    fn comprehensions_are_charged_by_their_targets() {
        assert_eq!(
            text("{{ [x ~ \"]\" for x in p.a | sort if x != \"for\"] }}"),
            "{{ [x ~ \"]\" for x in (p.a | sort) | __pw_len if x != \"for\"] }}{{ __pw_step(t=7, n=1) }}"
        );
        assert_eq!(
            text("{% set a = [[y for y in x] for k, x in m] %}"),
            "{% set a = [[y for y in (x) | __pw_len] for k, x in (m) | __pw_len] %}{{ __pw_step(t=7, n=1) }}"
        );
        // Attributes and arrays that merely contain the words are left alone.
        assert_eq!(text("{{ [a.for, b] }}"), "{{ [a.for, b] }}{{ __pw_step(t=7, n=1) }}");
    }

    #[test]
    fn comments_raw_blocks_and_strings_are_not_code() {
        let source =
            "{# {% for x in y %} #}{% raw %}{% for a in b %}{% endraw %}{{ \"{% for\" }}{% if a == '%}' %}{% endif %}";
        assert_eq!(text(source), format!("{source}{{{{ __pw_step(t=7, n=3) }}}}"));
    }

    #[test]
    fn columns_map_back_to_the_text_as_written() {
        let source = "{% for x in xs %}{{ x.nme }}{% endfor %}\n{{ [i for i in 5] }}";
        let ins = instrument(source, 0).expect("instruments");
        let col = ins.text.find("x.nme").expect("there");
        assert_eq!(ins.column(1, col), source.find("x.nme").expect("there"));
        // An error about iterating the comprehension's target is about the target.
        let line2 = ins.text.lines().nth(1).expect("two lines");
        let at = line2.find(LEN).expect("filter");
        assert_eq!(ins.span(2, at, at + LEN.len()), (15, 16));
    }

    #[test]
    fn reports_show_the_original_line() {
        let source = "{% for x in xs %}{{ x.nme }}{% endfor %}";
        let ins = instrument(source, 0).expect("instruments");
        let col = ins.text.find("x.nme").expect("there");
        let line = ins.text.lines().next().expect("a line");
        let report = format!(
            "error: Field `nme` is not defined\n --> a.md:1:{}\n  |\n1 | {line}\n  | {}^^^^^",
            col + 1,
            " ".repeat(col)
        );
        let lines = report_lines(&report, |name| (name == "a.md").then_some((&ins, source)));
        assert_eq!(
            lines,
            [
                "error: Field `nme` is not defined".to_string(),
                " --> a.md:1:21".into(),
                "  |".into(),
                format!("1 | {source}"),
                format!("  | {}^^^^^", " ".repeat(20)),
            ]
        );
    }

    #[test]
    fn reports_about_a_comprehension_target_point_at_it() {
        let source = "{{ [x for x in p.goalz if x] }}";
        let ins = instrument(source, 0).expect("instruments");
        let at = ins.text.find(LEN).expect("filter");
        let line = ins.text.lines().next().expect("a line");
        let report = format!(
            "error: Iteration not possible on type `undefined`\n --> a.md:1:{}\n  |\n1 | {line}\n  | {}^^^^^^^^",
            at + 1,
            " ".repeat(at)
        );
        let lines = report_lines(&report, |name| (name == "a.md").then_some((&ins, source)));
        assert_eq!(lines[1], " --> a.md:1:16");
        assert_eq!(lines[4], format!("  | {}{}", " ".repeat(15), "^".repeat("p.goalz".len())));
    }

    /// Renders `templates` as written and with counters, which must agree.
    fn same_output(templates: &[(&str, &str)]) {
        let mut context = tera::Context::new();
        context.insert("items", &["a", " b ", "c"]);
        context.insert("map", &std::collections::BTreeMap::from([("k", 1), ("l", 2)]));
        let mut plain = tera::Tera::new();
        plain.add_raw_templates(templates.iter().copied()).expect("compiles as written");
        let mut counted = tera::Tera::new();
        super::super::limits::register(&mut counted);
        let texts: Vec<(&str, String)> = templates
            .iter()
            .enumerate()
            .map(|(i, (name, text))| (*name, instrument(text, i).expect("instruments").text))
            .collect();
        counted.add_raw_templates(texts.iter().map(|(n, t)| (*n, t.as_str()))).expect("compiles with counters");
        let name = templates[0].0;
        let metering = super::super::limits::start(1_000_000, templates.len());
        assert_eq!(
            counted.render(name, &context).expect("renders with counters"),
            plain.render(name, &context).expect("renders as written"),
            "{texts:#?}"
        );
        assert!(!metering.finish().exhausted);
    }

    #[test]
    fn counters_change_no_output() {
        same_output(&[
            (
                "a.md",
                "{%- for x in items -%}\n  [{{ x }}]\n{%- else -%} none {%- endfor %}\n\
             {% for k, v in map %} {{ k }}={{ v }} {% if v > 1 %}{% break %}{% endif %}{% endfor %}\n\
             {% for i in range(end=5) %}{% if i == 2 %}{% continue %}{% endif %}{{ i }}{% endfor %}\n\
             {% set s %}{% for x in items %}{{ x | trim }}{% endfor %}{% endset %}{{ s }}\n\
             {% filter upper %}{% for x in items -%} {{ x }} {%- endfor %}{% endfilter %}\n\
             {{ [x ~ \"!\" for x in items if x != \"c\"] | join(sep=\",\") }} {{ [k for k, v in map] }}\n\
             {% raw %}{% for x in y %}{{ x }}{% endraw %} {{ 'it\\'s %} }}' }} {# {% for %} #}\n\
             {% component card(title) %}<{{ title }}>{{ body }}{% endcomponent card %}\
             {% <card title=\"t\"> %}{% for x in items %}{{ x }}{% endfor %}{% </card> %}\n\
             {% include \"b.md\" %}  \n",
            ),
            ("b.md", "{% for x in items %}{{ loop.index }}{% endfor -%}  \n  "),
        ]);
        same_output(&[
            ("child.md", "{% extends \"base.md\" %}{% block body -%} ({{ super() }}) {%- endblock body %}"),
            ("base.md", "<{% block body %}{% for x in items %}{{ x }}{% endfor %}{% endblock body %}>\n"),
        ]);
    }

    #[test]
    fn text_it_does_not_understand_is_refused() {
        assert!(instrument("{% for x in xs %}", 0).is_none());
        assert!(instrument("{{ x ", 0).is_none());
        assert!(instrument("{% for x in xs %}{% endblock %}", 0).is_none());
    }
}
