//! The weights of a policy file as they are written.
//!
//! A JSON number reaches serde as an `f64`, and `59.999999999999999999` is
//! the same `f64` as `60`: a weight with twenty decimals would pass as 60.
//! So the text is scanned once for the literal of every `weight`, which
//! [`crate::Weight::parse`] then reads exactly, and a weight written as a
//! string is refused. The scan only follows the structure (strings,
//! brackets, keys); it runs after the text is known to be valid JSON.

/// The JSON path, literal text and byte offset of every value whose key is
/// `weight`.
pub fn weights(text: &str) -> Vec<(String, String, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Each open container: (is an array, next index, the current key).
    let mut stack: Vec<(bool, usize, Option<String>)> = Vec::new();
    let mut i = 0;
    let path = |stack: &[(bool, usize, Option<String>)]| {
        let mut p = String::new();
        for (array, index, key) in stack {
            if *array {
                p.push_str(&format!("[{}]", index));
            } else if let Some(key) = key {
                if !p.is_empty() {
                    p.push('.');
                }
                p.push_str(key);
            }
        }
        p
    };
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let raw = text.get(start..i.min(text.len())).unwrap_or("");
                // Keys of a policy are plain ASCII names; an escaped key is
                // never `weight`, so the raw text is enough.
                let is_key = text[(i + 1).min(text.len())..].trim_start().starts_with(':');
                if is_key {
                    if let Some((false, _, key)) = stack.last_mut() {
                        *key = Some(raw.to_string());
                    }
                } else if is_weight(&stack) {
                    out.push((path(&stack), format!("\"{raw}\""), start - 1));
                }
                i += 1;
            }
            b'{' => {
                stack.push((false, 0, None));
                i += 1;
            }
            b'[' => {
                stack.push((true, 0, None));
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b',' => {
                if let Some((true, index, _)) = stack.last_mut() {
                    *index += 1;
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                if is_weight(&stack) {
                    out.push((path(&stack), text[start..i].to_string(), start));
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn is_weight(stack: &[(bool, usize, Option<String>)]) -> bool {
    matches!(stack.last(), Some((false, _, Some(key))) if key == "weight")
}

#[cfg(test)]
mod tests {
    use super::weights;

    #[test]
    fn every_weight_is_found_with_its_path_and_text() {
        let text = r#"{"a": {"weight": 59.999999999999999999, "name": "weight", "children": [
            {"weight": 30}, {"x": "\"weight\": 1.234", "weight": "60"}]}, "weight2": 1.5}"#;
        let found = weights(text);
        let paths: Vec<(&str, &str)> = found.iter().map(|(p, l, _)| (p.as_str(), l.as_str())).collect();
        assert_eq!(
            paths,
            [("a.weight", "59.999999999999999999"), ("a.children[0].weight", "30"), ("a.children[1].weight", "\"60\""),]
        );
        for (_, literal, offset) in &found {
            assert!(text[*offset..].starts_with(literal.as_str()), "{literal} at {offset}");
        }
    }
}
