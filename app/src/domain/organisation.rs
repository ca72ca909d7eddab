//! Organisations and the forms that add them: which registry numbers each kind needs, checked
//! the same way in the browser (errors next to the field, before sending) and on the server.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::account::Role;
use super::registry_number::{Inn, InnKind, NumberError, Ogrn, OgrnKind};

/// Longest organisation name accepted.
pub const MAX_NAME_CHARS: usize = 500;

/// What kind of organisation this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// Юридическое лицо: ИНН of 10 digits, ОГРН of 13.
    LegalEntity,
    /// Индивидуальный предприниматель: ИНН of 12 digits, ОГРНИП of 15.
    SoleTrader,
    /// Самозанятый: ИНН of 12 digits, no state registration number.
    SelfEmployed,
    /// Контрольный (надзорный) орган, or a unit of one.
    ControlBody,
    /// Консалтинговая компания.
    ConsultingFirm,
    /// The operator of the portal, where the admins work.
    PortalOperator,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 6] = [
        OrganisationKind::LegalEntity,
        OrganisationKind::SoleTrader,
        OrganisationKind::SelfEmployed,
        OrganisationKind::ControlBody,
        OrganisationKind::ConsultingFirm,
        OrganisationKind::PortalOperator,
    ];
    /// The kinds a business user adds for themselves.
    pub const BUSINESS: [OrganisationKind; 3] = [
        OrganisationKind::LegalEntity,
        OrganisationKind::SoleTrader,
        OrganisationKind::SelfEmployed,
    ];

    /// The name stored in the database and sent in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::LegalEntity => "legal_entity",
            OrganisationKind::SoleTrader => "sole_trader",
            OrganisationKind::SelfEmployed => "self_employed",
            OrganisationKind::ControlBody => "control_body",
            OrganisationKind::ConsultingFirm => "consulting_firm",
            OrganisationKind::PortalOperator => "portal_operator",
        }
    }

    pub fn parse(value: &str) -> Option<OrganisationKind> {
        OrganisationKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }

    pub fn is_business(self) -> bool {
        OrganisationKind::BUSINESS.contains(&self)
    }

    /// The only roles that make sense in an organisation of this kind.
    pub fn admits(self, role: Role) -> bool {
        match self {
            OrganisationKind::LegalEntity
            | OrganisationKind::SoleTrader
            | OrganisationKind::SelfEmployed => role == Role::Business,
            OrganisationKind::ControlBody => matches!(role, Role::KnoStaff | Role::KnoManager),
            OrganisationKind::ConsultingFirm => role == Role::Consultant,
            OrganisationKind::PortalOperator => role == Role::Admin,
        }
    }

    /// The ИНН length this kind requires.
    fn inn_kind(self) -> InnKind {
        match self {
            OrganisationKind::SoleTrader | OrganisationKind::SelfEmployed => InnKind::Individual,
            _ => InnKind::LegalEntity,
        }
    }

    /// The state registration number this kind requires, if any.
    fn ogrn_kind(self) -> Option<OgrnKind> {
        match self {
            OrganisationKind::SelfEmployed => None,
            OrganisationKind::SoleTrader => Some(OgrnKind::SoleTrader),
            _ => Some(OgrnKind::LegalEntity),
        }
    }
}

/// A field of the organisation form, to put its error next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationField {
    Kind,
    Name,
    Inn,
    Ogrn,
}

/// One problem with the form: which field and what to fix, in Russian.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: OrganisationField,
    pub message: String,
}

/// The organisation form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationForm {
    pub kind: String,
    pub name: String,
    pub inn: String,
    #[serde(default)]
    pub ogrn: String,
}

/// An organisation that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidOrganisation {
    pub kind: OrganisationKind,
    pub name: String,
    pub inn: Inn,
    pub ogrn: Option<Ogrn>,
}

/// The errors of a form, all at once, so every wrong field is marked in one go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors(pub Vec<FieldError>);

impl FormErrors {
    /// The message for one field, if it has one.
    pub fn for_field(&self, field: OrganisationField) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

impl fmt::Display for FormErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<&str> = self.0.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&messages.join(" "))
    }
}

fn inn_error(kind: OrganisationKind, error: NumberError) -> String {
    match error {
        NumberError::Empty => "Укажите ИНН.".to_owned(),
        NumberError::WrongLength { .. } => inn_length_message(kind),
        other => format!("ИНН: {}", lower_first(&other.to_string())),
    }
}

fn inn_length_message(kind: OrganisationKind) -> String {
    match kind.inn_kind() {
        InnKind::LegalEntity => "ИНН организации состоит из 10 цифр.".to_owned(),
        InnKind::Individual => "ИНН физического лица состоит из 12 цифр.".to_owned(),
    }
}

fn ogrn_error(kind: OgrnKind, error: NumberError) -> String {
    let (name, digits) = match kind {
        OgrnKind::LegalEntity => ("ОГРН", 13),
        OgrnKind::SoleTrader => ("ОГРНИП", 15),
    };
    match error {
        NumberError::Empty => format!("Укажите {name}."),
        NumberError::WrongLength { .. } => format!("{name} состоит из {digits} цифр."),
        other => format!("{name}: {}", lower_first(&other.to_string())),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

impl OrganisationForm {
    /// Checks every field against the kind chosen. `allowed` limits the kinds this form may
    /// create (a business user adds only business kinds).
    pub fn validate(&self, allowed: &[OrganisationKind]) -> Result<ValidOrganisation, FormErrors> {
        let mut errors = Vec::new();
        let mut error = |field, message: String| errors.push(FieldError { field, message });
        let kind = OrganisationKind::parse(self.kind.trim()).filter(|k| allowed.contains(k));
        let name = super::text::strip_bidi(&self.name)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if let Err(issue) = super::text::check(&name) {
            error(OrganisationField::Name, issue.to_string());
        } else if name.is_empty() {
            error(OrganisationField::Name, "Укажите наименование.".to_owned());
        } else if name.chars().count() > MAX_NAME_CHARS {
            error(
                OrganisationField::Name,
                format!("Наименование длиннее {MAX_NAME_CHARS} символов."),
            );
        }
        let Some(kind) = kind else {
            error(
                OrganisationField::Kind,
                "Выберите вид организации.".to_owned(),
            );
            return Err(FormErrors(errors));
        };
        let inn = match Inn::parse(&self.inn) {
            Ok(inn) if inn.kind() == kind.inn_kind() => Some(inn),
            Ok(_) => {
                error(OrganisationField::Inn, inn_length_message(kind));
                None
            }
            Err(e) => {
                error(OrganisationField::Inn, inn_error(kind, e));
                None
            }
        };
        let ogrn = match kind.ogrn_kind() {
            None if self.ogrn.trim().is_empty() => None,
            None => {
                error(
                    OrganisationField::Ogrn,
                    "У самозанятого нет ОГРН: оставьте поле пустым.".to_owned(),
                );
                None
            }
            Some(expected) => match Ogrn::parse(&self.ogrn) {
                Ok(ogrn) if ogrn.kind() == expected => Some(ogrn),
                Ok(_) => {
                    error(
                        OrganisationField::Ogrn,
                        ogrn_error(
                            expected,
                            NumberError::WrongLength {
                                expected: "",
                                found: 0,
                            },
                        ),
                    );
                    None
                }
                Err(e) => {
                    error(OrganisationField::Ogrn, ogrn_error(expected, e));
                    None
                }
            },
        };
        match (errors.is_empty(), inn) {
            (true, Some(inn)) => Ok(ValidOrganisation {
                kind,
                name,
                inn,
                ogrn,
            }),
            _ => Err(FormErrors(errors)),
        }
    }
}

/// Checks a unit's name (units have no registry numbers of their own).
pub fn validate_unit_name(input: &str) -> Result<String, String> {
    let name = super::text::strip_bidi(input)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if let Err(issue) = super::text::check(&name) {
        Err(issue.to_string())
    } else if name.is_empty() {
        Err("Укажите наименование подразделения.".to_owned())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(format!("Наименование длиннее {MAX_NAME_CHARS} символов."))
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn form(kind: &str, name: &str, inn: &str, ogrn: &str) -> OrganisationForm {
        OrganisationForm {
            kind: kind.into(),
            name: name.into(),
            inn: inn.into(),
            ogrn: ogrn.into(),
        }
    }

    fn errors(form: &OrganisationForm) -> FormErrors {
        form.validate(&OrganisationKind::BUSINESS).unwrap_err()
    }

    #[test]
    fn names_refuse_control_characters_and_lose_direction_overrides() {
        let ogrn = Ogrn::complete("102270000001").unwrap();
        let bad = errors(&form(
            "legal_entity",
            "ООО\0Лето",
            "2721001237",
            ogrn.as_str(),
        ));
        assert!(bad
            .for_field(OrganisationField::Name)
            .is_some_and(|m| m.contains("служебный символ")));
        let valid = form(
            "legal_entity",
            "ООО \u{202E}Лето",
            "2721001237",
            ogrn.as_str(),
        )
        .validate(&OrganisationKind::BUSINESS)
        .unwrap();
        assert_eq!(valid.name, "ООО Лето");
        assert!(validate_unit_name("Отдел\0").is_err());
        assert_eq!(
            validate_unit_name("\u{2066}Отдел\u{2069} 1").unwrap(),
            "Отдел 1"
        );
    }

    #[test]
    fn a_legal_entity_needs_a_ten_digit_inn_and_an_ogrn() {
        let ok = form("legal_entity", "  ООО  «Демо Амур» ", "2721001237", "")
            .validate(&OrganisationKind::BUSINESS);
        let e = ok.unwrap_err();
        assert_eq!(e.for_field(OrganisationField::Ogrn), Some("Укажите ОГРН."));
        let ogrn = Ogrn::complete("102270000001").unwrap();
        let valid = form(
            "legal_entity",
            "  ООО  «Демо Амур» ",
            "2721001237",
            ogrn.as_str(),
        )
        .validate(&OrganisationKind::BUSINESS)
        .unwrap();
        assert_eq!(valid.name, "ООО «Демо Амур»");
        assert_eq!(valid.inn.as_str(), "2721001237");
    }

    #[test]
    fn a_wrong_check_digit_is_explained_next_to_the_inn() {
        let e = errors(&form("legal_entity", "ООО «Ромашка»", "2721001238", ""));
        let message = e.for_field(OrganisationField::Inn).unwrap();
        assert!(
            message.starts_with("ИНН: номер не прошёл проверку"),
            "{message}"
        );
    }

    #[test]
    fn the_inn_length_must_match_the_kind() {
        let person = Inn::complete("2721001234").unwrap();
        let e = errors(&form("legal_entity", "ООО", person.as_str(), ""));
        assert_eq!(
            e.for_field(OrganisationField::Inn),
            Some("ИНН организации состоит из 10 цифр.")
        );
        let e = errors(&form("sole_trader", "ИП Иванов", "2721001237", ""));
        assert_eq!(
            e.for_field(OrganisationField::Inn),
            Some("ИНН физического лица состоит из 12 цифр.")
        );
    }

    #[test]
    fn a_sole_trader_needs_an_ogrnip_and_the_self_employed_none() {
        let inn = Inn::complete("2721001234").unwrap();
        let ogrn13 = Ogrn::complete("102270000001").unwrap();
        let e = errors(&form(
            "sole_trader",
            "ИП Иванов",
            inn.as_str(),
            ogrn13.as_str(),
        ));
        assert_eq!(
            e.for_field(OrganisationField::Ogrn),
            Some("ОГРНИП состоит из 15 цифр.")
        );
        let ogrnip = Ogrn::complete("30427000000001").unwrap();
        assert!(
            form("sole_trader", "ИП Иванов", inn.as_str(), ogrnip.as_str())
                .validate(&OrganisationKind::BUSINESS)
                .is_ok()
        );
        let valid = form("self_employed", "Иванов И. И.", inn.as_str(), " ")
            .validate(&OrganisationKind::BUSINESS)
            .unwrap();
        assert_eq!(valid.ogrn, None);
        let e = errors(&form(
            "self_employed",
            "Иванов",
            inn.as_str(),
            ogrnip.as_str(),
        ));
        assert!(e.for_field(OrganisationField::Ogrn).is_some());
    }

    #[test]
    fn a_business_user_cannot_create_a_control_body() {
        let ogrn = Ogrn::complete("102270000002").unwrap();
        let e = errors(&form("control_body", "Орган", "2721002001", ogrn.as_str()));
        assert!(e.for_field(OrganisationField::Kind).is_some());
    }

    #[test]
    fn every_wrong_field_is_reported_at_once() {
        let e = errors(&form("legal_entity", " ", "12", "abc"));
        assert!(e.for_field(OrganisationField::Name).is_some());
        assert!(e.for_field(OrganisationField::Inn).is_some());
        assert!(e.for_field(OrganisationField::Ogrn).is_some());
    }

    #[test]
    fn roles_fit_the_kinds_of_organisation() {
        assert!(OrganisationKind::LegalEntity.admits(Role::Business));
        assert!(!OrganisationKind::LegalEntity.admits(Role::KnoStaff));
        assert!(OrganisationKind::ControlBody.admits(Role::KnoManager));
        assert!(!OrganisationKind::ControlBody.admits(Role::Admin));
        assert!(OrganisationKind::PortalOperator.admits(Role::Admin));
        assert!(OrganisationKind::ConsultingFirm.admits(Role::Consultant));
        for kind in OrganisationKind::ALL {
            assert_eq!(OrganisationKind::parse(kind.as_str()), Some(kind));
        }
    }

    proptest! {
        #[test]
        fn any_completed_inn_of_the_right_length_is_accepted(body in "[0-9]{9}", ogrn in "[0-9]{12}") {
            let inn = Inn::complete(&body).unwrap();
            let ogrn = Ogrn::complete(&ogrn).unwrap();
            let valid = form("legal_entity", "ООО", inn.as_str(), ogrn.as_str())
                .validate(&OrganisationKind::BUSINESS);
            prop_assert!(valid.is_ok());
        }

        #[test]
        fn validation_never_panics(kind in "\\PC{0,15}", name in "\\PC{0,20}", inn in "\\PC{0,14}", ogrn in "\\PC{0,16}") {
            let _ = form(&kind, &name, &inn, &ogrn).validate(&OrganisationKind::ALL);
        }
    }
}
