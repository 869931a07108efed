//! Markdown → HTML that can be shown safely in a web view or a browser.
//!
//! User text never runs as HTML: raw HTML is shown as text, images (which
//! would fetch remote content) become their alt text, and only `http`,
//! `https` and `mailto` links and in-page anchors survive.

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

pub fn to_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    let mut dropped_links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, super::parser_options()).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let safe = is_safe_url(&dest_url);
            dropped_links.push(!safe);
            safe.then_some(Event::Start(Tag::Link { link_type, dest_url, title, id }))
        }
        Event::End(TagEnd::Link) => {
            let dropped = dropped_links.pop().unwrap_or(false);
            (!dropped).then_some(Event::End(TagEnd::Link))
        }
        other => Some(other),
    });
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

fn is_safe_url(url: &CowStr<'_>) -> bool {
    let url = url.trim();
    match url.find(':') {
        // A colon before any path character names a scheme.
        Some(colon) if !url[..colon].contains(['/', '?', '#']) => {
            let scheme = url[..colon].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn raw_html_is_inert() {
        let html = to_html("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn dangerous_links_and_images_are_removed() {
        let html = to_html(
            "[x](javascript:alert(1)) [y](JaVaScRiPt:1) ![pic](https://example.com/a.png) [ok](https://example.com)",
        );
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("pic"), "alt text is kept: {html}");
        assert!(html.contains(r#"<a href="https://example.com">ok</a>"#), "{html}");
    }
}
