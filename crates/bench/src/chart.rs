//! `chart.png`: turn latency and throughput against concurrency, agent and floor.
//!
//! Drawn with plotters' bitmap backend. Text uses DejaVu Sans embedded from the `dejavu`
//! crate and rasterized by `ab_glyph`, so the chart looks the same on any machine and needs
//! no system fonts.

use std::{path::Path, sync::OnceLock};

use anyhow::{Context, anyhow};
use plotters::{
    coord::ranged1d::{AsRangedCoord, SegmentValue, ValueFormatter},
    prelude::*,
    style::FontStyle,
};

use crate::report::{Level, Phase};

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 500;
const AGENT: RGBColor = RGBColor(200, 60, 40);
const FLOOR: RGBColor = RGBColor(40, 90, 180);

/// Writes the chart of `levels` to `path` (PNG).
pub fn draw(levels: &[Level], title: &str, path: &Path) -> anyhow::Result<()> {
    register_font()?;
    let root = BitMapBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("{e}"))?;
    let root = root
        .titled(title, ("sans-serif", 22))
        .map_err(|e| anyhow!("{e}"))?;
    let (left, right) = root.split_horizontally(WIDTH / 2);

    let concurrency: Vec<usize> = levels.iter().map(|l| l.concurrency).collect();
    let latency = |phase: fn(&Level) -> Option<&Phase>, pick: fn(&Phase) -> f64| {
        levels
            .iter()
            .enumerate()
            .filter_map(move |(i, l)| phase(l).map(|p| (i as i32, pick(p))))
            .collect::<Vec<_>>()
    };

    let latency_series = [
        ("agent p50", AGENT, true, latency(agent, |p| p.turn_ms.p50)),
        ("agent p95", AGENT, false, latency(agent, |p| p.turn_ms.p95)),
        ("floor p50", FLOOR, true, latency(floor, |p| p.turn_ms.p50)),
        ("floor p95", FLOOR, false, latency(floor, |p| p.turn_ms.p95)),
    ];
    // Latency spans two orders of magnitude from C = 1 to C = 128: a log scale keeps the
    // low levels readable.
    let (low, high) = bounds(&latency_series);
    panel(
        &left,
        "Turn latency (ms, log scale)",
        "ms",
        &concurrency,
        &latency_series,
        (low * 0.7..high * 1.4).log_scale(),
    )?;
    let throughput_series = [
        ("agent", AGENT, true, latency(agent, |p| p.turns_per_second)),
        ("floor", FLOOR, true, latency(floor, |p| p.turns_per_second)),
    ];
    let (_, high) = bounds(&throughput_series);
    panel(
        &right,
        "Throughput (turns per second)",
        "turns/s",
        &concurrency,
        &throughput_series,
        0.0..high * 1.15,
    )?;
    root.present()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn agent(level: &Level) -> Option<&Phase> {
    Some(&level.agent)
}

fn floor(level: &Level) -> Option<&Phase> {
    level.baseline.as_ref()
}

/// Label, colour, main line (p50, throughput) or secondary (p95), points (level index, y).
type Series<'a> = (&'a str, RGBColor, bool, Vec<(i32, f64)>);

/// The smallest and largest positive value of `series` (1 and 1 when there is none).
fn bounds(series: &[Series]) -> (f64, f64) {
    let values = || series.iter().flat_map(|s| s.3.iter().map(|p| p.1));
    let positive = || values().filter(|v| *v > 0.0);
    let low = positive().fold(f64::INFINITY, f64::min);
    let high = positive().fold(0.0f64, f64::max);
    if high > 0.0 { (low, high) } else { (1.0, 1.0) }
}

/// One line chart: x is the concurrency level (evenly spaced), y over `y_range`.
fn panel<Y>(
    area: &DrawingArea<BitMapBackend, plotters::coord::Shift>,
    caption: &str,
    unit: &str,
    concurrency: &[usize],
    series: &[Series],
    y_range: Y,
) -> anyhow::Result<()>
where
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let x_range = (0..concurrency.len() as i32 - 1).into_segmented();
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 18))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x_range, y_range)
        .map_err(|e| anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("concurrent conversations (C)")
        .y_desc(unit)
        .x_labels(concurrency.len())
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => concurrency
                .get(*i as usize)
                .map_or(String::new(), |c| c.to_string()),
            SegmentValue::Last => String::new(),
        })
        .y_label_formatter(&|y| format!("{y:.0}"))
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    for (label, color, main, points) in series {
        if points.is_empty() {
            continue;
        }
        let style = if *main {
            color.stroke_width(3)
        } else {
            color.mix(0.55).stroke_width(2)
        };
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|(i, y)| (SegmentValue::CenterOf(*i), *y)),
                style,
            ))
            .map_err(|e| anyhow!("{e}"))?
            .label(*label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
        chart
            .draw_series(points.iter().map(|(i, y)| {
                Circle::new(
                    (SegmentValue::CenterOf(*i), *y),
                    if *main { 4 } else { 3 },
                    style.filled(),
                )
            }))
            .map_err(|e| anyhow!("{e}"))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

fn register_font() -> anyhow::Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
            .is_ok()
    });
    ok.then_some(())
        .context("the embedded DejaVu Sans font did not load")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Summary;

    fn phase(p50: f64, rate: f64) -> Phase {
        Phase {
            turn_ms: Summary {
                p50,
                p95: p50 * 1.5,
                ..Summary::default()
            },
            turns_per_second: rate,
            ..Phase::default()
        }
    }

    #[test]
    fn the_chart_renders_with_the_embedded_font() {
        let levels: Vec<Level> = [
            (1, 40.0, 20.0),
            (8, 60.0, 90.0),
            (32, 150.0, 160.0),
            (128, 500.0, 200.0),
        ]
        .into_iter()
        .map(|(c, p50, rate)| Level {
            concurrency: c,
            agent: phase(p50, rate),
            baseline: Some(phase(p50 * 0.8, rate * 1.2)),
            ratios: None,
        })
        .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.png");
        draw(&levels, "test chart", &path).expect("the chart draws");
        let png = std::fs::read(&path).unwrap();
        assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
        if let Some(keep) = std::env::var_os("BENCH_KEEP_CHART") {
            std::fs::copy(&path, keep).unwrap();
        }
    }
}
