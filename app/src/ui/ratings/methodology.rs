//! `/ratings/methodology`: how every figure of the rating is calculated, with the parameters
//! taken from the code that calculates them (the current regional mean is on `/ratings`).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

use super::number;
use crate::api::rating::rating_criteria;
use crate::domain::rating::Side;
use crate::domain::rating_stats::{
    MIN_BUSINESS_RATINGS, MIN_RESPONDENTS, PREVENTION_MONTHS, PRIOR_WEIGHT, TREND_MONTHS,
};
use crate::i18n::{t, t_string, use_i18n, Locale};

#[component]
pub fn MethodologyPage() -> AnyView {
    let i18n = use_i18n();
    let criteria = OnceResource::new(rating_criteria());
    let criteria_list = move || {
        Suspend::new(async move {
            let list = criteria.await.map(|c| c.criteria).unwrap_or_default();
            list.into_iter()
                .filter(|c| c.side == Side::Business.as_str())
                .map(|c| {
                    view! {
                        <li>
                            {move || match i18n.get_locale() {
                                Locale::ru => c.title_ru.clone(),
                                Locale::en => c.title_en.clone(),
                            }}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let param = |value: f64| move || number(value, i18n.get_locale());
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, ratings.methodology_title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, ratings.methodology_description) />
        <article class="prose methodology">
            <p class="breadcrumbs">
                <A href="/ratings">{t!(i18n, ratings.back)}</A>
            </p>
            <h1>{t!(i18n, ratings.methodology_title)}</h1>

            <h2>{t!(i18n, ratings.m_what_h)}</h2>
            <p>{t!(i18n, ratings.m_what)}</p>
            <Suspense fallback=|| ()>
                <ul>{criteria_list}</ul>
            </Suspense>

            <h2>{t!(i18n, ratings.m_counts_h)}</h2>
            <p>{t!(i18n, ratings.m_counts)}</p>
            <p>{t!(i18n, ratings.m_hidden)}</p>

            <h2>{t!(i18n, ratings.m_average_h)}</h2>
            <p>{t!(i18n, ratings.m_average)}</p>

            <h2>{t!(i18n, ratings.m_smoothing_h)}</h2>
            <p>{t!(i18n, ratings.m_smoothing)}</p>
            <p class="formula">
                <code>"S = (C · m + Σ) / (C + n)"</code>
            </p>
            <p>{t!(i18n, ratings.m_smoothing_terms)}</p>

            <h2>{t!(i18n, ratings.m_business_h)}</h2>
            <p>{t!(i18n, ratings.m_business)}</p>

            <h2>{t!(i18n, ratings.m_staff_h)}</h2>
            <p>{t!(i18n, ratings.m_staff)}</p>

            <h2>{t!(i18n, ratings.m_privacy_h)}</h2>
            <p>{t!(i18n, ratings.m_privacy)}</p>

            <h2>{t!(i18n, ratings.m_reply_h)}</h2>
            <p>{t!(i18n, ratings.m_reply)}</p>

            <h2>{t!(i18n, ratings.m_prevention_h)}</h2>
            <p>{t!(i18n, ratings.m_prevention)}</p>
            <ul>
                <li>{t!(i18n, ratings.m_pm_events)}</li>
                <li>{t!(i18n, ratings.m_pm_covered)}</li>
                <li>{t!(i18n, ratings.m_pm_share)}</li>
                <li>{t!(i18n, ratings.m_pm_days)}</li>
            </ul>
            <p>{t!(i18n, ratings.m_pm_missing)}</p>
            <p>{t!(i18n, ratings.m_pm_weights)}</p>

            <h2>{t!(i18n, ratings.m_appeals_h)}</h2>
            <p>{t!(i18n, ratings.m_appeals)}</p>

            <h2>{t!(i18n, ratings.m_charts_h)}</h2>
            <p>{t!(i18n, ratings.m_charts)}</p>

            <h2>{t!(i18n, privacy.m_k_h)}</h2>
            <p>{t!(i18n, privacy.m_k)}</p>

            <h2>{t!(i18n, ratings.parameters)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, ratings.p_prior)}</dt>
                <dd>{param(PRIOR_WEIGHT)}</dd>
                <dt>{t!(i18n, ratings.p_business_min)}</dt>
                <dd>{MIN_BUSINESS_RATINGS}</dd>
                <dt>{t!(i18n, ratings.p_staff_min)}</dt>
                <dd>{MIN_RESPONDENTS}</dd>
                <dt>{t!(i18n, privacy.p_evaluations_min)}</dt>
                <dd>{MIN_RESPONDENTS}</dd>
                <dt>{t!(i18n, ratings.p_trend)}</dt>
                <dd>{TREND_MONTHS}</dd>
                <dt>{t!(i18n, ratings.p_prevention)}</dt>
                <dd>{PREVENTION_MONTHS}</dd>
            </dl>
            <p>{t!(i18n, ratings.m_open_data)}</p>
        </article>
    }
    .into_any()
}
