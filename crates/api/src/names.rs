//! The names files are offered under.

/// `运营人员岗位工作制度_v1.1.docx`: the title, made safe as a file name on
/// every operating system.
pub fn file_name(title: &str, suffix: &str, extension: &str) -> String {
    format!("{}_{suffix}.{extension}", safe_title(title))
}

/// `运营人员岗位工作制度_v1.0-v1.1_packet`: a folder named as a file is.
pub fn folder_name(title: &str, suffix: &str) -> String {
    format!("{}_{suffix}", safe_title(title))
}

fn safe_title(title: &str) -> String {
    let safe: String =
        title
            .chars()
            .map(|c| {
                if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
    let safe = safe.trim().trim_matches('.');
    if safe.is_empty() { "policy".to_string() } else { safe.to_string() }
}

#[cfg(test)]
mod tests {
    use super::{file_name, folder_name};

    #[test]
    fn titles_become_safe_file_names() {
        assert_eq!(file_name("运营人员岗位工作制度", "v1.1", "docx"), "运营人员岗位工作制度_v1.1.docx");
        assert_eq!(file_name("A/B: C?", "v2.0", "md"), "A_B_ C__v2.0.md");
        assert_eq!(file_name(" .. ", "v1.0", "html"), "policy_v1.0.html");
        assert_eq!(folder_name("A/B: C?", "v1.0-v1.1_packet"), "A_B_ C__v1.0-v1.1_packet");
    }
}
