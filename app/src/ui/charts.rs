//! Small charts drawn as inline SVG on the server (no script needed to see them): bars and a
//! line. Accessible: `role="img"` with a `<title>` and a `<desc>` that lists every figure.
//! Colours come from CSS variables (`.chart-*` classes in the stylesheet), so both themes work.
//! The geometry is pure and unit-tested.

use leptos::prelude::*;

/// The drawing area inside the SVG's view box: room on the left for the axis labels and below
/// for the category labels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    pub const DEFAULT: Frame = Frame {
        width: 400.0,
        height: 200.0,
        left: 34.0,
        right: 8.0,
        top: 10.0,
        bottom: 26.0,
    };

    pub fn plot_left(&self) -> f64 {
        self.left
    }
    pub fn plot_right(&self) -> f64 {
        self.width - self.right
    }
    pub fn plot_top(&self) -> f64 {
        self.top
    }
    pub fn plot_bottom(&self) -> f64 {
        self.height - self.bottom
    }
    pub fn plot_width(&self) -> f64 {
        (self.plot_right() - self.plot_left()).max(0.0)
    }
}

/// Maps the domain `d0..d1` onto the range `r0..r1` linearly (a flat domain maps to the
/// middle of the range).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearScale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl LinearScale {
    pub fn apply(&self, value: f64) -> f64 {
        if (self.d1 - self.d0).abs() < f64::EPSILON {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// The smallest «round» number (1, 2 or 5 × 10ᵏ) at or above `max`; 1 for nothing to show.
pub fn nice_max(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    for step in [1.0, 2.0, 5.0, 10.0] {
        if step * magnitude >= max - 1e-9 {
            return step * magnitude;
        }
    }
    10.0 * magnitude
}

/// `count + 1` evenly spaced ticks from `min` to `max`.
pub fn ticks(min: f64, max: f64, count: usize) -> Vec<f64> {
    let count = count.max(1);
    (0..=count)
        .map(|i| min + (max - min) * i as f64 / count as f64)
        .collect()
}

/// A bar in view-box units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The vertical scale of values `0..nice_max(max)` onto the frame.
pub fn value_scale(frame: &Frame, min: f64, max: f64) -> LinearScale {
    LinearScale {
        d0: min,
        d1: max,
        r0: frame.plot_bottom(),
        r1: frame.plot_top(),
    }
}

/// The centre of slot `i` of `n` across the plot.
pub fn slot_centre(frame: &Frame, i: usize, n: usize) -> f64 {
    let slot = frame.plot_width() / n.max(1) as f64;
    frame.plot_left() + slot * (i as f64 + 0.5)
}

/// One bar per value, from zero up, with a gap of a fifth of a slot; negative values are drawn
/// as zero. The top of the scale is `nice_max` of the largest value.
pub fn bars(values: &[f64], frame: &Frame) -> (Vec<Bar>, LinearScale) {
    let top = nice_max(values.iter().copied().fold(0.0, f64::max));
    let scale = value_scale(frame, 0.0, top);
    let slot = frame.plot_width() / values.len().max(1) as f64;
    let width = slot * 0.8;
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = scale.apply(v.max(0.0));
            Bar {
                x: slot_centre(frame, i, values.len()) - width / 2.0,
                y,
                width,
                height: frame.plot_bottom() - y,
            }
        })
        .collect();
    (bars, scale)
}

/// The points of a line over `min..max`, split where a value is missing (a month without
/// ratings breaks the line rather than pretending).
pub fn line_segments(
    values: &[Option<f64>],
    min: f64,
    max: f64,
    frame: &Frame,
) -> Vec<Vec<(f64, f64)>> {
    let scale = value_scale(frame, min, max);
    let mut segments = Vec::new();
    let mut current = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match value {
            Some(v) => current.push((
                slot_centre(frame, i, values.len()),
                scale.apply(v.clamp(min, max)),
            )),
            None => {
                if !current.is_empty() {
                    segments.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        segments.push(current);
    }
    segments
}

/// An SVG path through the points.
pub fn path_d(points: &[(f64, f64)]) -> String {
    points
        .iter()
        .enumerate()
        .map(|(i, (x, y))| format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A figure as it is read out: `7.25` → «7,25», `12.0` → «12».
pub fn figure(value: f64) -> String {
    let text = if value.fract().abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    };
    text.replace('.', ",")
}

/// Which of `n` category labels to print so they do not overlap (every one up to 12).
fn label_step(n: usize) -> usize {
    n.div_ceil(12).max(1)
}

fn f1(value: f64) -> String {
    format!("{value:.1}")
}

/// The horizontal grid with value labels.
fn grid(frame: Frame, scale: LinearScale, values: Vec<f64>) -> impl IntoView {
    values
        .into_iter()
        .map(|v| {
            let y = f1(scale.apply(v));
            view! {
                <line
                    class="chart-grid"
                    x1=f1(frame.plot_left())
                    x2=f1(frame.plot_right())
                    y1=y.clone()
                    y2=y.clone()
                />
                <text
                    class="chart-axis"
                    x=f1(frame.plot_left() - 4.0)
                    y=y
                    text-anchor="end"
                    dy="0.32em"
                >
                    {figure(v)}
                </text>
            }
        })
        .collect_view()
}

/// The category labels under the plot.
fn category_labels(frame: Frame, labels: Vec<String>) -> impl IntoView {
    let n = labels.len();
    let step = label_step(n);
    labels
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0)
        .map(|(i, label)| {
            view! {
                <text
                    class="chart-axis"
                    x=f1(slot_centre(&frame, i, n))
                    y=f1(frame.plot_bottom() + 14.0)
                    text-anchor="middle"
                >
                    {label}
                </text>
            }
        })
        .collect_view()
}

/// «1: 12; 2: 30; …» for the description.
fn describe(labels: &[String], values: &[Option<f64>], empty: &str) -> String {
    labels
        .iter()
        .zip(values)
        .map(|(l, v)| format!("{l}: {}", v.map(figure).unwrap_or_else(|| empty.to_owned())))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A bar chart of counts (or any non-negative figures) per category.
#[component]
pub fn BarChart(
    /// Unique on the page: the ids of the title and description derive from it.
    id: String,
    title: String,
    /// Under the bars (short).
    labels: Vec<String>,
    /// Read out in the description; the labels when absent.
    #[prop(optional)]
    names: Option<Vec<String>>,
    values: Vec<f64>,
) -> AnyView {
    let frame = Frame::DEFAULT;
    let (bars, scale) = bars(&values, &frame);
    let description = describe(
        names.as_ref().unwrap_or(&labels),
        &values.iter().copied().map(Some).collect::<Vec<_>>(),
        "—",
    );
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let grid_values = ticks(0.0, scale.d1, 4);
    view! {
        <svg
            class="chart"
            id=id
            role="img"
            viewBox=format!("0 0 {} {}", frame.width, frame.height)
            aria-labelledby=labelled_by
            preserveAspectRatio="xMidYMid meet"
        >
            <title id=title_id>{title}</title>
            <desc id=desc_id>{description}</desc>
            {grid(frame, scale, grid_values)}
            {bars
                .into_iter()
                .map(|b| {
                    view! {
                        <rect
                            class="chart-bar"
                            x=f1(b.x)
                            y=f1(b.y)
                            width=f1(b.width)
                            height=f1(b.height)
                        />
                    }
                })
                .collect_view()}
            {category_labels(frame, labels)}
        </svg>
    }
    .into_any()
}

/// A line chart over a fixed value range (scores 1–10), broken where a value is missing.
#[component]
pub fn LineChart(
    id: String,
    title: String,
    /// Under the plot (short).
    labels: Vec<String>,
    /// Read out in the description; the labels when absent.
    #[prop(optional)]
    names: Option<Vec<String>>,
    values: Vec<Option<f64>>,
    min: f64,
    max: f64,
    /// Said for a missing value in the description («нет оценок»).
    empty: String,
) -> AnyView {
    let frame = Frame::DEFAULT;
    let scale = value_scale(&frame, min, max);
    let segments = line_segments(&values, min, max, &frame);
    let description = describe(names.as_ref().unwrap_or(&labels), &values, &empty);
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let grid_values = ticks(min, max, 3);
    view! {
        <svg
            class="chart"
            id=id
            role="img"
            viewBox=format!("0 0 {} {}", frame.width, frame.height)
            aria-labelledby=labelled_by
            preserveAspectRatio="xMidYMid meet"
        >
            <title id=title_id>{title}</title>
            <desc id=desc_id>{description}</desc>
            {grid(frame, scale, grid_values)}
            {segments
                .into_iter()
                .map(|points| {
                    let lone = points.len() == 1;
                    let dots = points
                        .iter()
                        .filter(move |_| lone)
                        .map(|(x, y)| {
                            // A lone point has no line to show it: it gets a dot.
                            view! { <circle class="chart-dot" cx=f1(*x) cy=f1(*y) r="2.5" /> }
                        })
                        .collect_view();
                    view! {
                        <path class="chart-line" d=path_d(&points) />
                        {dots}
                    }
                })
                .collect_view()}
            {category_labels(frame, labels)}
        </svg>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_map_the_domain_onto_the_range() {
        let s = LinearScale {
            d0: 0.0,
            d1: 10.0,
            r0: 100.0,
            r1: 0.0,
        };
        assert_eq!(s.apply(0.0), 100.0);
        assert_eq!(s.apply(10.0), 0.0);
        assert_eq!(s.apply(2.5), 75.0);
        let flat = LinearScale { d1: 0.0, ..s };
        assert_eq!(flat.apply(3.0), 50.0);
    }

    #[test]
    fn nice_maxima_are_round() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(-3.0), 1.0);
        assert_eq!(nice_max(f64::NAN), 1.0);
        assert_eq!(nice_max(1.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(13.0), 20.0);
        assert_eq!(nice_max(430.0), 500.0);
        assert_eq!(nice_max(2000.0), 2000.0);
        assert_eq!(ticks(0.0, 20.0, 4), vec![0.0, 5.0, 10.0, 15.0, 20.0]);
    }

    #[test]
    fn bars_stand_on_the_baseline_and_the_largest_reaches_the_scale() {
        let frame = Frame::DEFAULT;
        let (bars, scale) = bars(&[5.0, 10.0, 0.0, -1.0], &frame);
        assert_eq!(scale.d1, 10.0);
        assert_eq!(bars.len(), 4);
        for b in &bars {
            assert!((b.y + b.height - frame.plot_bottom()).abs() < 1e-9);
            assert!(b.x >= frame.plot_left() && b.x + b.width <= frame.plot_right());
        }
        assert!(
            (bars[1].y - frame.plot_top()).abs() < 1e-9,
            "the largest is full height"
        );
        assert!((bars[0].height * 2.0 - bars[1].height).abs() < 1e-9);
        assert_eq!(bars[2].height, 0.0);
        assert_eq!(
            bars[3].height, 0.0,
            "negative values are not drawn below the axis"
        );
        assert!(bars[0].x < bars[1].x);
    }

    #[test]
    fn empty_data_draws_nothing_and_does_not_panic() {
        let frame = Frame::DEFAULT;
        let (bars, scale) = bars(&[], &frame);
        assert!(bars.is_empty());
        assert_eq!(scale.d1, 1.0);
        assert!(line_segments(&[], 1.0, 10.0, &frame).is_empty());
        assert!(line_segments(&[None, None], 1.0, 10.0, &frame).is_empty());
        assert_eq!(path_d(&[]), "");
        let (zeros, _) = bars_of_zeros(&frame);
        assert!(zeros.iter().all(|b| b.height == 0.0));
    }

    fn bars_of_zeros(frame: &Frame) -> (Vec<Bar>, LinearScale) {
        bars(&[0.0; 10], frame)
    }

    #[test]
    fn lines_break_at_missing_values_and_stay_in_range() {
        let frame = Frame::DEFAULT;
        let segments = line_segments(
            &[Some(1.0), Some(10.0), None, Some(5.5), Some(12.0)],
            1.0,
            10.0,
            &frame,
        );
        assert_eq!(segments.len(), 2);
        assert_eq!(segments[0].len(), 2);
        assert!((segments[0][0].1 - frame.plot_bottom()).abs() < 1e-9);
        assert!((segments[0][1].1 - frame.plot_top()).abs() < 1e-9);
        // 12 is clamped to the top; 5.5 is halfway.
        assert!((segments[1][1].1 - frame.plot_top()).abs() < 1e-9);
        let middle = (frame.plot_top() + frame.plot_bottom()) / 2.0;
        assert!((segments[1][0].1 - middle).abs() < 1e-9);
        assert_eq!(path_d(&[(1.0, 2.0), (3.3, 4.0)]), "M1.0 2.0 L3.3 4.0");
    }

    #[test]
    fn figures_read_the_russian_way() {
        assert_eq!(figure(7.25), "7,25");
        assert_eq!(figure(12.0), "12");
        assert_eq!(label_step(10), 1);
        assert_eq!(label_step(24), 2);
    }
}
