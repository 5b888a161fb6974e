//! Rust-safe names from spec names.

/// `PascalCase` from any spec name (`post-login` → `PostLogin`, `ListUsers` stays).
pub(crate) fn pascal(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// `snake_case` from a JSON property or parameter name (`clientID` → `client_id`).
pub(crate) fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("field");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// A field, argument or method name: `snake_case`, raw when it is a keyword.
pub(crate) fn field_ident(name: &str) -> String {
    let s = snake(name);
    if matches!(s.as_str(), "self" | "super" | "crate" | "extern" | "Self") {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The name serde sees for an identifier (`r#type` → `type`).
pub(crate) fn serde_name(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// An enum variant name from an enum value (`post-login` → `PostLogin`, `2.0` → `V2_0`).
pub(crate) fn variant(value: &str) -> String {
    let mut out = String::new();
    let mut prev_digit = false;
    for part in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            if prev_digit && first.is_ascii_digit() {
                out.push('_');
            }
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
            prev_digit = part.ends_with(|c: char| c.is_ascii_digit());
        }
    }
    if out.is_empty() {
        return if value.is_empty() {
            "Empty".to_owned()
        } else {
            "Symbol".to_owned()
        };
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Unknown" || out == "Self" {
        out.push_str("Value");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal("post-login"), "PostLogin");
        assert_eq!(snake("clientID"), "client_id");
        assert_eq!(snake("urlLifetimeInSeconds"), "url_lifetime_in_seconds");
        assert_eq!(snake("org.iso.18013.5.1.mDL"), "org_iso_18013_5_1_m_dl");
        assert_eq!(snake("signSAMLRequest"), "sign_saml_request");
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(variant("2.0"), "V2_0");
        assert_eq!(variant(""), "Empty");
        assert_eq!(variant("urn:ietf:params"), "UrnIetfParams");
    }
}
