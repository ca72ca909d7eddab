//! The public views of the rating: what the pages and the open data API show, and the pure
//! formulas behind them (Bayesian smoothing, the anonymous labels of staff). The SQL that
//! gathers the figures is in `server::rating_stats`; the methodology page explains all of it.

use serde::{Deserialize, Serialize};

/// The prior weight `C` of the smoothed score: a body (or business) counts as if it also had
/// this many ratings at the regional mean, so a handful of tens cannot top the table.
pub const PRIOR_WEIGHT: f64 = 10.0;
/// A business appears in the public table from this many ratings on. Not a privacy threshold:
/// the raters are control bodies acting officially, each of their ratings is published on its
/// own anyway, and the rated legal entity's name is public; this only keeps a score of one or
/// two ratings out of the table.
pub const MIN_BUSINESS_RATINGS: i64 = 3;
/// `k`: a published aggregate of people's answers appears only from this many respondents on —
/// an inspector from this many ratings of their events (with fewer, a business that rated one
/// of their few events could tell its own rating apart), a requirement's evaluations from this
/// many evaluations. With fewer, somebody who knows some of the answers could read the others'
/// out of the figures. One constant for all of them.
pub const MIN_RESPONDENTS: i64 = 5;
/// The monthly trend covers this many months, the current one included.
pub const TREND_MONTHS: usize = 24;
/// Prevention indicators are counted over this many months back from today.
pub const PREVENTION_MONTHS: i32 = 12;

/// `(C·m + Σ) / (C + n)`: the mean of the ratings pulled towards the regional mean `m`, the
/// more the fewer ratings there are. `None` when there is nothing at all to go by.
pub fn smoothed(
    prior_weight: f64,
    regional_mean: Option<f64>,
    sum: f64,
    count: i64,
) -> Option<f64> {
    let n = count as f64;
    match regional_mean {
        Some(m) if prior_weight + n > 0.0 => Some((prior_weight * m + sum) / (prior_weight + n)),
        _ if count > 0 => Some(sum / n),
        _ => None,
    }
}

/// Rounds to two decimals, as every figure is published.
pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// The public name of an anonymised inspector.
pub fn staff_label(number: u32) -> String {
    format!("Инспектор №{number}")
}

/// Three-digit numbers (100–999) for the inspectors of one body, from a keyed hash of each
/// (so a number says nothing about the person and stays the same as others come and go). On
/// the rare clash the later hash takes the next free number. `hashes` come in any order; the
/// answer is in the same order.
pub fn staff_numbers(hashes: &[u64]) -> Vec<u32> {
    const FIRST: u32 = 100;
    const SPAN: u32 = 900;
    let mut order: Vec<usize> = (0..hashes.len()).collect();
    order.sort_by_key(|&i| hashes[i]);
    let mut taken = std::collections::HashSet::new();
    let mut numbers = vec![0; hashes.len()];
    for i in order {
        let mut n = (hashes[i] % u64::from(SPAN)) as u32;
        // More than 900 inspectors in one body would loop forever; wrap into a wider range.
        let mut tries = 0;
        while !taken.insert(n) {
            n = (n + 1) % SPAN.max(hashes.len() as u32 + 1);
            tries += 1;
            if tries > hashes.len() + SPAN as usize {
                break;
            }
        }
        numbers[i] = FIRST + n;
    }
    numbers
}

/// A rating criterion's average.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CriterionAverage {
    /// The criterion's code, e.g. `courtesy`.
    pub code: String,
    /// Its name in Russian.
    pub title: String,
    /// The mean score 1–10, two decimals; `null` without ratings.
    pub average: Option<f64>,
}

/// Scores 1–10: how many times each was given (index 0 is score 1).
pub type Distribution = Vec<i64>;

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthPoint {
    /// `2026-11`.
    pub month: String,
    pub count: i64,
    pub average: Option<f64>,
}

/// A body as businesses rate it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BodyScore {
    pub slug: String,
    pub name: String,
    /// How many ratings count.
    pub count: i64,
    /// The plain mean of the ratings, two decimals; `null` without ratings.
    pub average: Option<f64>,
    /// The smoothed score `(C·m + Σ)/(C + n)` the table is ordered by.
    pub score: Option<f64>,
    pub criteria: Vec<CriterionAverage>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    #[cfg_attr(feature = "ssr", schema(ignore))]
    pub distribution: Distribution,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    #[cfg_attr(feature = "ssr", schema(ignore))]
    pub trend: Vec<MonthPoint>,
}

/// A business (a legal entity) as bodies rate it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessScore {
    pub name: String,
    pub count: i64,
    pub average: Option<f64>,
    pub score: Option<f64>,
    /// Good faith shown beside the score (not part of it): self-assessments sent to control
    /// bodies in the last 12 months,
    #[serde(default)]
    pub self_checks: i64,
    /// and whether a declaration of compliance is valid today.
    #[serde(default)]
    pub declared: bool,
}

/// An inspector of a body, anonymised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StaffEntry {
    /// «Инспектор №N»: N is a number that says nothing about the person.
    pub label: String,
    /// Ratings of events the inspector took part in (at least 5).
    pub count: i64,
    pub average: Option<f64>,
}

/// The anonymised staff of one body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BodyStaff {
    pub slug: String,
    pub name: String,
    pub staff: Vec<StaffEntry>,
}

/// The quantitative prevention indicators of seed 002 (§11) we have data for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prevention {
    pub slug: String,
    pub name: String,
    /// Preventive events held over the period.
    pub events: i64,
    /// Organisations those events covered.
    pub covered: i64,
    /// Organisations with a risk category in the body's kinds of control.
    pub subjects: i64,
    /// Covered organisations with a risk category / `subjects`, per cent.
    pub share: Option<f64>,
    /// Mean length of a preventive event in days (a one-day event lasts one day).
    pub average_days: Option<f64>,
}

/// Everything the `/ratings` page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingsSummary {
    /// Ratings of bodies that count.
    pub total: i64,
    /// `m`: the regional mean of the ratings of bodies.
    pub regional_mean: Option<f64>,
    /// `C`.
    pub prior_weight: f64,
    /// The criteria businesses rate bodies by (code, Russian, English).
    pub criteria: Vec<(String, String, String)>,
    /// Ordered by smoothed score, best first; bodies without ratings last.
    pub bodies: Vec<BodyScore>,
    pub distribution: Distribution,
    pub trend: Vec<MonthPoint>,
    pub businesses: Vec<BusinessScore>,
    pub staff: Vec<BodyStaff>,
    pub prevention: Vec<Prevention>,
    pub prevention_months: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_pulls_small_counts_towards_the_mean() {
        // One ten against a regional mean of 6 with C = 10: (60 + 10) / 11.
        let one = smoothed(10.0, Some(6.0), 10.0, 1).unwrap();
        assert!((one - 70.0 / 11.0).abs() < 1e-9);
        // A hundred nines hardly move: (60 + 900) / 110.
        let many = smoothed(10.0, Some(6.0), 900.0, 100).unwrap();
        assert!((many - 960.0 / 110.0).abs() < 1e-9);
        assert!(many > one, "many good ratings beat one perfect one");
        // No ratings: the regional mean itself.
        assert_eq!(smoothed(10.0, Some(6.0), 0.0, 0), Some(6.0));
        // No mean (nothing rated in the region): nothing to show.
        assert_eq!(smoothed(10.0, None, 0.0, 0), None);
        // C = 0 is the plain mean.
        assert_eq!(smoothed(0.0, Some(6.0), 27.0, 3), Some(9.0));
    }

    #[test]
    fn rounding_keeps_two_decimals() {
        assert_eq!(round2(6.36363), 6.36);
        assert_eq!(round2(7.005_000_1), 7.01);
    }

    #[test]
    fn staff_numbers_are_three_digits_unique_and_stable() {
        let hashes = [5u64, 905, 1805, 42, u64::MAX];
        let numbers = staff_numbers(&hashes);
        assert!(
            numbers.iter().all(|n| (100..1000).contains(n)),
            "{numbers:?}"
        );
        let unique: std::collections::HashSet<_> = numbers.iter().collect();
        assert_eq!(unique.len(), numbers.len(), "{numbers:?}");
        // 5, 905 and 1805 clash on 105: in hash order they take 105, 106, 107.
        assert_eq!(&numbers[..3], &[105, 106, 107]);
        // A newcomer without a clash changes nobody's number.
        let more = staff_numbers(&[5, 905, 1805, 42, u64::MAX, 500]);
        assert_eq!(&more[..5], &numbers[..]);
        assert_eq!(staff_label(105), "Инспектор №105");
    }
}
