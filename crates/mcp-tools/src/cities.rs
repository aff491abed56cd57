//! The time zone of a North American city, from the table shipped in `data/cities.json`.
//!
//! The table covers the cities the trip agent finds events in, plus a few more. Names are
//! matched loosely, the way people type them: any letter case, with or without accents and
//! periods (`st louis`, `Montréal`), common aliases (`NYC`), and followed by where the city is
//! (`Austin, TX`, `Toronto, Ontario, Canada`), which must then fit: `Portland, Maine` is not
//! the Portland in the table. An unknown city gets the closest names in the table, so a typo
//! can be corrected in one more call.

use std::sync::LazyLock;

use rmcp::schemars::{self, JsonSchema};
use serde::{Deserialize, Serialize};

use crate::error::ToolError;
use crate::zones::parse_zone;

/// The table the server answers with, parsed once. Its loading is proven by a unit test.
pub static CITIES: LazyLock<CityTable> = LazyLock::new(|| {
    CityTable::from_json(include_str!("../data/cities.json"))
        .expect("data/cities.json is part of the binary and is checked by its tests")
});

/// How many close matches an "unknown city" answer lists.
const MAX_SUGGESTIONS: usize = 5;

/// One city and the zone its clocks follow; also what `city_time_zone` answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct City {
    /// The city's usual English name.
    pub name: String,
    /// State, province or federal entity.
    pub region: String,
    /// The region's short code: postal abbreviation in the US and Canada (`TX`, `ON`),
    /// ISO 3166-2 in Mexico (`CMX`).
    pub region_code: String,
    pub country: String,
    /// IANA time zone name, e.g. `America/Chicago`.
    pub zone: String,
}

#[derive(Debug, Deserialize)]
struct CityRow {
    #[serde(flatten)]
    city: City,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct CityFile {
    cities: Vec<CityRow>,
}

/// Cities with every name they are known by, normalised for matching.
#[derive(Debug)]
pub struct CityTable {
    cities: Vec<City>,
    /// (normalised name or alias, index into `cities`).
    names: Vec<(String, usize)>,
}

/// A table that cannot be used, and why.
#[derive(Debug, thiserror::Error)]
pub enum CityTableError {
    #[error("the city table is not valid JSON of the expected shape: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{city}: {zone:?} is not an IANA time zone")]
    BadZone { city: String, zone: String },
    #[error("the name {0:?} is given to two cities")]
    Ambiguous(String),
}

impl CityTable {
    /// Parses and checks a table: every zone exists, no name or alias names two cities.
    pub fn from_json(json: &str) -> Result<Self, CityTableError> {
        let file: CityFile = serde_json::from_str(json)?;
        let mut table = CityTable {
            cities: Vec::with_capacity(file.cities.len()),
            names: Vec::new(),
        };
        for row in file.cities {
            let city = row.city;
            // The canonical spelling only, so answers can be compared and passed on verbatim.
            let canonical = parse_zone(&city.zone).is_ok_and(|tz| tz.name() == city.zone);
            if !canonical {
                return Err(CityTableError::BadZone {
                    city: city.name,
                    zone: city.zone,
                });
            }
            let index = table.cities.len();
            for name in std::iter::once(&city.name).chain(&row.aliases) {
                table.add_name(normalise(name), index)?;
            }
            table.cities.push(city);
        }
        Ok(table)
    }

    fn add_name(&mut self, name: String, index: usize) -> Result<(), CityTableError> {
        match self.names.iter().find(|(known, _)| *known == name) {
            Some((_, other)) if *other != index => Err(CityTableError::Ambiguous(name)),
            Some(_) => Ok(()),
            None => {
                self.names.push((name, index));
                Ok(())
            }
        }
    }

    pub fn len(&self) -> usize {
        self.cities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cities.is_empty()
    }

    /// The city a person means by `query`, or the closest names when there is none.
    pub fn lookup(&self, query: &str) -> Result<&City, ToolError> {
        self.exact(&normalise(query))
            .or_else(|| self.with_place(query))
            .ok_or_else(|| ToolError::UnknownCity {
                city: query.trim().to_owned(),
                hint: self.unknown_city_hint(query),
            })
    }

    /// `Austin, TX` or `Toronto, Ontario, Canada`: the city's name, then where it is; every
    /// part after the name must be the city's region or country.
    fn with_place(&self, query: &str) -> Option<&City> {
        let (name, place) = query.split_once(',')?;
        self.exact(&normalise(name))
            .filter(|city| place.split(',').all(|part| city.is_in(&normalise(part))))
    }

    fn exact(&self, name: &str) -> Option<&City> {
        self.names
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, index)| &self.cities[*index])
    }

    /// Up to [`MAX_SUGGESTIONS`] city names, closest first: names whose words contain the
    /// query's or are contained in them (`san` → San Antonio, `portland, maine` → Portland),
    /// then names a few typos away.
    fn close_matches(&self, query: &str) -> Vec<String> {
        let wanted = normalise(query);
        let mut scored: Vec<(usize, usize)> = Vec::new();
        for (name, index) in &self.names {
            let distance = if has_words(name, &wanted) || has_words(&wanted, name) {
                0
            } else {
                edit_distance(name, &wanted)
            };
            // Allow about one typo per three letters, and at least two.
            if distance <= (wanted.chars().count() / 3).max(2) {
                scored.push((distance, *index));
            }
        }
        scored.sort();
        let mut matches: Vec<String> = Vec::new();
        for (_, index) in scored {
            let city = &self.cities[index];
            let label = format!("{} ({})", city.name, city.region);
            if !matches.contains(&label) && matches.len() < MAX_SUGGESTIONS {
                matches.push(label);
            }
        }
        matches
    }

    fn unknown_city_hint(&self, query: &str) -> String {
        match self.close_matches(query).as_slice() {
            [] => format!(
                "; it knows {} cities in the United States, Canada and Mexico, such as Austin, \
                 Toronto and Mexico City",
                self.len()
            ),
            close => format!("; close matches: {}", close.join(", ")),
        }
    }
}

impl City {
    /// True when `place` (normalised) names this city's region, region code or country.
    fn is_in(&self, place: &str) -> bool {
        place == normalise(&self.region)
            || place == normalise(&self.region_code)
            || place == normalise(&self.country)
            || country_abbreviations(&self.country).contains(&place)
    }
}

/// Short forms of the countries in the table, normalised (`U.S.A.` is `usa`). `CA` is left
/// out for Canada: it is California's code.
fn country_abbreviations(country: &str) -> &'static [&'static str] {
    match country {
        "United States" => &["us", "usa", "united states of america"],
        "Mexico" => &["mx", "mex"],
        _ => &[],
    }
}

/// Lower case, Latin accents folded, periods and apostrophes dropped, spaces collapsed: so
/// `St. John's`, `st johns` and `ST  JOHN'S` are one name.
fn normalise(name: &str) -> String {
    let folded: String = name
        .chars()
        .filter(|c| !matches!(c, '.' | '\'' | '’'))
        .map(fold_accent)
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The accented letters of French and Spanish city names, as the plain letter.
fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'Á' | 'À' | 'Â' | 'Ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
        'ñ' | 'Ñ' => 'n',
        'ç' | 'Ç' => 'c',
        other => other,
    }
}

/// True when the words of `needle` appear, in order and whole, among those of `haystack`.
fn has_words(haystack: &str, needle: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|word| !word.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (haystack, needle) = (words(haystack), words(needle));
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// Levenshtein distance: the fewest single-letter edits that turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone_of(query: &str) -> String {
        CITIES.lookup(query).unwrap().zone.clone()
    }

    #[test]
    fn shipped_table_loads() {
        assert!(CITIES.len() >= 40, "{}", CITIES.len());
    }

    #[test]
    fn every_city_the_events_data_knows_has_a_zone() {
        // The events the trip agent finds (data/find_events_data.json at the repository root)
        // are keyed by city; each of those cities must be answerable here.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/find_events_data.json"
        );
        let events: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let missing: Vec<&String> = events
            .keys()
            .filter(|city| CITIES.lookup(city).is_err())
            .collect();
        assert!(missing.is_empty(), "no zone for {missing:?}");
    }

    #[test]
    fn well_known_cities_have_their_zones() {
        assert_eq!(zone_of("Austin"), "America/Chicago");
        assert_eq!(zone_of("New York"), "America/New_York");
        assert_eq!(zone_of("Denver"), "America/Denver");
        assert_eq!(zone_of("Phoenix"), "America/Phoenix");
        assert_eq!(zone_of("Vancouver"), "America/Vancouver");
        assert_eq!(zone_of("Mexico City"), "America/Mexico_City");
        assert_eq!(zone_of("Honolulu"), "Pacific/Honolulu");
    }

    #[test]
    fn names_match_the_way_people_type_them() {
        assert_eq!(zone_of("  los   ANGELES "), "America/Los_Angeles");
        assert_eq!(zone_of("st louis"), "America/Chicago");
        assert_eq!(zone_of("ST. JOHN'S"), "America/St_Johns");
        assert_eq!(zone_of("Montréal"), "America/Toronto");
        assert_eq!(zone_of("cancun"), "America/Cancun");
        assert_eq!(zone_of("NYC"), "America/New_York");
        assert_eq!(zone_of("Austin, TX"), "America/Chicago");
        assert_eq!(zone_of("Toronto, Ontario, Canada"), "America/Toronto");
        assert_eq!(zone_of("Cancún, Quintana Roo, México"), "America/Cancun");
        assert_eq!(
            zone_of("Seattle, Washington, U.S.A."),
            "America/Los_Angeles"
        );
        assert_eq!(CITIES.lookup("washington d.c.").unwrap().name, "Washington");
    }

    #[test]
    fn unknown_city_lists_close_matches() {
        let text = CITIES.lookup("Torronto").unwrap_err().to_string();
        assert!(text.contains("close matches: Toronto (Ontario)"), "{text}");
        let text = CITIES.lookup("San").unwrap_err().to_string();
        assert!(
            text.contains("San Antonio") && text.contains("San Diego"),
            "{text}"
        );
    }

    #[test]
    fn a_place_that_does_not_fit_is_not_answered_with_another_city() {
        let text = CITIES.lookup("Portland, Maine").unwrap_err().to_string();
        assert!(text.contains("close matches: Portland (Oregon)"), "{text}");
        assert!(CITIES.lookup("Austin, Ontario").is_err());
    }

    #[test]
    fn a_city_far_from_every_name_gets_examples_instead() {
        let text = CITIES.lookup("Reykjavik").unwrap_err().to_string();
        assert!(text.contains("\"Reykjavik\" is not in the table"), "{text}");
        assert!(text.contains("such as Austin"), "{text}");
    }

    #[test]
    fn tables_with_bad_zones_or_shared_names_are_refused() {
        let bad_zone = r#"{"cities": [{"name": "Atlantis", "region": "-", "region_code": "-",
            "country": "-", "zone": "Ocean/Atlantis"}]}"#;
        assert!(matches!(
            CityTable::from_json(bad_zone),
            Err(CityTableError::BadZone { .. })
        ));
        let shared = r#"{"cities": [
            {"name": "Portland", "region": "Oregon", "region_code": "OR", "country": "US",
             "zone": "America/Los_Angeles"},
            {"name": "Portland", "region": "Maine", "region_code": "ME", "country": "US",
             "zone": "America/New_York"}]}"#;
        assert!(matches!(
            CityTable::from_json(shared),
            Err(CityTableError::Ambiguous(name)) if name == "portland"
        ));
    }

    #[test]
    fn word_containment_ignores_letters_inside_words() {
        assert!(has_words("portland, maine", "portland"));
        assert!(has_words("san antonio", "san"));
        assert!(!has_words("portland, maine", "la"));
        assert!(!has_words("austin", ""));
    }

    #[test]
    fn edit_distance_counts_single_letter_edits() {
        assert_eq!(edit_distance("toronto", "torronto"), 1);
        assert_eq!(edit_distance("austin", "boston"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
