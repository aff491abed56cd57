//! Local time in an IANA time zone, now or at a given instant, from the tz database that
//! `chrono-tz` compiles into the binary (so the answer needs no system zoneinfo files).

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::{OffsetComponents, OffsetName, TZ_VARIANTS, Tz};
use rmcp::schemars::{self, JsonSchema};
use serde::{Deserialize, Serialize};

use crate::error::ToolError;

/// How many similar zone names an "unknown zone" answer suggests.
const MAX_SUGGESTIONS: usize = 5;

/// What `time_in_zone` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ZoneTime {
    /// The IANA zone name, spelled as the tz database spells it.
    pub zone: String,
    /// The local date and time, RFC 3339 with the zone's offset.
    pub local_time: String,
    /// The same instant in UTC, RFC 3339.
    pub utc_time: String,
    /// The offset from UTC in effect at that instant, e.g. `-06:00`.
    pub utc_offset: String,
    /// The zone's abbreviation at that instant (`CST`, `CEST`), or the offset when the tz
    /// database has none for it.
    pub abbreviation: String,
    /// Whether daylight saving time is in effect.
    pub daylight_saving: bool,
    /// The local day of the week, in English.
    pub weekday: String,
}

impl ZoneTime {
    /// The one-line answer, e.g. `Thursday 2026-12-03 14:05 CST (UTC-06:00) in America/Chicago`.
    pub fn describe(&self) -> String {
        // local_time is RFC 3339: the first 16 characters are `YYYY-MM-DDTHH:MM`.
        let local = self.local_time.get(..16).unwrap_or(&self.local_time);
        format!(
            "{} {} {} (UTC{}) in {}",
            self.weekday,
            local.replacen('T', " ", 1),
            self.abbreviation,
            self.utc_offset,
            self.zone
        )
    }
}

/// The local time in `zone` at `at` (RFC 3339), or at `now` when `at` is absent.
pub fn time_in_zone(
    zone: &str,
    at: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ZoneTime, ToolError> {
    let tz = parse_zone(zone)?;
    let instant = match at.map(str::trim).filter(|at| !at.is_empty()) {
        Some(at) => DateTime::parse_from_rfc3339(at)
            .map_err(|_| ToolError::InvalidInstant(at.to_owned()))?
            .with_timezone(&Utc),
        None => now,
    };
    let local = instant.with_timezone(&tz);
    let offset = local.offset();
    let utc_offset = local.format("%:z").to_string();
    Ok(ZoneTime {
        zone: tz.name().to_owned(),
        local_time: local.to_rfc3339_opts(SecondsFormat::Secs, false),
        utc_time: instant.to_rfc3339_opts(SecondsFormat::Secs, true),
        abbreviation: offset
            .abbreviation()
            .map_or_else(|| utc_offset.clone(), str::to_owned),
        utc_offset,
        daylight_saving: !offset.dst_offset().is_zero(),
        weekday: local.format("%A").to_string(),
    })
}

/// An IANA zone by name, in any letter case (`america/chicago` works too).
pub fn parse_zone(name: &str) -> Result<Tz, ToolError> {
    let name = name.trim();
    if let Ok(tz) = name.parse::<Tz>() {
        return Ok(tz);
    }
    TZ_VARIANTS
        .iter()
        .copied()
        .find(|tz| tz.name().eq_ignore_ascii_case(name))
        .ok_or_else(|| ToolError::UnknownZone {
            zone: name.to_owned(),
            hint: unknown_zone_hint(name),
        })
}

/// Zone names that contain what was asked for (`chicago` → `America/Chicago`), and a pointer
/// to `city_time_zone` for city names the tz database does not use as zone names.
fn unknown_zone_hint(name: &str) -> String {
    let wanted = name.to_ascii_lowercase().replace(' ', "_");
    let similar: Vec<&str> = TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|zone| !wanted.is_empty() && zone.to_ascii_lowercase().contains(&wanted))
        .take(MAX_SUGGESTIONS)
        .collect();
    let mut hint = String::new();
    if !similar.is_empty() {
        hint.push_str(&format!("; did you mean {}?", similar.join(", ")));
    }
    hint.push_str("; for a city's zone, call city_time_zone first");
    hint
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(instant: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(instant).unwrap().to_utc()
    }

    #[test]
    fn winter_in_chicago_is_central_standard_time() {
        let time = time_in_zone("America/Chicago", None, at("2026-12-03T20:05:00Z")).unwrap();
        assert_eq!(time.local_time, "2026-12-03T14:05:00-06:00");
        assert_eq!(time.utc_time, "2026-12-03T20:05:00Z");
        assert_eq!(time.utc_offset, "-06:00");
        assert_eq!(time.abbreviation, "CST");
        assert!(!time.daylight_saving);
        assert_eq!(time.weekday, "Thursday");
        assert_eq!(
            time.describe(),
            "Thursday 2026-12-03 14:05 CST (UTC-06:00) in America/Chicago"
        );
    }

    #[test]
    fn a_given_instant_wins_over_now_and_follows_daylight_saving() {
        let time = time_in_zone(
            "America/New_York",
            Some("2026-07-04T16:00:00Z"),
            at("2026-12-03T20:05:00Z"),
        )
        .unwrap();
        assert_eq!(time.local_time, "2026-07-04T12:00:00-04:00");
        assert_eq!(time.abbreviation, "EDT");
        assert!(time.daylight_saving);
    }

    #[test]
    fn instants_with_an_offset_are_read_as_the_same_moment() {
        let time = time_in_zone("UTC", Some("2026-12-03T08:00:00+09:00"), Utc::now()).unwrap();
        assert_eq!(time.utc_time, "2026-12-02T23:00:00Z");
    }

    #[test]
    fn zone_names_are_case_insensitive_and_answered_canonically() {
        let time = time_in_zone(" america/los_angeles ", None, Utc::now()).unwrap();
        assert_eq!(time.zone, "America/Los_Angeles");
    }

    #[test]
    fn unknown_zone_suggests_similar_names_and_the_city_tool() {
        let err = time_in_zone("New York", None, Utc::now()).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("America/New_York"), "{text}");
        assert!(text.contains("city_time_zone"), "{text}");
        assert!(matches!(err, ToolError::UnknownZone { .. }));
    }

    #[test]
    fn a_malformed_instant_is_refused_with_an_example() {
        let err = time_in_zone("UTC", Some("next tuesday"), Utc::now()).unwrap_err();
        assert!(matches!(err, ToolError::InvalidInstant(_)));
        assert!(err.to_string().contains("RFC 3339"));
    }
}
