//! Russian registry numbers of organisations: ИНН (taxpayer number) and ОГРН/ОГРНИП (state
//! registration number), with their check digits. Messages are in Russian because they are shown
//! next to the form field as they are.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a registry number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    NotDigits,
    WrongLength {
        expected: &'static str,
        found: usize,
    },
    Checksum,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::Empty => f.write_str("Укажите номер."),
            NumberError::NotDigits => f.write_str("Номер должен состоять только из цифр."),
            NumberError::WrongLength { expected, found } => {
                write!(
                    f,
                    "Номер должен содержать {expected} цифр, а введено {found}."
                )
            }
            NumberError::Checksum => f.write_str(
                "Номер не прошёл проверку контрольной суммы: проверьте, нет ли опечатки.",
            ),
        }
    }
}

impl std::error::Error for NumberError {}

/// Which kind of taxpayer an ИНН belongs to, known from its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InnKind {
    /// 10 digits: a legal entity (ЮЛ).
    LegalEntity,
    /// 12 digits: a person — sole trader (ИП) or self-employed.
    Individual,
}

/// A valid ИНН.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Inn(String);

const INN10_WEIGHTS: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_11: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_12: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

fn digits(input: &str) -> Result<Vec<u32>, NumberError> {
    let trimmed: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if trimmed.is_empty() {
        return Err(NumberError::Empty);
    }
    trimmed
        .chars()
        .map(|c| c.to_digit(10).ok_or(NumberError::NotDigits))
        .collect()
}

fn weighted_check(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    sum % 11 % 10
}

fn to_string(digits: &[u32]) -> String {
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).expect("a digit"))
        .collect()
}

impl Inn {
    /// Parses an ИНН of 10 or 12 digits (spaces are ignored) and checks its check digits.
    pub fn parse(input: &str) -> Result<Self, NumberError> {
        let d = digits(input)?;
        let valid = match d.len() {
            10 => weighted_check(&d[..9], &INN10_WEIGHTS) == d[9],
            12 => {
                weighted_check(&d[..10], &INN12_WEIGHTS_11) == d[10]
                    && weighted_check(&d[..11], &INN12_WEIGHTS_12) == d[11]
            }
            found => {
                return Err(NumberError::WrongLength {
                    expected: "10 или 12",
                    found,
                })
            }
        };
        if valid {
            Ok(Inn(to_string(&d)))
        } else {
            Err(NumberError::Checksum)
        }
    }

    /// Completes the first 9 (legal entity) or 10 (person) digits with the check digits:
    /// for generating demo data and for tests. `None` for other lengths or non-digits.
    pub fn complete(body: &str) -> Option<Self> {
        let mut d = digits(body).ok()?;
        match d.len() {
            9 => d.push(weighted_check(&d, &INN10_WEIGHTS)),
            10 => {
                d.push(weighted_check(&d, &INN12_WEIGHTS_11));
                d.push(weighted_check(&d, &INN12_WEIGHTS_12));
            }
            _ => return None,
        }
        Some(Inn(to_string(&d)))
    }

    pub fn kind(&self) -> InnKind {
        if self.0.len() == 10 {
            InnKind::LegalEntity
        } else {
            InnKind::Individual
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which register an ОГРН comes from, known from its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OgrnKind {
    /// 13 digits: ОГРН of a legal entity.
    LegalEntity,
    /// 15 digits: ОГРНИП of a sole trader.
    SoleTrader,
}

/// A valid ОГРН (13 digits) or ОГРНИП (15 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ogrn(String);

fn ogrn_check(body: &[u32], modulus: u64) -> u32 {
    let remainder = body
        .iter()
        .fold(0u64, |acc, d| (acc * 10 + u64::from(*d)) % modulus);
    (remainder % 10) as u32
}

impl Ogrn {
    /// Parses an ОГРН (13 digits, check by 11) or ОГРНИП (15 digits, check by 13).
    pub fn parse(input: &str) -> Result<Self, NumberError> {
        let d = digits(input)?;
        let modulus = match d.len() {
            13 => 11,
            15 => 13,
            found => {
                return Err(NumberError::WrongLength {
                    expected: "13 или 15",
                    found,
                })
            }
        };
        let (body, check) = d.split_at(d.len() - 1);
        if ogrn_check(body, modulus) == check[0] {
            Ok(Ogrn(to_string(&d)))
        } else {
            Err(NumberError::Checksum)
        }
    }

    /// Completes the first 12 (ОГРН) or 14 (ОГРНИП) digits with the check digit.
    pub fn complete(body: &str) -> Option<Self> {
        let mut d = digits(body).ok()?;
        let modulus = match d.len() {
            12 => 11,
            14 => 13,
            _ => return None,
        };
        d.push(ogrn_check(&d, modulus));
        Some(Ogrn(to_string(&d)))
    }

    pub fn kind(&self) -> OgrnKind {
        if self.0.len() == 13 {
            OgrnKind::LegalEntity
        } else {
            OgrnKind::SoleTrader
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_conversions {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $t {
            type Error = NumberError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$t> for String {
            fn from(value: $t) -> String {
                value.0
            }
        }
    };
}

string_conversions!(Inn);
string_conversions!(Ogrn);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_legal_entity_inn_is_valid() {
        let inn = Inn::parse("2721001237").unwrap();
        assert_eq!(inn.kind(), InnKind::LegalEntity);
        assert_eq!(inn.as_str(), "2721001237");
    }

    #[test]
    fn known_individual_inn_is_valid() {
        // Check digits of a well-known published example.
        let inn = Inn::parse("500100732259").unwrap();
        assert_eq!(inn.kind(), InnKind::Individual);
    }

    #[test]
    fn known_ogrn_and_ogrnip_are_valid() {
        assert_eq!(
            Ogrn::parse("1027700132195").unwrap().kind(),
            OgrnKind::LegalEntity
        );
        assert_eq!(
            Ogrn::parse("304500116000157").unwrap().kind(),
            OgrnKind::SoleTrader
        );
    }

    #[test]
    fn spaces_are_ignored() {
        assert_eq!(Inn::parse(" 2721 001 237 ").unwrap().as_str(), "2721001237");
    }

    #[test]
    fn errors_say_what_is_wrong_in_russian() {
        assert_eq!(Inn::parse("").unwrap_err(), NumberError::Empty);
        assert_eq!(
            Inn::parse("27210O1237").unwrap_err(),
            NumberError::NotDigits
        );
        assert_eq!(
            Inn::parse("272100123").unwrap_err(),
            NumberError::WrongLength {
                expected: "10 или 12",
                found: 9
            }
        );
        assert_eq!(Inn::parse("2721001238").unwrap_err(), NumberError::Checksum);
        assert!(NumberError::Checksum
            .to_string()
            .contains("контрольной суммы"));
        assert!(Ogrn::parse("123")
            .unwrap_err()
            .to_string()
            .contains("13 или 15"));
    }

    #[test]
    fn serde_refuses_an_invalid_number() {
        assert!(serde_json::from_str::<Inn>("\"2721001238\"").is_err());
        let inn: Inn = serde_json::from_str("\"2721001237\"").unwrap();
        assert_eq!(serde_json::to_string(&inn).unwrap(), "\"2721001237\"");
    }

    proptest! {
        #[test]
        fn completed_inns_parse(body in "[0-9]{9}|[0-9]{10}") {
            let inn = Inn::complete(&body).unwrap();
            prop_assert!(inn.as_str().starts_with(&body));
            prop_assert_eq!(Inn::parse(inn.as_str()), Ok(inn.clone()));
        }

        #[test]
        fn any_other_last_digit_is_refused(body in "[0-9]{9}|[0-9]{10}", other in 0u32..10) {
            let inn = Inn::complete(&body).unwrap();
            let mut digits: Vec<char> = inn.as_str().chars().collect();
            let last = digits.len() - 1;
            prop_assume!(digits[last].to_digit(10) != Some(other));
            digits[last] = char::from_digit(other, 10).unwrap();
            let changed: String = digits.into_iter().collect();
            prop_assert_eq!(Inn::parse(&changed), Err(NumberError::Checksum));
        }

        #[test]
        fn completed_ogrns_parse_and_a_changed_check_digit_is_refused(
            body in "[0-9]{12}|[0-9]{14}",
            other in 0u32..10,
        ) {
            let ogrn = Ogrn::complete(&body).unwrap();
            prop_assert_eq!(Ogrn::parse(ogrn.as_str()), Ok(ogrn.clone()));
            let mut digits: Vec<char> = ogrn.as_str().chars().collect();
            let last = digits.len() - 1;
            prop_assume!(digits[last].to_digit(10) != Some(other));
            digits[last] = char::from_digit(other, 10).unwrap();
            let changed: String = digits.into_iter().collect();
            prop_assert_eq!(Ogrn::parse(&changed), Err(NumberError::Checksum));
        }

        #[test]
        fn parsing_never_panics(input in "\\PC{0,20}") {
            let _ = Inn::parse(&input);
            let _ = Ogrn::parse(&input);
        }
    }
}
