//! GitHub's extended autolinks: a bare `https://…`, `http://…` or `www.…`
//! in text is a link, as GitHub and pandoc's `gfm` read it.
//!
//! The rules are GFM's: an address begins at the start of a text or after
//! a character that is not an ASCII letter or digit (GFM names white space
//! and `*_~(`; Chinese text puts an address right after a character, with
//! no space), and it ends at white space or `<`. Trailing punctuation
//! (`?!.,:*_~'"`), a `)` without its `(`, and an entity-like `&…;` are not
//! part of it. Unlike GFM, CJK characters and full-width punctuation end an
//! address too: in Chinese text the address is followed directly by
//! the sentence, "详见https://example.com。".

use crate::tree::Inline;

/// Inlines with every bare address in their plain text runs made a link.
/// Code, links and tracked text are left as they are.
pub fn link(inlines: Vec<Inline>) -> Vec<Inline> {
    if !inlines.iter().any(|i| matches!(i, Inline::Text { text, .. } if might_hold(text))) {
        return inlines;
    }
    let mut out = Vec::with_capacity(inlines.len() + 2);
    for inline in inlines {
        match inline {
            Inline::Text { text, style, change: None } if !style.code && might_hold(&text) => {
                let mut rest = 0;
                for (start, end, url) in find(&text) {
                    if start > rest {
                        out.push(Inline::Text { text: text[rest..start].to_string(), style, change: None });
                    }
                    let children = vec![Inline::Text { text: text[start..end].to_string(), style, change: None }];
                    out.push(Inline::Link { url, children });
                    rest = end;
                }
                if rest < text.len() {
                    out.push(Inline::Text { text: text[rest..].to_string(), style, change: None });
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn might_hold(text: &str) -> bool {
    text.contains("://") || text.contains("www.") || text.contains("WWW.")
}

/// Addresses longer than this stay text: no browser takes a longer one, and
/// it keeps the work per possible start of an address bounded.
const MAX_ADDRESS: usize = 2048;

fn starts_with_ignoring_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Where each address is in `text` (byte range) and the link it makes.
/// Every step is linear in the text, whatever it holds.
fn find(text: &str) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    // Where the run of characters an address may hold ends, for every
    // start before it: the scan for its end is done once per run.
    let mut run_end = 0;
    let mut previous: Option<char> = None;
    for (i, c) in text.char_indices() {
        let boundary = previous.is_none_or(|p| !p.is_ascii_alphanumeric());
        previous = Some(c);
        if i < from || !boundary || !matches!(c, 'h' | 'H' | 'w' | 'W') {
            continue;
        }
        let bytes = &text.as_bytes()[i..];
        let www = starts_with_ignoring_case(bytes, b"www.");
        let scheme = if starts_with_ignoring_case(bytes, b"https://") {
            8
        } else if starts_with_ignoring_case(bytes, b"http://") {
            7
        } else if www {
            0
        } else {
            continue;
        };
        if i >= run_end {
            run_end = i + address_end(&text[i..]);
        }
        if run_end - i > MAX_ADDRESS {
            continue;
        }
        let Some(end) = trim_end(text, i, run_end) else { continue };
        if !valid_domain(&text[i + scheme..end], www) {
            continue;
        }
        let address = &text[i..end];
        let url = if www { format!("http://{address}") } else { address.to_string() };
        if crate::is_safe_url(&url) {
            found.push((i, end, url));
            from = end;
        }
    }
    found
}

/// The length of the address `text` begins with, before any trimming.
fn address_end(text: &str) -> usize {
    text.char_indices().find(|&(_, c)| c.is_whitespace() || c == '<' || ends_in_cjk(c)).map_or(text.len(), |(i, _)| i)
}

fn ends_in_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF)
}

/// The end of the address from `start` to `end` without what GFM leaves
/// out of one; `None` if nothing is left.
fn trim_end(text: &str, start: usize, mut end: usize) -> Option<usize> {
    let parens = |s: &str| {
        s.bytes().fold((0usize, 0usize), |(o, c), b| (o + usize::from(b == b'('), c + usize::from(b == b')')))
    };
    let (mut open, mut close) = parens(&text[start..end]);
    loop {
        let address = &text[start..end];
        let last = address.chars().next_back()?;
        if (last == ')' && close > open) || matches!(last, '?' | '!' | '.' | ',' | ':' | '*' | '_' | '~' | '\'' | '"') {
            close -= usize::from(last == ')');
            end -= 1;
        } else if last == ';'
            && let Some(amp) = address.rfind('&')
            && amp + 2 < address.len()
            && address[amp + 1..address.len() - 1].bytes().all(|b| b.is_ascii_alphanumeric())
        {
            let (o, c) = parens(&address[amp..]);
            (open, close) = (open - o, close - c);
            end = start + amp;
        } else {
            return (end > start).then_some(end);
        }
    }
}

/// A domain of letters, digits, `-` and `_` in parts joined by `.`, with a
/// port for a scheme's; a `www.` address needs a part after `www.`.
fn valid_domain(after_scheme: &str, www: bool) -> bool {
    let end = after_scheme.find(['/', '?', '#']).unwrap_or(after_scheme.len());
    let domain = &after_scheme[..end];
    let host = match domain.split_once(':') {
        Some((host, port)) if !www && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return false,
        None => domain,
    };
    let mut parts = 0;
    for part in host.split('.') {
        if part.is_empty() || !part.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            return false;
        }
        parts += 1;
    }
    parts >= if www { 2 } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(text: &str) -> Vec<(String, String)> {
        link(vec![Inline::text(text)])
            .into_iter()
            .filter_map(|i| match i {
                Inline::Link { url, children } => Some((crate::plain_text(&children), url)),
                _ => None,
            })
            .collect()
    }

    fn pair(text: &str, url: &str) -> (String, String) {
        (text.to_string(), url.to_string())
    }

    /// Regression: bare URLs were not linked, as GitHub links them.
    #[test]
    fn bare_addresses_are_links_without_their_trailing_punctuation() {
        assert_eq!(
            links("See https://example.com/a_b?x=1."),
            [pair("https://example.com/a_b?x=1", "https://example.com/a_b?x=1")]
        );
        assert_eq!(
            links("(www.example.com/wiki/Foo_(bar)), ok"),
            [pair("www.example.com/wiki/Foo_(bar)", "http://www.example.com/wiki/Foo_(bar)")]
        );
        assert_eq!(
            links("详见https://example.com/zh。谢谢"),
            [pair("https://example.com/zh", "https://example.com/zh")]
        );
        assert_eq!(
            links("a http://localhost:8080/x and HTTPS://EXAMPLE.ORG"),
            [
                pair("http://localhost:8080/x", "http://localhost:8080/x"),
                pair("HTTPS://EXAMPLE.ORG", "HTTPS://EXAMPLE.ORG")
            ]
        );
        assert_eq!(links("https://x.y/q&hl; end"), [pair("https://x.y/q", "https://x.y/q")]);
    }

    #[test]
    fn hostile_text_is_read_in_linear_time() {
        let started = std::time::Instant::now();
        for text in [
            "www.!".repeat(200_000),
            format!("https://x.io/{}", ")".repeat(200_000)),
            format!("www.x.io/{}", "&a;".repeat(100_000)),
            "h\u{00E9}".repeat(300_000),
            format!("{} https://ok.io", "www.a.b/".repeat(1000)),
        ] {
            let _ = links(&text);
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        // Longer than any browser takes: text.
        assert_eq!(links(&format!("www.a.b/{}", "x".repeat(MAX_ADDRESS))), []);
    }

    #[test]
    fn what_is_no_address_stays_text() {
        for text in
            ["xhttps://example.com", "www.", "https://", "https://.com", "ftp://example.com", "javascript://x.com"]
        {
            assert_eq!(links(text), [], "{text}");
        }
        let code = vec![Inline::styled("https://example.com", crate::Style { code: true, ..crate::Style::default() })];
        assert_eq!(link(code.clone()), code, "code stays code");
        let all: String = crate::plain_text(&link(vec![Inline::text("a https://x.io/ b www.y.io c")]));
        assert_eq!(all, "a https://x.io/ b www.y.io c", "no text is lost");
    }
}
