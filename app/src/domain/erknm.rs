//! Parsing ЕРКНМ (единый реестр контрольных (надзорных) мероприятий) event numbers
//! from whatever a user types, pastes or scans.
//!
//! Accepted forms (surrounding whitespace is always ignored):
//! - a bare number, optionally split into groups by spaces or dashes:
//!   `27220011000100012345`, `2722 0011 0001 0001 2345`, `2722-0011-0001-0001-2345`;
//! - a number after a label: `ЕРКНМ № 27220011000100012345`, `КНМ 2722…`,
//!   `Номер КНМ: 2722…`, `№ 2722…`;
//! - a link to the event's public page on the register, `proverki.gov.ru` or
//!   `www.proverki.gov.ru`, over http or https or without a scheme, the number
//!   being a path segment (`/portal/public-knm/view/2722…`) or a query parameter
//!   (`?knmId=2722…`, `?number=2722…`); query string, fragment and trailing
//!   slash are ignored. A link may be preceded or followed by other words
//!   (`Ссылка на КНМ: https://…`).
//!
//! The module is pure (no I/O, no allocation-heavy dependencies) and builds for
//! `wasm32-unknown-unknown`.

use std::fmt;
use std::str::FromStr;

/// Number of digits in an ЕРКНМ event number.
pub const ERKNM_DIGITS: usize = 20;

/// Hosts of the public register that links may point to (compared in lower case).
const REGISTER_HOSTS: [&str; 2] = ["proverki.gov.ru", "www.proverki.gov.ru"];

/// Query parameter names (lower case) that carry the event number in a register link.
const NUMBER_PARAMS: [&str; 8] = [
    "knmid", "knm_id", "knm", "number", "num", "erknm", "erknmid", "id",
];

/// An ЕРКНМ event number in canonical form: exactly [`ERKNM_DIGITS`] ASCII digits.
///
/// Only [`parse`] (or [`str::parse`]) makes one, so every value is valid.
/// `Display` groups the digits by four for reading (`2722 0011 0001 0001 2345`);
/// [`ErknmNumber::as_str`] gives the canonical digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErknmNumber(String);

impl ErknmNumber {
    /// The canonical digits, e.g. `27220011000100012345`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical digits as an owned `String`.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Link to the event's public page on the register.
    pub fn public_url(&self) -> String {
        format!("https://proverki.gov.ru/portal/public-knm/view/{}", self.0)
    }
}

impl fmt::Display for ErknmNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The digits are ASCII, so byte chunks are whole characters.
        for (i, chunk) in self.0.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            // Cannot fail: ASCII digits only.
            f.write_str(std::str::from_utf8(chunk).map_err(|_| fmt::Error)?)?;
        }
        Ok(())
    }
}

impl AsRef<str> for ErknmNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<ErknmNumber> for String {
    fn from(n: ErknmNumber) -> Self {
        n.0
    }
}

impl FromStr for ErknmNumber {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

/// Why the input is not an ЕРКНМ number. `Display` is a Russian message fit to show the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Nothing but whitespace was given.
    #[error("Введите номер КНМ из ЕРКНМ или ссылку на proverki.gov.ru")]
    Empty,

    /// The digits found are not [`ERKNM_DIGITS`] long.
    #[error("Номер КНМ в ЕРКНМ состоит из 20 цифр, а здесь {} {}", .found, digits_word(*.found))]
    WrongLength {
        /// How many digits were found.
        found: usize,
    },

    /// A character that cannot be part of a number (or of a label before it).
    #[error(
        "Недопустимый символ «{ch}»: номер КНМ может содержать только цифры, пробелы и дефисы"
    )]
    InvalidCharacter {
        /// The first offending character.
        ch: char,
    },

    /// Words that are not a known label («ЕРКНМ», «КНМ», «номер», «№») or several numbers.
    #[error(
        "Не удалось распознать номер КНМ: ожидается номер из 20 цифр или ссылка на proverki.gov.ru"
    )]
    Unrecognized,

    /// A link whose scheme is not http or https.
    #[error("Поддерживаются только ссылки http:// и https:// на proverki.gov.ru")]
    UnsupportedScheme {
        /// The scheme as written, in lower case.
        scheme: String,
    },

    /// A link to a site other than the register.
    #[error("Ссылка ведёт не на реестр проверок proverki.gov.ru, а на «{host}»")]
    ForeignHost {
        /// The host of the link, in lower case.
        host: String,
    },

    /// A register link without a number in it.
    #[error("В ссылке на proverki.gov.ru нет номера КНМ")]
    NoNumberInLink,
}

/// Russian plural of «цифра» for `n`: 1 цифра, 2 цифры, 5 цифр, 11 цифр, 21 цифра.
fn digits_word(n: usize) -> &'static str {
    let (last, last_two) = (n % 10, n % 100);
    if (11..=14).contains(&last_two) {
        "цифр"
    } else if last == 1 {
        "цифра"
    } else if (2..=4).contains(&last) {
        "цифры"
    } else {
        "цифр"
    }
}

/// Parse typed, pasted or scanned text into an ЕРКНМ event number.
pub fn parse(input: &str) -> Result<ErknmNumber, ParseError> {
    let cleaned = normalize(input);
    let text = cleaned.trim();
    if text.is_empty() {
        return Err(ParseError::Empty);
    }

    let tokens: Vec<&str> = text.split_whitespace().collect();
    let links: Vec<&str> = tokens
        .iter()
        .copied()
        .filter(|t| looks_like_link(t))
        .collect();
    match links.as_slice() {
        [] => parse_labelled_number(text),
        [link] => parse_link(trim_link_punctuation(link)),
        _ => Err(ParseError::Unrecognized),
    }
}

/// Remove characters that copy-paste and scanners bring but nobody can see
/// (zero-width spaces and joiners, the byte-order mark, soft hyphens,
/// bidirectional marks), and turn full-width digits into ASCII ones.
fn normalize(input: &str) -> String {
    input
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{202A}'..='\u{202E}'
            )
        })
        .map(|c| match c {
            // Full-width digits, as some on-screen keyboards type them.
            '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
            _ => c,
        })
        .collect()
}

/// Whether a whitespace-free token is meant as a link (and must then pass the host check).
fn looks_like_link(token: &str) -> bool {
    let t = token
        .trim_start_matches(['«', '"', '\'', '(', '<', '['])
        .to_ascii_lowercase();
    if t.contains("://") || t.starts_with("www.") {
        return true;
    }
    // Scheme-less `host/path`: a dotted host of letters followed by a slash.
    match t.split_once('/') {
        Some((host, _)) => {
            host.contains('.')
                && host.chars().any(|c| c.is_ascii_alphabetic())
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '@'))
        }
        None => REGISTER_HOSTS.contains(&t.as_str()),
    }
}

/// Strip quotes and sentence punctuation that may surround a link in text.
fn trim_link_punctuation(link: &str) -> &str {
    link.trim_start_matches(['«', '"', '\'', '(', '<', '['])
        .trim_end_matches(['»', '"', '\'', ')', '>', ']', '.', ',', ';', '!'])
}

/// Characters allowed between digit groups: whitespace, hyphen-minus and the Unicode dashes.
fn is_group_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// Punctuation that may stand between a label and the number (`ЕРКНМ № `, `КНМ: `, `«`).
fn is_label_punctuation(c: char) -> bool {
    matches!(
        c,
        '№' | '#' | ':' | '.' | ',' | '(' | ')' | '«' | '»' | '"' | '\''
    ) || is_group_separator(c)
}

/// Punctuation that may follow the number (`… 2345.`, `… 2345»`).
fn is_trailing_punctuation(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | ')' | '»' | '"' | '\'') || c.is_whitespace()
}

/// Text that is a number, possibly with a label before it and punctuation after it.
fn parse_labelled_number(text: &str) -> Result<ErknmNumber, ParseError> {
    let first_digit = text.find(|c: char| c.is_ascii_digit());
    let Some(first_digit) = first_digit else {
        return Err(text
            .chars()
            .find(|c| !is_label_punctuation(*c) && !c.is_alphabetic())
            .map(|ch| ParseError::InvalidCharacter { ch })
            .unwrap_or(ParseError::Unrecognized));
    };
    // `rfind` on an ASCII digit gives the byte index of that one-byte char.
    let last_digit = text
        .rfind(|c: char| c.is_ascii_digit())
        .unwrap_or(first_digit);
    let (prefix, rest) = text.split_at(first_digit);
    let (body, tail) = rest.split_at(last_digit + 1 - first_digit);

    check_label(prefix)?;

    let mut digits = String::with_capacity(ERKNM_DIGITS);
    for c in body.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !is_group_separator(c) {
            return Err(if c.is_alphabetic() {
                ParseError::Unrecognized
            } else {
                ParseError::InvalidCharacter { ch: c }
            });
        }
    }

    if let Some(ch) = tail.chars().find(|c| !is_trailing_punctuation(*c)) {
        return Err(if ch.is_alphabetic() {
            ParseError::Unrecognized
        } else {
            ParseError::InvalidCharacter { ch }
        });
    }

    check_length(digits)
}

/// The text before the first digit must be empty, punctuation only, or a known label.
fn check_label(prefix: &str) -> Result<(), ParseError> {
    if let Some(ch) = prefix
        .chars()
        .find(|c| !c.is_alphabetic() && !is_label_punctuation(*c))
    {
        return Err(ParseError::InvalidCharacter { ch });
    }
    if !prefix.chars().any(char::is_alphabetic) {
        return Ok(());
    }
    let lower = prefix.to_lowercase();
    // `N`, `No`, `Nr` alone are number signs.
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().all(|w| matches!(*w, "n" | "no" | "nr")) {
        return Ok(());
    }
    let folded = fold_latin_lookalikes(&lower);
    let known = ["knm", "number"].iter().any(|k| lower.contains(k))
        || ["кнм", "номер"].iter().any(|k| folded.contains(k));
    if known {
        Ok(())
    } else {
        Err(ParseError::Unrecognized)
    }
}

/// Map Latin letters that look like Cyrillic ones to those (`KHM` → `кнм`, `EPKHM` → `еркнм`),
/// since labels are often typed in the wrong keyboard layout's look-alike letters.
fn fold_latin_lookalikes(lower: &str) -> String {
    lower
        .chars()
        .map(|c| match c {
            'a' => 'а',
            'b' => 'в',
            'c' => 'с',
            'e' => 'е',
            'h' => 'н',
            'k' => 'к',
            'm' => 'м',
            'o' => 'о',
            'p' => 'р',
            't' => 'т',
            'x' => 'х',
            'y' => 'у',
            other => other,
        })
        .collect()
}

fn check_length(digits: String) -> Result<ErknmNumber, ParseError> {
    if digits.len() == ERKNM_DIGITS {
        Ok(ErknmNumber(digits))
    } else {
        Err(ParseError::WrongLength {
            found: digits.len(),
        })
    }
}

/// Parse a link (already stripped of surrounding punctuation).
fn parse_link(link: &str) -> Result<ErknmNumber, ParseError> {
    let (scheme, rest) = match link.find("://") {
        Some(i) => (Some(link[..i].to_ascii_lowercase()), &link[i + 3..]),
        None => (None, link),
    };
    if let Some(scheme) = scheme {
        if scheme != "http" && scheme != "https" {
            return Err(ParseError::UnsupportedScheme { scheme });
        }
    }

    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);
    // `user@host`: the host is after the last `@` (so `proverki.gov.ru@evil.example` is foreign).
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host_port,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if !REGISTER_HOSTS.contains(&host.as_str()) {
        return Err(ParseError::ForeignHost {
            host: if host.is_empty() {
                authority.to_string()
            } else {
                host
            },
        });
    }
    if authority.contains('@') {
        // The register's links never carry user info; such a link is crafted, not scanned.
        return Err(ParseError::Unrecognized);
    }

    let (before_fragment, fragment) = match after.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (after, None),
    };
    let mut candidates = Vec::new();
    collect_candidates(before_fragment, &mut candidates);
    // Hash-routed pages: `/portal/#/public-knm/view/2722…`.
    if let Some(fragment) = fragment {
        collect_candidates(fragment, &mut candidates);
    }

    if let Some(found) = candidates.iter().find(|c| c.len() == ERKNM_DIGITS) {
        return Ok(ErknmNumber(found.clone()));
    }
    match candidates.first() {
        Some(c) => Err(ParseError::WrongLength { found: c.len() }),
        None => Err(ParseError::NoNumberInLink),
    }
}

/// Digit strings in a `path?query` part of a link, most trustworthy first:
/// all-digit path segments (last one first), then values of known number parameters,
/// then any other all-digit parameter value.
fn collect_candidates(path_and_query: &str, out: &mut Vec<String>) {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, q),
        None => (path_and_query, ""),
    };

    let segments: Vec<String> = path
        .split('/')
        .map(percent_decode)
        .filter(|s| is_digit_string(s))
        .collect();
    out.extend(segments.into_iter().rev());

    let params: Vec<(String, String)> = query
        .split(['&', ';'])
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            let value = percent_decode(v);
            // Group separators are tolerated in parameter values (`2722-0011-…`, `2722+0011`).
            let value: String = value.chars().filter(|c| !is_group_separator(*c)).collect();
            Some((percent_decode(k).to_ascii_lowercase(), value))
        })
        .filter(|(_, v)| is_digit_string(v))
        .collect();
    for (_, v) in params
        .iter()
        .filter(|(k, _)| NUMBER_PARAMS.contains(&k.as_str()))
    {
        out.push(v.clone());
    }
    for (_, v) in params
        .iter()
        .filter(|(k, _)| !NUMBER_PARAMS.contains(&k.as_str()))
    {
        out.push(v.clone());
    }
}

fn is_digit_string(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Decode `%XX` escapes and `+` (as a space); invalid escapes are kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const N: &str = "27220011000100012345";

    #[test]
    fn accepts_valid_inputs() {
        let cases: &[(&str, &str)] = &[
            // Bare numbers and typed groupings.
            ("27220011000100012345", "bare"),
            ("  27220011000100012345 \n", "surrounding whitespace"),
            ("\t27220011000100012345\r\n", "tabs and CRLF"),
            ("2722 0011 0001 0001 2345", "groups of four"),
            ("2722-0011-0001-0001-2345", "dashes"),
            ("2722 - 0011 - 0001 - 0001 - 2345", "spaced dashes"),
            ("27 22 0011000 1000 12345", "irregular groups"),
            ("2722\u{00A0}0011\u{00A0}0001\u{00A0}0001\u{00A0}2345", "no-break spaces"),
            ("2722\u{202F}0011\u{2009}0001 0001 2345", "narrow and thin spaces"),
            ("2722–0011—0001‑0001−2345", "unicode dashes and minus"),
            ("\u{FEFF}27220011000100012345\u{200B}", "BOM and zero-width space"),
            ("2722\u{00AD}0011000100012345", "soft hyphen"),
            ("２７２２ ００１１ ０００１ ０００１ ２３４５", "full-width digits"),
            ("27220011000100012345.", "trailing full stop"),
            ("«27220011000100012345»", "guillemets"),
            ("\"27220011000100012345\"", "quotes"),
            ("(27220011000100012345)", "parentheses"),
            // Labels.
            ("ЕРКНМ № 27220011000100012345", "ЕРКНМ №"),
            ("ЕРКНМ №27220011000100012345", "№ without space"),
            ("ЕРКНМ: 27220011000100012345", "ЕРКНМ colon"),
            ("еркнм 27220011000100012345", "lower case"),
            ("КНМ 27220011000100012345", "КНМ"),
            ("КНМ № 2722 0011 0001 0001 2345", "КНМ with groups"),
            ("Номер КНМ: 27220011000100012345", "Номер КНМ"),
            ("Учётный номер КНМ 27220011000100012345", "Учётный номер КНМ"),
            ("Номер: 27220011000100012345", "Номер"),
            ("№ 27220011000100012345", "number sign only"),
            ("N 27220011000100012345", "Latin N"),
            ("No. 27220011000100012345", "No."),
            ("#27220011000100012345", "hash"),
            ("ERKNM 27220011000100012345", "ERKNM"),
            ("KNM #27220011000100012345", "KNM"),
            ("EPKHM № 27220011000100012345", "Latin look-alikes of ЕРКНМ"),
            ("KHM 27220011000100012345", "Latin look-alikes of КНМ"),
            ("КНМ (ЕРКНМ): 27220011000100012345;", "label with parentheses, trailing semicolon"),
            ("КНМ - 27220011000100012345", "label then dash"),
            // Links.
            ("https://proverki.gov.ru/portal/public-knm/view/27220011000100012345", "https link"),
            ("http://proverki.gov.ru/portal/public-knm/view/27220011000100012345", "http link"),
            ("https://www.proverki.gov.ru/portal/public-knm/view/27220011000100012345", "www"),
            ("HTTPS://PROVERKI.GOV.RU/portal/public-knm/view/27220011000100012345", "upper case"),
            ("https://proverki.gov.ru/portal/public-knm/view/27220011000100012345/", "trailing slash"),
            ("https://proverki.gov.ru/portal/public-knm/view/27220011000100012345?utm_source=qr", "query"),
            ("https://proverki.gov.ru/portal/public-knm/view/27220011000100012345#top", "fragment"),
            ("https://proverki.gov.ru/portal/public-knm/view/27220011000100012345/?a=1#b", "all of it"),
            ("https://proverki.gov.ru:443/portal/public-knm/view/27220011000100012345", "port"),
            ("https://proverki.gov.ru./portal/public-knm/view/27220011000100012345", "FQDN dot"),
            ("proverki.gov.ru/portal/public-knm/view/27220011000100012345", "no scheme"),
            ("www.proverki.gov.ru/portal/public-knm/view/27220011000100012345", "www no scheme"),
            ("https://proverki.gov.ru/portal/public-knm?knmId=27220011000100012345", "knmId"),
            ("https://proverki.gov.ru/portal/public-knm/view?number=27220011000100012345", "number"),
            ("https://proverki.gov.ru/portal/public-knm?KNMID=27220011000100012345&x=1", "param case"),
            ("https://proverki.gov.ru/portal/public-knm?x=1&knmId=27220011000100012345#f", "second param"),
            ("https://proverki.gov.ru/search?q=&erknm=2722-0011-0001-0001-2345", "dashes in param"),
            ("https://proverki.gov.ru/search?number=2722+0011+0001+0001+2345", "plus in param"),
            ("https://proverki.gov.ru/search?number=2722%200011%200001%200001%202345", "%20 in param"),
            ("https://proverki.gov.ru/search?page=2&foo=27220011000100012345", "unknown param name"),
            ("https://proverki.gov.ru/portal/#/public-knm/view/27220011000100012345", "hash routing"),
            ("https://proverki.gov.ru/portal/public-knm/view/%32%37220011000100012345", "escaped digits"),
            ("Ссылка на КНМ: https://proverki.gov.ru/portal/public-knm/view/27220011000100012345.", "link in a sentence"),
            ("<https://proverki.gov.ru/portal/public-knm/view/27220011000100012345>", "angle brackets"),
            ("«https://proverki.gov.ru/portal/public-knm/view/27220011000100012345»", "guillemets around link"),
        ];
        for (input, what) in cases {
            match parse(input) {
                Ok(n) => assert_eq!(n.as_str(), N, "{what}: {input:?}"),
                Err(e) => panic!("{what}: {input:?} was rejected: {e} ({e:?})"),
            }
        }
    }

    #[test]
    fn rejects_invalid_inputs() {
        use ParseError::*;
        let cases: &[(&str, ParseError)] = &[
            ("", Empty),
            ("   \t\n", Empty),
            ("\u{200B}\u{FEFF}", Empty),
            ("2722001100010001234", WrongLength { found: 19 }),
            ("272200110001000123456", WrongLength { found: 21 }),
            ("1", WrongLength { found: 1 }),
            ("2722 0011 0001 0001", WrongLength { found: 16 }),
            ("ЕРКНМ № 2722", WrongLength { found: 4 }),
            ("2722 0011 0001 0001 2345 6", WrongLength { found: 21 }),
            ("2722a0011000100012345", Unrecognized),
            ("27220011000100012345 от 01.02.2024", Unrecognized),
            ("2722_0011_0001_0001_2345", InvalidCharacter { ch: '_' }),
            ("2722/0011/0001/0001/2345", InvalidCharacter { ch: '/' }),
            ("2722.0011.0001.0001.2345", InvalidCharacter { ch: '.' }),
            ("+27220011000100012345", InvalidCharacter { ch: '+' }),
            ("27220011000100012345?", InvalidCharacter { ch: '?' }),
            ("ЕРКНМ", Unrecognized),
            ("hello", Unrecognized),
            ("abc 27220011000100012345", Unrecognized),
            ("ИНН 27220011000100012345", Unrecognized),
            ("телефон 27220011000100012345", Unrecognized),
            ("@@@", InvalidCharacter { ch: '@' }),
            ("٢٧٢٢٠٠١١٠٠٠١٠٠٠١٢٣٤٥", InvalidCharacter { ch: '٢' }),
            ("https://example.com/portal/public-knm/view/27220011000100012345", ForeignHost { host: "example.com".into() }),
            ("https://proverki.gov.ru.evil.example/view/27220011000100012345", ForeignHost { host: "proverki.gov.ru.evil.example".into() }),
            ("https://evilproverki.gov.ru/view/27220011000100012345", ForeignHost { host: "evilproverki.gov.ru".into() }),
            ("https://m.proverki.gov.ru/view/27220011000100012345", ForeignHost { host: "m.proverki.gov.ru".into() }),
            ("https://proverki.gov.ru@evil.example/view/27220011000100012345", ForeignHost { host: "evil.example".into() }),
            ("https://user@proverki.gov.ru/view/27220011000100012345", Unrecognized),
            ("https://gosuslugi.ru/?knmId=27220011000100012345", ForeignHost { host: "gosuslugi.ru".into() }),
            ("evil.example/view/27220011000100012345", ForeignHost { host: "evil.example".into() }),
            ("www.evil.example/27220011000100012345", ForeignHost { host: "www.evil.example".into() }),
            ("ftp://proverki.gov.ru/27220011000100012345", UnsupportedScheme { scheme: "ftp".into() }),
            ("javascript://proverki.gov.ru/%0A27220011000100012345", UnsupportedScheme { scheme: "javascript".into() }),
            ("https://proverki.gov.ru/portal/public-knm", NoNumberInLink),
            ("https://proverki.gov.ru", NoNumberInLink),
            ("proverki.gov.ru", NoNumberInLink),
            ("https://proverki.gov.ru/portal/public-knm/view/2722001100010001234", WrongLength { found: 19 }),
            ("https://proverki.gov.ru/portal/public-knm?knmId=123", WrongLength { found: 3 }),
            (
                "https://proverki.gov.ru/view/27220011000100012345 https://proverki.gov.ru/view/27220011000100012346",
                Unrecognized,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input).as_ref(), Err(expected), "input {input:?}");
        }
    }

    #[test]
    fn link_prefers_path_over_query_and_named_over_unnamed_params() {
        let cases: &[(&str, &str)] = &[
            (
                "https://proverki.gov.ru/view/11111111111111111111?knmId=22222222222222222222",
                "11111111111111111111",
            ),
            (
                "https://proverki.gov.ru/view?page=33333333333333333333&knmId=22222222222222222222",
                "22222222222222222222",
            ),
            // A short digit segment (e.g. a page or API version) does not hide the number.
            (
                "https://proverki.gov.ru/api/2/knm/view/27220011000100012345/3",
                N,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input).unwrap().as_str(), *expected, "input {input:?}");
        }
    }

    #[test]
    fn display_groups_digits_by_four() {
        let n = parse(N).unwrap();
        assert_eq!(n.to_string(), "2722 0011 0001 0001 2345");
        assert_eq!(format!("{n}"), "2722 0011 0001 0001 2345");
        // The grouped form parses back to the same number.
        let grouped = n.to_string();
        assert_eq!(parse(&grouped), Ok(n.clone()));
        assert_eq!(n.as_str(), N);
        assert_eq!(n.as_ref(), N);
        assert_eq!(String::from(n.clone()), N);
        assert_eq!(n.clone().into_string(), N);
        assert_eq!(N.parse::<ErknmNumber>(), Ok(n.clone()));
        assert_eq!(
            n.public_url(),
            "https://proverki.gov.ru/portal/public-knm/view/27220011000100012345"
        );
        // Its own link parses back too.
        assert_eq!(parse(&n.public_url()), Ok(n));
    }

    #[test]
    fn error_messages_are_russian() {
        let cases: &[(ParseError, &str)] = &[
            (ParseError::Empty, "Введите номер КНМ из ЕРКНМ или ссылку на proverki.gov.ru"),
            (ParseError::WrongLength { found: 1 }, "Номер КНМ в ЕРКНМ состоит из 20 цифр, а здесь 1 цифра"),
            (ParseError::WrongLength { found: 3 }, "Номер КНМ в ЕРКНМ состоит из 20 цифр, а здесь 3 цифры"),
            (ParseError::WrongLength { found: 19 }, "Номер КНМ в ЕРКНМ состоит из 20 цифр, а здесь 19 цифр"),
            (ParseError::WrongLength { found: 21 }, "Номер КНМ в ЕРКНМ состоит из 20 цифр, а здесь 21 цифра"),
            (ParseError::WrongLength { found: 22 }, "Номер КНМ в ЕРКНМ состоит из 20 цифр, а здесь 22 цифры"),
            (ParseError::WrongLength { found: 12 }, "Номер КНМ в ЕРКНМ состоит из 20 цифр, а здесь 12 цифр"),
            (
                ParseError::InvalidCharacter { ch: '_' },
                "Недопустимый символ «_»: номер КНМ может содержать только цифры, пробелы и дефисы",
            ),
            (
                ParseError::ForeignHost { host: "example.com".into() },
                "Ссылка ведёт не на реестр проверок proverki.gov.ru, а на «example.com»",
            ),
            (
                ParseError::UnsupportedScheme { scheme: "ftp".into() },
                "Поддерживаются только ссылки http:// и https:// на proverki.gov.ru",
            ),
            (ParseError::NoNumberInLink, "В ссылке на proverki.gov.ru нет номера КНМ"),
            (
                ParseError::Unrecognized,
                "Не удалось распознать номер КНМ: ожидается номер из 20 цифр или ссылка на proverki.gov.ru",
            ),
        ];
        for (err, msg) in cases {
            assert_eq!(err.to_string(), *msg);
        }
    }

    #[test]
    fn plural_forms() {
        let cases = [
            (0, "цифр"),
            (1, "цифра"),
            (2, "цифры"),
            (4, "цифры"),
            (5, "цифр"),
            (11, "цифр"),
            (12, "цифр"),
            (14, "цифр"),
            (21, "цифра"),
            (23, "цифры"),
            (25, "цифр"),
            (101, "цифра"),
            (111, "цифр"),
        ];
        for (n, word) in cases {
            assert_eq!(digits_word(n), word, "n = {n}");
        }
    }

    #[test]
    fn percent_decoding() {
        let cases = [
            ("abc", "abc"),
            ("%32%37", "27"),
            ("a+b", "a b"),
            ("%", "%"),
            ("%2", "%2"),
            ("%zz1", "%zz1"),
            ("100%", "100%"),
            ("%D0%9A%D0%9D%D0%9C", "КНМ"),
        ];
        for (input, out) in cases {
            assert_eq!(percent_decode(input), out, "input {input:?}");
        }
    }

    /// Deterministic pseudo-random inputs: `parse` never panics, and whatever it accepts
    /// is canonical and survives a round trip through `Display`.
    #[test]
    fn never_panics_on_arbitrary_input() {
        let alphabet: Vec<char> =
            "0123456789 -–№#:./?=&%+@«»ЕРКНМкнмNnoabhttps:/proverki.gov.ru\u{00A0}\u{200B}\u{FEFF}x_é中"
                .chars()
                .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 60) as usize;
            let s: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            if let Ok(n) = parse(&s) {
                assert_eq!(n.as_str().len(), ERKNM_DIGITS, "{s:?}");
                assert!(n.as_str().bytes().all(|b| b.is_ascii_digit()), "{s:?}");
                let grouped = n.to_string();
                assert_eq!(parse(&grouped), Ok(n.clone()), "{s:?}");
            }
        }
    }
}
