//! The one error type of every server function. What reaches the client is a stable kind and a
//! user-facing Russian message; internal details go to the server log only.

use std::fmt;

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

/// An error a server function returns to the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppError {
    /// The request needs a signed-in user.
    Unauthorized,
    /// Sign-in failed. One message for an unknown email and a wrong password, so the answer
    /// does not tell which emails have accounts.
    BadCredentials,
    /// The user may not do this.
    Forbidden,
    /// Too many failed attempts; try again after this many seconds.
    TooManyRequests { retry_after_secs: i64 },
    /// The thing asked for does not exist (or is not visible to this user).
    NotFound,
    /// The input is invalid; the message says what to fix.
    Invalid(String),
    /// One field of a form is invalid: the form shows the message next to that field.
    Field { field: String, message: String },
    /// Something failed on our side; the detail is in the server log, never here.
    Internal,
    /// The request did not reach the server or its answer could not be read.
    Transport(String),
    /// The server is there but its database is away for a while (maintenance, an outage):
    /// nothing was done; the same request may be sent again later.
    Unavailable,
    /// `Internal` as the client receives it: with the code (the request's id) under which the
    /// server logged the detail, for the user to quote. Made from `Internal` only where the
    /// response is produced ([`AppError::identified`]); server code keeps returning `Internal`.
    Incident { code: String },
}

impl AppError {
    /// The HTTP status that matches the error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::Forbidden => 403,
            AppError::TooManyRequests { .. } => 429,
            AppError::NotFound => 404,
            AppError::Invalid(_) | AppError::Field { .. } => 422,
            AppError::Internal | AppError::Incident { .. } => 500,
            AppError::Transport(_) | AppError::Unavailable => 503,
        }
    }

    /// Whether the request came to nothing for now and may be sent again as it is later: no
    /// connection, or the service away. Offline copies and queues treat both alike.
    pub fn try_later(&self) -> bool {
        matches!(self, AppError::Transport(_) | AppError::Unavailable)
    }

    /// An error to show next to a form field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Field {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The message for this form field, if the error is about it.
    pub fn for_field(&self, name: &str) -> Option<&str> {
        match self {
            AppError::Field { field, message } if field == name => Some(message),
            _ => None,
        }
    }

    /// An internal error stamped with the request's id, for the answer to the client; any
    /// other error as it is.
    pub fn identified(self, request_id: Option<&str>) -> Self {
        match (self, request_id) {
            (AppError::Internal, Some(code)) => AppError::Incident {
                code: code.to_owned(),
            },
            (error, _) => error,
        }
    }

    /// Logs an internal failure and hides it from the client.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, error: impl fmt::Display) -> Self {
        tracing::error!(%error, "{context}");
        AppError::Internal
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Unauthorized => f.write_str("Войдите в личный кабинет, чтобы продолжить."),
            AppError::BadCredentials => f.write_str("Неверный адрес электронной почты или пароль."),
            AppError::Forbidden => f.write_str("Недостаточно прав для этого действия."),
            AppError::TooManyRequests { retry_after_secs } => write!(
                f,
                "Слишком много неудачных попыток. Повторите через {} мин.",
                (retry_after_secs + 59) / 60
            ),
            AppError::NotFound => f.write_str("Запрошенные сведения не найдены."),
            AppError::Invalid(message) | AppError::Field { message, .. } => f.write_str(message),
            AppError::Internal => {
                f.write_str("На сервере произошла ошибка. Попробуйте ещё раз чуть позже.")
            }
            AppError::Transport(_) => {
                f.write_str("Нет связи с сервером. Проверьте подключение к сети.")
            }
            AppError::Unavailable => f.write_str(
                "Сервис временно недоступен: идут технические работы. \
                 Повторите попытку через минуту.",
            ),
            AppError::Incident { code } => write!(
                f,
                "На сервере произошла ошибка. Попробуйте ещё раз чуть позже. Код ошибки: {code}"
            ),
        }
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(detail) | ServerFnErrorErr::Response(detail) => {
                // The call never got an answer: the app learns it is offline from this, not
                // only from `navigator.onLine` (issue 13).
                crate::client::network::report_unreachable();
                AppError::Transport(detail)
            }
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::Invalid("Запрос составлен неверно.".to_owned())
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_error_text_reveals_nothing_of_the_cause() {
        let shown = AppError::Internal.to_string();
        assert!(shown.contains("ошибка"));
        assert_eq!(AppError::Internal.status(), 500);
    }

    #[test]
    fn invalid_input_is_answered_with_422_and_its_message() {
        let error = AppError::Invalid("ИНН должен состоять из 10 или 12 цифр.".into());
        assert_eq!(error.status(), 422);
        assert_eq!(error.to_string(), "ИНН должен состоять из 10 или 12 цифр.");
    }

    #[test]
    fn an_internal_error_gets_the_request_code_and_nothing_else_changes() {
        let stamped = AppError::Internal.identified(Some("7f3a9c21b04e"));
        assert_eq!(
            stamped,
            AppError::Incident {
                code: "7f3a9c21b04e".into()
            }
        );
        assert_eq!(stamped.status(), 500);
        assert!(stamped.to_string().ends_with("Код ошибки: 7f3a9c21b04e"));
        assert_eq!(AppError::Internal.identified(None), AppError::Internal);
        assert_eq!(
            AppError::NotFound.identified(Some("7f3a9c21b04e")),
            AppError::NotFound
        );
    }

    #[test]
    fn malformed_arguments_become_a_user_error_not_an_internal_one() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(error.status(), 422);
    }
}
