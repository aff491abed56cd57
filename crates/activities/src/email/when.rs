//! "Tomorrow 9am", "in 2 hours", "2026-11-24T09:00": when the user wants an email sent.
//!
//! The model copies the user's words; this module turns them into an instant, against the
//! current time and the user's IANA time zone, with no model involved. What it understands:
//!
//! - `now`, `right away`, `immediately`, `asap`;
//! - `in 2 hours`, `in 1h30m`, `in an hour and 15 minutes`, `in 3 days`, `2 hours from now`:
//!   hours, minutes and seconds are exact durations; days and weeks keep the wall-clock time
//!   (so "in 1 day" across a daylight-saving change is still the same local time);
//! - a day and/or a time of day: `today`, `tonight`, `tomorrow`, `the day after tomorrow`,
//!   a weekday (`friday`, `next friday`), a date (`24 November`, `Nov 24 2027`,
//!   `2026-11-24`), with `9am`, `9:30 pm`, `14:30`, `noon`, `midnight`, `morning` (9:00),
//!   `afternoon` (15:00), `evening` (18:00); a day alone means 9:00 that day, and a time alone
//!   its next occurrence;
//! - ISO 8601 / RFC 3339 with an offset (`2026-11-24T08:00:00Z`), or local without one;
//! - a Unix time in seconds.
//!
//! Local times that do not exist (the hour skipped when clocks go forward) move forward by
//! the length of the gap; local times that happen twice (clocks go back) take the first.
//! A result more than a minute in the past is [`WhenError::Past`]; more than a year ahead,
//! [`WhenError::TooFar`].

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use prompts::SendTimeAnswer;

/// Why a send time cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    #[error("{0} has already passed")]
    Past(String),
    #[error("{0} is more than a year away")]
    TooFar(String),
    #[error("{0:?} is not a time I can read")]
    Unreadable(String),
}

/// How far back a time may be and still count as "now" (a minute-precise "14:05" said at
/// 14:05:40, or a few seconds of model latency).
const GRACE: Duration = Duration::seconds(60);
/// The furthest ahead an email may be scheduled.
const HORIZON: Duration = Duration::days(366);

/// Resolves the model's answer into an instant in the user's zone.
pub fn resolve(
    answer: &SendTimeAnswer,
    now: DateTime<Utc>,
    zone: Tz,
) -> Result<DateTime<Tz>, WhenError> {
    let at = match answer {
        SendTimeAnswer::Unix(seconds) => {
            unix(*seconds, zone).ok_or_else(|| WhenError::Unreadable(seconds.to_string()))?
        }
        SendTimeAnswer::Phrase(phrase) => parse(phrase, now, zone)
            .ok_or_else(|| WhenError::Unreadable(phrase.trim().to_owned()))?,
    };
    let now = now.with_timezone(&zone);
    if at < now - GRACE {
        return Err(WhenError::Past(describe(&at)));
    }
    if at > now + HORIZON {
        return Err(WhenError::TooFar(describe(&at)));
    }
    Ok(at)
}

/// An instant as the user reads it: `Tue 24 Nov 2026, 09:00 (Europe/Berlin)`.
pub fn describe(at: &DateTime<Tz>) -> String {
    format!(
        "{} ({})",
        at.format("%a %-d %b %Y, %H:%M"),
        at.timezone().name()
    )
}

/// The current time as the prompt states it: `Monday, 23 November 2026, 14:05`.
pub fn describe_now(now: DateTime<Utc>, zone: Tz) -> String {
    now.with_timezone(&zone)
        .format("%A, %-d %B %Y, %H:%M")
        .to_string()
}

fn unix(seconds: i64, zone: Tz) -> Option<DateTime<Tz>> {
    DateTime::from_timestamp(seconds, 0).map(|at| at.with_timezone(&zone))
}

/// Parses a phrase; `None` when it is not one of the forms above.
pub fn parse(phrase: &str, now: DateTime<Utc>, zone: Tz) -> Option<DateTime<Tz>> {
    let text = normalize(phrase);
    if text.is_empty() {
        return None;
    }
    if let Some(at) = absolute(&text, zone) {
        return Some(at);
    }
    let words: Vec<&str> = text.split(' ').collect();
    let local_now = now.with_timezone(&zone);
    if matches!(
        text.as_str(),
        "now" | "right now" | "immediately" | "right away" | "asap" | "straight away" | "at once"
    ) {
        return Some(local_now);
    }
    if let Some(rest) = words.strip_prefix(&["in"]) {
        return relative(rest, local_now);
    }
    if let Some(rest) = words
        .strip_suffix(&["from", "now"])
        .or_else(|| words.strip_suffix(&["later"]))
    {
        return relative(rest, local_now);
    }
    day_and_time(&words, local_now)
}

/// Lower case, single spaces, no commas or trailing punctuation, no "send it" in front.
fn normalize(phrase: &str) -> String {
    let lowered = phrase
        .trim()
        .trim_end_matches(['.', '!', '?'])
        .to_lowercase()
        .replace([',', ';'], " ");
    let mut words: Vec<&str> = lowered.split_whitespace().collect();
    for filler in [["send", "it"], ["please", "send"]] {
        if words.starts_with(&filler) {
            words.drain(..2);
        }
    }
    while matches!(words.first(), Some(&"please")) {
        words.remove(0);
    }
    while matches!(words.last(), Some(&"please")) {
        words.pop();
    }
    words.join(" ")
}

// --- absolute forms -------------------------------------------------------------------------

/// Unix seconds, RFC 3339 with an offset, or an ISO local date-time read in `zone`.
fn absolute(text: &str, zone: Tz) -> Option<DateTime<Tz>> {
    if text.len() >= 9 && text.len() <= 11 && text.bytes().all(|b| b.is_ascii_digit()) {
        return unix(text.parse().ok()?, zone);
    }
    let upper = text.to_uppercase();
    if let Ok(at) = DateTime::parse_from_rfc3339(&upper) {
        return Some(at.with_timezone(&zone));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&upper, format) {
            return Some(local(naive, zone));
        }
    }
    None
}

/// A wall-clock time in `zone`: a skipped time moves forward by the gap, a repeated time
/// takes its first occurrence.
pub fn local(naive: NaiveDateTime, zone: Tz) -> DateTime<Tz> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(at) => at,
        LocalResult::Ambiguous(first, _) => first,
        LocalResult::None => {
            // Read the time with the offset in force just before the gap: 02:30 in a gap from
            // 02:00 to 03:00 becomes 03:30.
            let before = zone
                .from_local_datetime(&(naive - Duration::hours(3)))
                .earliest()
                .map(|at| at.offset().fix())
                .unwrap_or_else(|| zone.offset_from_utc_datetime(&naive).fix());
            let utc = naive - Duration::seconds(i64::from(before.local_minus_utc()));
            Utc.from_utc_datetime(&utc).with_timezone(&zone)
        }
    }
}

// --- relative forms -------------------------------------------------------------------------

/// `2 hours`, `1h30m`, `an hour and 15 minutes`, `half an hour`, `3 days`.
fn relative(words: &[&str], now: DateTime<Tz>) -> Option<DateTime<Tz>> {
    let mut exact = Duration::zero();
    let mut days = 0i64;
    let mut any = false;
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        if matches!(word, "and" | "&") {
            i += 1;
            continue;
        }
        if word == "half" && words.get(i + 1..i + 3) == Some(&["an", "hour"]) {
            exact += Duration::minutes(30);
            any = true;
            i += 3;
            continue;
        }
        // Compact forms: 2h, 90m, 1h30m, 45min, 2hrs.
        if let Some(parts) = compact_duration(word) {
            for (amount, unit) in parts {
                add(&mut exact, &mut days, amount, unit)?;
            }
            any = true;
            i += 1;
            continue;
        }
        let amount = amount(word)?;
        let unit = unit(words.get(i + 1)?)?;
        add(&mut exact, &mut days, amount, unit)?;
        any = true;
        i += 2;
    }
    if !any {
        return None;
    }
    let shifted = if days == 0 {
        now
    } else {
        let date = now.date_naive().checked_add_signed(Duration::days(days))?;
        local(date.and_time(now.time()), now.timezone())
    };
    shifted.checked_add_signed(exact)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
}

fn add(exact: &mut Duration, days: &mut i64, amount: i64, unit: Unit) -> Option<()> {
    if !(0..=10_000).contains(&amount) {
        return None;
    }
    match unit {
        Unit::Second => *exact += Duration::seconds(amount),
        Unit::Minute => *exact += Duration::minutes(amount),
        Unit::Hour => *exact += Duration::hours(amount),
        Unit::Day => *days += amount,
        Unit::Week => *days += amount * 7,
    }
    Some(())
}

fn amount(word: &str) -> Option<i64> {
    let small = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    match word {
        "a" | "an" => Some(1),
        _ => word
            .parse()
            .ok()
            .or_else(|| small.iter().position(|w| *w == word).map(|n| n as i64)),
    }
}

fn unit(word: &str) -> Option<Unit> {
    Some(match word {
        "s" | "sec" | "secs" | "second" | "seconds" => Unit::Second,
        "m" | "min" | "mins" | "minute" | "minutes" => Unit::Minute,
        "h" | "hr" | "hrs" | "hour" | "hours" => Unit::Hour,
        "d" | "day" | "days" => Unit::Day,
        "w" | "wk" | "wks" | "week" | "weeks" => Unit::Week,
        _ => return None,
    })
}

/// `1h30m` → [(1, Hour), (30, Minute)]; `None` unless the whole word is number-unit pairs.
fn compact_duration(word: &str) -> Option<Vec<(i64, Unit)>> {
    let mut parts = Vec::new();
    let mut rest = word;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return None;
        }
        let amount = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let letters = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        if letters == 0 {
            return None;
        }
        parts.push((amount, unit(&rest[..letters])?));
        rest = &rest[letters..];
    }
    (!parts.is_empty()).then_some(parts)
}

// --- a day and a time of day ------------------------------------------------------------------

/// A named part of the day, which also says how to read "at 7" (morning or evening).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Morning,
    Afternoon,
    Evening,
    Night,
}

impl Period {
    fn default_time(self) -> NaiveTime {
        let hour = match self {
            Period::Morning => 9,
            Period::Afternoon => 15,
            Period::Evening => 18,
            Period::Night => 20,
        };
        NaiveTime::from_hms_opt(hour, 0, 0).expect("a valid hour")
    }

    fn is_after_noon(self) -> bool {
        !matches!(self, Period::Morning)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Day {
    /// A fixed date.
    Date(NaiveDate),
    /// A month and day whose year is the next one that is not past.
    Annual(u32, u32),
    /// The next such weekday: today included when `strict` is false and the time is ahead.
    Weekday { day: Weekday, strict: bool },
}

/// The time of day as read so far: the clock, whether am/pm was said, the period.
#[derive(Debug, Default, Clone, Copy)]
struct TimeOfDay {
    clock: Option<(u32, u32)>,
    meridiem: Option<bool>, // Some(true) = pm
    period: Option<Period>,
}

fn day_and_time(words: &[&str], now: DateTime<Tz>) -> Option<DateTime<Tz>> {
    let today = now.date_naive();
    let mut day: Option<Day> = None;
    let mut time = TimeOfDay::default();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let next = words.get(i + 1).copied();
        match word {
            "at" | "on" | "the" | "of" | "this" | "by" | "around" | "about" => {
                i += 1;
                continue;
            }
            "in" if matches!(next, Some("the")) => {
                i += 2;
                continue;
            }
            "today" => set(&mut day, Day::Date(today))?,
            "tonight" => {
                set(&mut day, Day::Date(today))?;
                time.period = Some(Period::Night);
            }
            "tomorrow" | "tmrw" | "tmr" => set(&mut day, Day::Date(today.succ_opt()?))?,
            "yesterday" => set(&mut day, Day::Date(today.pred_opt()?))?,
            "day" if words.get(i + 1..i + 3) == Some(&["after", "tomorrow"]) => {
                set(
                    &mut day,
                    Day::Date(today.checked_add_signed(Duration::days(2))?),
                )?;
                i += 3;
                continue;
            }
            "next" => {
                let weekday = weekday(next?)?;
                set(
                    &mut day,
                    Day::Weekday {
                        day: weekday,
                        strict: true,
                    },
                )?;
                i += 2;
                continue;
            }
            "morning" => time.period = Some(Period::Morning),
            "afternoon" => time.period = Some(Period::Afternoon),
            "evening" => time.period = Some(Period::Evening),
            "night" => time.period = Some(Period::Night),
            "noon" | "midday" => set_clock(&mut time, (12, 0), None)?,
            "midnight" => {
                // The midnight at the end of the named day (or of today).
                set_clock(&mut time, (0, 0), None)?;
                time.period = None;
                let base = match day {
                    Some(Day::Date(date)) => date,
                    None => today,
                    _ => return None,
                };
                day = Some(Day::Date(base.succ_opt()?));
            }
            "am" | "a.m" | "a.m." => time.meridiem = Some(false),
            "pm" | "p.m" | "p.m." => time.meridiem = Some(true),
            "o'clock" | "oclock" | "h" => {}
            _ => {
                if let Some(weekday) = weekday(word) {
                    set(
                        &mut day,
                        Day::Weekday {
                            day: weekday,
                            strict: false,
                        },
                    )?;
                } else if let Some((date, used)) = date(&words[i..], today) {
                    set(&mut day, date)?;
                    i += used;
                    continue;
                } else if let Some((clock, meridiem)) = clock(word) {
                    set_clock(&mut time, clock, meridiem)?;
                } else {
                    return None;
                }
            }
        }
        i += 1;
    }
    if day.is_none() && time.clock.is_none() && time.period.is_none() {
        return None;
    }
    let time_of_day = time_of_day(&time)?;
    let at = |date: NaiveDate| local(date.and_time(time_of_day), now.timezone());
    Some(match day {
        Some(Day::Date(date)) => at(date),
        Some(Day::Annual(month, day_of_month)) => {
            let this_year = NaiveDate::from_ymd_opt(today.year(), month, day_of_month);
            match this_year.map(at) {
                Some(candidate) if candidate >= now - GRACE => candidate,
                _ => at(next_year_with(month, day_of_month, today.year())?),
            }
        }
        Some(Day::Weekday { day, strict }) => {
            let mut date = today;
            loop {
                let is_today = date == today;
                if date.weekday() == day && !(is_today && (strict || at(date) < now - GRACE)) {
                    break at(date);
                }
                date = date.succ_opt()?;
            }
        }
        // A time alone: its next occurrence.
        None => {
            let candidate = at(today);
            if candidate >= now - GRACE {
                candidate
            } else {
                at(today.succ_opt()?)
            }
        }
    })
}

fn set(slot: &mut Option<Day>, value: Day) -> Option<()> {
    if slot.is_some_and(|existing| existing != value) {
        return None;
    }
    *slot = Some(value);
    Some(())
}

fn set_clock(time: &mut TimeOfDay, clock: (u32, u32), meridiem: Option<bool>) -> Option<()> {
    if time.clock.is_some() {
        return None;
    }
    time.clock = Some(clock);
    if meridiem.is_some() {
        time.meridiem = meridiem;
    }
    Some(())
}

/// The clock time, with am/pm or the period applied; the period's own time otherwise.
fn time_of_day(time: &TimeOfDay) -> Option<NaiveTime> {
    let Some((mut hour, minute)) = time.clock else {
        return Some(time.period.unwrap_or(Period::Morning).default_time());
    };
    match time.meridiem {
        Some(pm) => {
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour = match (hour, pm) {
                (12, false) => 0,
                (12, true) => 12,
                (h, true) => h + 12,
                (h, false) => h,
            };
        }
        None => {
            if time.period.is_some_and(Period::is_after_noon) && (1..12).contains(&hour) {
                hour += 12;
            }
        }
    }
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// `9`, `9am`, `9:30`, `9.30pm`, `14:30`, `14:30:00`, `1430h`.
fn clock(word: &str) -> Option<((u32, u32), Option<bool>)> {
    let (digits, meridiem) = if let Some(rest) = word
        .strip_suffix("am")
        .or_else(|| word.strip_suffix("a.m."))
    {
        (rest, Some(false))
    } else if let Some(rest) = word
        .strip_suffix("pm")
        .or_else(|| word.strip_suffix("p.m."))
    {
        (rest, Some(true))
    } else {
        (word.strip_suffix('h').unwrap_or(word), None)
    };
    let mut parts = digits.split([':', '.']);
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = match parts.next() {
        Some(m) if m.len() == 2 => m.parse().ok()?,
        Some(_) => return None,
        None => 0,
    };
    if let Some(seconds) = parts.next()
        && seconds.parse::<u32>().ok()? != 0
    {
        return None;
    }
    if parts.next().is_some() || hour > 23 || minute > 59 {
        return None;
    }
    Some(((hour, minute), meridiem))
}

fn weekday(word: &str) -> Option<Weekday> {
    let word = word.trim_end_matches('s'); // "mondays" is still Monday
    Some(match word {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn month(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let word = word.trim_end_matches('.');
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(word))
        .map(|i| i as u32 + 1)
}

/// `2026-11-24`, `24 november [2026]`, `november 24th [2026]`: the day and how many words it
/// took.
fn date(words: &[&str], _today: NaiveDate) -> Option<(Day, usize)> {
    let first = words.first()?;
    if let Ok(date) = NaiveDate::parse_from_str(first, "%Y-%m-%d") {
        return Some((Day::Date(date), 1));
    }
    let (day, month, used) = if let Some(m) = month(first) {
        (day_of_month(words.get(1)?)?, m, 2)
    } else {
        let day = day_of_month(first)?;
        let m = month(words.get(1)?)?;
        (day, m, 2)
    };
    if let Some(year) = words.get(used).and_then(|w| w.parse::<i32>().ok())
        && (1970..=9999).contains(&year)
    {
        return Some((
            Day::Date(NaiveDate::from_ymd_opt(year, month, day)?),
            used + 1,
        ));
    }
    // Check that the day exists in some year (29 February does, 31 April does not).
    NaiveDate::from_ymd_opt(2024, month, day)?;
    Some((Day::Annual(month, day), used))
}

fn day_of_month(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    let day: u32 = digits.parse().ok()?;
    (1..=31).contains(&day).then_some(day)
}

fn next_year_with(month: u32, day: u32, from_year: i32) -> Option<NaiveDate> {
    (from_year + 1..=from_year + 8).find_map(|year| NaiveDate::from_ymd_opt(year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America::New_York, Australia::Lord_Howe, Europe::Berlin, UTC};

    /// Monday 23 November 2026, 14:05:00 in Berlin (13:05 UTC).
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 13, 5, 0).unwrap()
    }

    fn berlin(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Tz> {
        Berlin.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn phrase(text: &str) -> SendTimeAnswer {
        SendTimeAnswer::Phrase(text.into())
    }

    fn at(text: &str) -> DateTime<Tz> {
        resolve(&phrase(text), now(), Berlin)
            .unwrap_or_else(|err| panic!("{text:?} should resolve: {err}"))
    }

    #[test]
    fn tomorrow_9am_is_nine_oclock_local_the_next_day() {
        assert_eq!(at("tomorrow 9am"), berlin(2026, 11, 24, 9, 0));
        assert_eq!(at("Tomorrow at 9 AM"), berlin(2026, 11, 24, 9, 0));
        assert_eq!(at("tomorrow at 9:30pm"), berlin(2026, 11, 24, 21, 30));
        assert_eq!(at("9am tomorrow"), berlin(2026, 11, 24, 9, 0));
        assert_eq!(
            at("tomorrow"),
            berlin(2026, 11, 24, 9, 0),
            "a day alone means 9:00"
        );
        assert_eq!(at("tomorrow morning"), berlin(2026, 11, 24, 9, 0));
        assert_eq!(at("tomorrow evening at 7"), berlin(2026, 11, 24, 19, 0));
        assert_eq!(
            at("send it tomorrow at 17:45, please"),
            berlin(2026, 11, 24, 17, 45)
        );
        assert_eq!(
            at("the day after tomorrow at noon"),
            berlin(2026, 11, 25, 12, 0)
        );
    }

    #[test]
    fn in_2_hours_is_an_exact_duration() {
        assert_eq!(at("in 2 hours"), berlin(2026, 11, 23, 16, 5));
        assert_eq!(at("in two hours"), berlin(2026, 11, 23, 16, 5));
        assert_eq!(
            at("in an hour and 15 minutes"),
            berlin(2026, 11, 23, 15, 20)
        );
        assert_eq!(at("in 1h30m"), berlin(2026, 11, 23, 15, 35));
        assert_eq!(at("in half an hour"), berlin(2026, 11, 23, 14, 35));
        assert_eq!(at("in 90 min"), berlin(2026, 11, 23, 15, 35));
        assert_eq!(at("2 hours from now"), berlin(2026, 11, 23, 16, 5));
        assert_eq!(at("in 3 days"), berlin(2026, 11, 26, 14, 5));
        assert_eq!(at("in 1 week"), berlin(2026, 11, 30, 14, 5));
        let seconds = resolve(&phrase("in 30 seconds"), now(), Berlin).unwrap();
        assert_eq!(seconds.timestamp(), now().timestamp() + 30);
    }

    #[test]
    fn iso_times_are_local_without_an_offset_and_exact_with_one() {
        assert_eq!(at("2026-11-24T09:00"), berlin(2026, 11, 24, 9, 0));
        assert_eq!(at("2026-11-24 09:00:00"), berlin(2026, 11, 24, 9, 0));
        assert_eq!(at("2026-11-24T08:00:00Z"), berlin(2026, 11, 24, 9, 0));
        assert_eq!(at("2026-11-24T09:00:00-05:00"), berlin(2026, 11, 24, 15, 0));
        assert_eq!(at("2026-11-24"), berlin(2026, 11, 24, 9, 0));
        assert_eq!(at("2026-11-24 at 18:30"), berlin(2026, 11, 24, 18, 30));
        let unix = berlin(2026, 11, 24, 9, 0).timestamp();
        assert_eq!(at(&unix.to_string()), berlin(2026, 11, 24, 9, 0));
        assert_eq!(
            resolve(&SendTimeAnswer::Unix(unix), now(), Berlin).unwrap(),
            berlin(2026, 11, 24, 9, 0)
        );
    }

    #[test]
    fn a_past_time_is_refused_and_named() {
        for past in ["yesterday 9am", "2026-11-20T09:00", "2020-01-01 10:00"] {
            match resolve(&phrase(past), now(), Berlin) {
                Err(WhenError::Past(text)) => assert!(text.contains("Europe/Berlin"), "{text}"),
                other => panic!("{past:?} should be past, got {other:?}"),
            }
        }
        assert_eq!(
            resolve(&phrase("today at 9am"), now(), Berlin),
            Err(WhenError::Past(
                "Mon 23 Nov 2026, 09:00 (Europe/Berlin)".into()
            ))
        );
        assert!(matches!(
            resolve(&SendTimeAnswer::Unix(1_000_000_000), now(), Berlin),
            Err(WhenError::Past(_))
        ));
    }

    #[test]
    fn nonsense_is_unreadable() {
        for nonsense in [
            "whenever the moon is blue",
            "soonish",
            "tomorrow at 25:00",
            "in 3 bananas",
            "31 April",
            "13pm",
            "",
            "next",
            "today tomorrow",
        ] {
            assert!(
                matches!(
                    resolve(&phrase(nonsense), now(), Berlin),
                    Err(WhenError::Unreadable(_))
                ),
                "{nonsense:?} should be unreadable"
            );
        }
    }

    #[test]
    fn too_far_ahead_is_refused() {
        assert!(matches!(
            resolve(&phrase("in 400 days"), now(), Berlin),
            Err(WhenError::TooFar(_))
        ));
    }

    #[test]
    fn now_words_mean_now() {
        for word in ["now", "right away", "Immediately!", "asap"] {
            assert_eq!(at(word).timestamp(), now().timestamp(), "{word}");
        }
    }

    #[test]
    fn a_time_alone_is_its_next_occurrence() {
        assert_eq!(at("at 17:30"), berlin(2026, 11, 23, 17, 30));
        assert_eq!(
            at("9am"),
            berlin(2026, 11, 24, 9, 0),
            "9:00 has passed today"
        );
        assert_eq!(at("noon"), berlin(2026, 11, 24, 12, 0));
        assert_eq!(at("midnight"), berlin(2026, 11, 24, 0, 0));
        assert_eq!(at("tonight"), berlin(2026, 11, 23, 20, 0));
        assert_eq!(at("tonight at 9"), berlin(2026, 11, 23, 21, 0));
        assert_eq!(at("this evening"), berlin(2026, 11, 23, 18, 0));
    }

    #[test]
    fn weekdays_and_dates() {
        // 23 November 2026 is a Monday.
        assert_eq!(at("friday 10am"), berlin(2026, 11, 27, 10, 0));
        assert_eq!(at("on Fri at 10"), berlin(2026, 11, 27, 10, 0));
        assert_eq!(
            at("monday 15:00"),
            berlin(2026, 11, 23, 15, 0),
            "later today"
        );
        assert_eq!(
            at("monday 9am"),
            berlin(2026, 11, 30, 9, 0),
            "today's 9:00 has passed"
        );
        assert_eq!(at("next monday 15:00"), berlin(2026, 11, 30, 15, 0));
        assert_eq!(at("24 November 9am"), berlin(2026, 11, 24, 9, 0));
        assert_eq!(at("November 24th at 9:15"), berlin(2026, 11, 24, 9, 15));
        assert_eq!(at("1 January"), berlin(2027, 1, 1, 9, 0), "next year's");
        assert_eq!(at("Jan 5 2027 08:00"), berlin(2027, 1, 5, 8, 0));
    }

    #[test]
    fn the_skipped_hour_moves_forward_by_the_gap() {
        // Berlin springs forward on 28 March 2027 at 02:00 → 03:00.
        let now = Utc.with_ymd_and_hms(2027, 3, 27, 12, 0, 0).unwrap();
        let sent = resolve(&phrase("tomorrow 2:30am"), now, Berlin).unwrap();
        assert_eq!(sent, berlin(2027, 3, 28, 3, 30));
        assert_eq!(
            sent.with_timezone(&Utc),
            Utc.with_ymd_and_hms(2027, 3, 28, 1, 30, 0).unwrap()
        );
        // Lord Howe Island moves by 30 minutes (02:00 → 02:30 on 3 October 2027).
        let now = Utc.with_ymd_and_hms(2027, 10, 2, 0, 0, 0).unwrap();
        let sent = resolve(&phrase("tomorrow 2:15am"), now, Lord_Howe).unwrap();
        assert_eq!(sent.format("%H:%M").to_string(), "02:45");
    }

    #[test]
    fn the_repeated_hour_takes_its_first_occurrence() {
        // Berlin falls back on 31 October 2027 at 03:00 → 02:00; 02:30 happens twice.
        let now = Utc.with_ymd_and_hms(2027, 10, 30, 12, 0, 0).unwrap();
        let sent = resolve(&phrase("tomorrow 2:30am"), now, Berlin).unwrap();
        assert_eq!(
            sent.with_timezone(&Utc),
            Utc.with_ymd_and_hms(2027, 10, 31, 0, 30, 0).unwrap()
        );
    }

    #[test]
    fn days_keep_the_wall_clock_across_a_dst_change_and_hours_do_not() {
        // New York falls back on 1 November 2026.
        let now = Utc.with_ymd_and_hms(2026, 10, 31, 13, 0, 0).unwrap(); // 09:00 EDT
        let day = resolve(&phrase("in 1 day"), now, New_York).unwrap();
        assert_eq!(day.format("%d %H:%M").to_string(), "01 09:00");
        let hours = resolve(&phrase("in 24 hours"), now, New_York).unwrap();
        assert_eq!(hours.format("%d %H:%M").to_string(), "01 08:00");
        let tomorrow = resolve(&phrase("tomorrow 9am"), now, New_York).unwrap();
        assert_eq!(
            tomorrow.with_timezone(&Utc).format("%H:%M").to_string(),
            "14:00"
        );
    }

    #[test]
    fn the_same_words_mean_different_instants_in_different_zones() {
        let berlin = at("tomorrow 9am");
        let utc = resolve(&phrase("tomorrow 9am"), now(), UTC).unwrap();
        assert_eq!(utc.timestamp() - berlin.timestamp(), 3600);
    }

    #[test]
    fn descriptions_name_the_zone() {
        assert_eq!(
            describe(&berlin(2026, 11, 24, 9, 0)),
            "Tue 24 Nov 2026, 09:00 (Europe/Berlin)"
        );
        assert_eq!(
            describe_now(now(), Berlin),
            "Monday, 23 November 2026, 14:05"
        );
    }
}
