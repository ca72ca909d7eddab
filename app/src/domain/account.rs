//! Accounts and roles: email and password rules shared by the sign-up form and the server, and
//! the roles a user holds per organisation.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted: longer input only costs hashing time.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Longest email accepted (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// A normalised (trimmed, lower-case) email address with a domain that has a dot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why an email was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    Empty,
    TooLong,
    Invalid,
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmailError::Empty => "Укажите адрес электронной почты.",
            EmailError::TooLong => "Адрес электронной почты слишком длинный.",
            EmailError::Invalid => {
                "Проверьте адрес электронной почты: например, ivanov@example.ru."
            }
        })
    }
}

impl std::error::Error for EmailError {}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.chars().count() > MAX_EMAIL_CHARS {
            return Err(EmailError::TooLong);
        }
        let domain_has_dot = email
            .rsplit_once('@')
            .is_some_and(|(_, domain)| domain.contains('.') && !domain.ends_with('.'));
        if !domain_has_dot || !email_address::EmailAddress::is_valid(&email) {
            return Err(EmailError::Invalid);
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> String {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the length rules. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordError {
    TooShort,
    TooLong,
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasswordError::TooShort => {
                write!(
                    f,
                    "Пароль должен содержать не меньше {MIN_PASSWORD_CHARS} символов."
                )
            }
            PasswordError::TooLong => {
                write!(
                    f,
                    "Пароль должен содержать не больше {MAX_PASSWORD_CHARS} символов."
                )
            }
        }
    }
}

impl std::error::Error for PasswordError {}

impl Password {
    /// Counts characters, not bytes: a Cyrillic password is as long as it looks. Spaces count.
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        match input.chars().count() {
            n if n < MIN_PASSWORD_CHARS => Err(PasswordError::TooShort),
            n if n > MAX_PASSWORD_CHARS => Err(PasswordError::TooLong),
            _ => Ok(Password(input.to_owned())),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// What a user may do for an organisation. One user may hold several roles in several
/// organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Head or representative of a business.
    Business,
    /// Inspector of a control body.
    KnoStaff,
    /// Head of a control body or of its unit.
    KnoManager,
    /// Employee of a consulting firm.
    Consultant,
    /// Operator of the regional portal.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Business,
        Role::KnoStaff,
        Role::KnoManager,
        Role::Consultant,
        Role::Admin,
    ];

    /// The name stored in the database and sent in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Business => "business",
            Role::KnoStaff => "kno_staff",
            Role::KnoManager => "kno_manager",
            Role::Consultant => "consultant",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        let email = Email::parse("  Business@Demo.KND.local ").unwrap();
        assert_eq!(email.as_str(), "business@demo.knd.local");
    }

    #[test]
    fn malformed_emails_are_refused_with_a_russian_message() {
        for bad in [
            "ivanov",
            "ivanov@",
            "@example.ru",
            "ivanov@localhost",
            "iva nov@example.ru",
            "a@b.",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Invalid), "{bad}");
        }
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        assert!(EmailError::Invalid
            .to_string()
            .contains("электронной почты"));
        let long = format!("{}@example.ru", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn passwords_are_counted_in_characters() {
        assert_eq!(Password::parse("пароль123"), Err(PasswordError::TooShort));
        assert!(Password::parse("пароль1234").is_ok());
        assert!(Password::parse(&"x".repeat(MAX_PASSWORD_CHARS)).is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(MAX_PASSWORD_CHARS + 1)),
            Err(PasswordError::TooLong)
        );
        assert!(PasswordError::TooShort.to_string().contains("10"));
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let password = Password::parse("demo-password-2026").unwrap();
        assert!(!format!("{password:?}").contains("demo"));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(
                serde_json::to_string(&role).unwrap(),
                format!("\"{}\"", role.as_str())
            );
        }
        assert_eq!(Role::parse("root"), None);
    }
}
