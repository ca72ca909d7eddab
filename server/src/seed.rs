//! `seed-demo`: loads the demo region. Every step inserts only what is missing, so running it
//! again changes nothing. Later capabilities add their steps here.

pub mod catalogue;
mod catalogue_content;
pub mod rating;
pub mod self_check;

use anyhow::Context;
use sqlx::PgPool;

use app::domain::{
    account::{Email, Role},
    registry_number::{Inn, Ogrn},
};
use app::server::{account, password, region};

/// Name of the demo region (fictitious data in the style of Khabarovsk Krai).
pub const DEMO_REGION: &str = "Хабаровский край (демо)";
/// Password of every demo account; the README says so, and they exist only in demo data.
pub const DEMO_PASSWORD: &str = "demo-password-2026";

/// What a run inserted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub region_created: bool,
    pub accounts_created: usize,
    /// What the catalogue step inserted; `None` when the catalogue was already there.
    pub catalogue: Option<catalogue::CatalogueReport>,
    /// What the rating step inserted; `None` when events were already there.
    pub rating: Option<rating::RatingReport>,
    /// What the self-assessment step inserted; `None` when there were self-assessments.
    pub self_check: Option<self_check::SelfCheckReport>,
}

struct DemoOrganisation {
    kind: &'static str,
    name: &'static str,
    inn_body: &'static str,
    ogrn_body: &'static str,
}

const BUSINESS: DemoOrganisation = DemoOrganisation {
    kind: "legal_entity",
    name: "ООО «Демо Амур»",
    inn_body: "272100123",
    ogrn_body: "102270000001",
};
const CONTROL_BODY: DemoOrganisation = DemoOrganisation {
    kind: "control_body",
    name: "Главное контрольное управление Хабаровского края (демо)",
    inn_body: "272100200",
    ogrn_body: "102270000002",
};
const CONSULTING_FIRM: DemoOrganisation = DemoOrganisation {
    kind: "consulting_firm",
    name: "ООО «Консалт ДВ» (демо)",
    inn_body: "272100300",
    ogrn_body: "102270000003",
};
const OPERATOR: DemoOrganisation = DemoOrganisation {
    kind: "portal_operator",
    name: "Оператор регионального портала (демо)",
    inn_body: "272100400",
    ogrn_body: "102270000004",
};

/// One account per role: (email, display name, organisation, role).
const ACCOUNTS: [(&str, &str, &DemoOrganisation, Role); 5] = [
    (
        "business@demo.knd.local",
        "Анна Предпринимателева (демо)",
        &BUSINESS,
        Role::Business,
    ),
    (
        "inspector@demo.knd.local",
        "Инспектор Иванов (демо)",
        &CONTROL_BODY,
        Role::KnoStaff,
    ),
    (
        "manager@demo.knd.local",
        "Руководитель Петрова (демо)",
        &CONTROL_BODY,
        Role::KnoManager,
    ),
    (
        "consultant@demo.knd.local",
        "Консультант Сидоров (демо)",
        &CONSULTING_FIRM,
        Role::Consultant,
    ),
    (
        "admin@demo.knd.local",
        "Администратор портала (демо)",
        &OPERATOR,
        Role::Admin,
    ),
];

/// Loads the demo data in one transaction.
pub async fn seed_demo(pool: &PgPool) -> anyhow::Result<SeedReport> {
    let mut tx = pool.begin().await?;
    let region_created = region::insert_region_if_absent(&mut *tx, DEMO_REGION, true)
        .await
        .context("seeding the region")?;
    let mut accounts_created = 0;
    for (email, name, organisation, role) in ACCOUNTS {
        let inn = Inn::complete(organisation.inn_body).expect("a 9-digit body");
        let ogrn = Ogrn::complete(organisation.ogrn_body).expect("a 12-digit body");
        let org_id = account::ensure_organisation(
            &mut tx,
            organisation.kind,
            organisation.name,
            inn.as_str(),
            Some(ogrn.as_str()),
        )
        .await
        .context("seeding an organisation")?;
        let email = Email::parse(email).expect("a valid demo email");
        let user_id = match account::find_user_by_email(&mut *tx, &email).await? {
            Some(user) => user.id,
            None => {
                let hash = password::hash_password(DEMO_PASSWORD.to_owned()).await?;
                accounts_created += 1;
                account::insert_user(&mut *tx, &email, &hash, name).await?
            }
        };
        account::grant_role(&mut *tx, user_id, org_id, role, None).await?;
    }
    let catalogue = catalogue::load(&mut tx)
        .await
        .context("seeding the catalogue")?;
    // Demo inspectors share the demo password; one hash serves them all.
    let hash = password::hash_password(DEMO_PASSWORD.to_owned()).await?;
    let rating = rating::load(&mut tx, &hash)
        .await
        .context("seeding the rating")?;
    let self_check = self_check::load(&mut tx, &hash)
        .await
        .context("seeding self-assessments")?;
    tx.commit().await?;
    Ok(SeedReport {
        region_created,
        accounts_created,
        catalogue,
        rating,
        self_check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_business_has_the_inn_the_catalogue_expects() {
        assert_eq!(
            Inn::complete(BUSINESS.inn_body).unwrap().as_str(),
            "2721001237"
        );
    }
}
