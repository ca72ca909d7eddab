//! Files people attach (the evidence of a representation request now; appeals and complaints
//! later): the limits and the accepted types, shared by the form (instant feedback) and the
//! server (the authority, which checks the type by the content, never by the name).

use serde::{Deserialize, Serialize};

/// Largest file accepted, in bytes (10 MiB).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most files one upload or one request may carry.
pub const MAX_FILES: usize = 3;
/// Longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// What the file input accepts (the server checks the content all the same).
pub const ACCEPT: &str = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png";

/// The kinds of file accepted: scans and documents that every office can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

impl FileType {
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }

    pub fn from_mime(mime: &str) -> Option<FileType> {
        [FileType::Pdf, FileType::Jpeg, FileType::Png]
            .into_iter()
            .find(|t| t.mime() == mime)
    }
}

/// A stored file as its readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

impl FileView {
    /// Where the file is downloaded from (only by those allowed to see it).
    pub fn url(&self) -> String {
        format!("/api/files/{}", self.id)
    }
}

/// The name to keep: the last path component, without control characters, bounded; a name
/// that is left empty becomes «файл».
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "файл".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// «10 МБ» in messages.
pub fn max_size_text() -> String {
    format!("{} МБ", MAX_FILE_BYTES / 1024 / 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_paths_and_control_characters() {
        assert_eq!(
            clean_name("C:\\Users\\anna\\доверенность.pdf"),
            "доверенность.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("вы\u{0}писка\n.png"), "выписка.png");
        assert_eq!(clean_name("  "), "файл");
        assert_eq!(clean_name(".."), "файл");
        assert_eq!(clean_name(&"я".repeat(300)).chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn types_round_trip_through_their_mime_names() {
        for t in [FileType::Pdf, FileType::Jpeg, FileType::Png] {
            assert_eq!(FileType::from_mime(t.mime()), Some(t));
        }
        assert_eq!(FileType::from_mime("text/html"), None);
        assert_eq!(max_size_text(), "10 МБ");
    }
}
