//! Rules every piece of text typed by a person obeys, whatever the field.
//!
//! PostgreSQL cannot store the NUL character in text, and the other control characters have no
//! business in a name, a reply or a search: such input is refused with a message next to the
//! field, never passed on to become a server error. Bidirectional overrides (U+202A–U+202E,
//! U+2066–U+2069) can make a name read differently from what it is ("Trojan source"); they are
//! removed from names and titles, which other people read.

use std::fmt;

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextIssue {
    /// A control character (NUL and the like): invisible, unstorable or both.
    ControlCharacter,
}

impl fmt::Display for TextIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextIssue::ControlCharacter => f.write_str(
                "Текст содержит недопустимый служебный символ. Удалите его или наберите текст заново.",
            ),
        }
    }
}

/// Tab, line feed and carriage return are text; every other control character is not.
fn is_forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Refuses text with a control character other than tab and line breaks.
pub fn check(text: &str) -> Result<(), TextIssue> {
    if text.chars().any(is_forbidden) {
        Err(TextIssue::ControlCharacter)
    } else {
        Ok(())
    }
}

/// Whether `c` changes the direction in which the following text is shown.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The text without bidirectional overrides and isolates (for names and titles).
pub fn strip_bidi(text: &str) -> String {
    text.chars().filter(|c| !is_bidi_control(*c)).collect()
}

/// [`check`] for a name or title, and the name without bidirectional controls.
pub fn name(text: &str) -> Result<String, TextIssue> {
    check(text)?;
    Ok(strip_bidi(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn control_characters_are_refused_line_breaks_are_not() {
        assert_eq!(check("ООО «Ромашка»"), Ok(()));
        assert_eq!(check("строка\nвторая\r\n\tотступ"), Ok(()));
        for bad in ["a\0b", "\u{0007}", "x\u{001B}[31m", "\u{007F}", "\u{0085}"] {
            assert_eq!(check(bad), Err(TextIssue::ControlCharacter), "{bad:?}");
        }
    }

    #[test]
    fn bidirectional_overrides_leave_names() {
        assert_eq!(strip_bidi("evil\u{202E}txt.exe"), "eviltxt.exe");
        assert_eq!(strip_bidi("\u{2066}ООО\u{2069} Лето"), "ООО Лето");
        assert_eq!(name("a\u{202D}b"), Ok("ab".to_owned()));
        assert_eq!(name("a\0b"), Err(TextIssue::ControlCharacter));
        // Marks that only hint the direction (LRM, RLM) are ordinary in Arabic or Hebrew names.
        assert_eq!(strip_bidi("a\u{200E}b"), "a\u{200E}b");
    }

    proptest! {
        #[test]
        fn what_passes_has_no_control_and_names_have_no_override(text in any::<String>()) {
            if check(&text).is_ok() {
                prop_assert!(!text.contains('\0'));
            }
            if let Ok(clean) = name(&text) {
                prop_assert!(!clean.chars().any(is_bidi_control));
                prop_assert!(!clean.chars().any(is_forbidden));
            }
        }
    }
}
